'use client';
import { Check, Copy } from 'lucide-react';
import { useState } from 'react';
import { copyText } from '@/lib/copy-text';
import { Button } from './ui/button';

/**
 * Copies `text` to the clipboard and says so (`copyText`); where the browser offers no clipboard or refuses,
 * it says to select the text instead of failing silently.
 */
export function CopyButton({
  text,
  label = 'Copy',
  what,
  className = '',
  onCopied,
  quiet = false,
}: {
  text: string;
  /** The button's words beside its icon; none: the icon alone (its name still says what it copies). */
  label?: string;
  /** What is copied, for the button's name and the toast: "token", "curl example". */
  what: string;
  className?: string;
  /** Called once the text is on the clipboard. */
  onCopied?: () => void;
  /** A borderless button, beside a heading's id rather than in a form. */
  quiet?: boolean;
}) {
  const [done, setDone] = useState(false);
  const copy = () => {
    void copyText(text, what).then((copied) => {
      if (!copied) return;
      onCopied?.();
      setDone(true);
      setTimeout(() => setDone(false), 2_000);
    });
  };
  return (
    <Button
      onClick={copy}
      variant={quiet ? 'ghost' : undefined}
      aria-label={`copy the ${what}`}
      title={label ? undefined : `Copy the ${what}`}
      className={`shrink-0 whitespace-nowrap ${label ? '' : 'px-2'} ${className}`}
    >
      {done ? <Check className="size-4" aria-hidden /> : <Copy className="size-4" aria-hidden />}
      {label && ` ${label}`}
    </Button>
  );
}
