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
}: {
  text: string;
  label?: string;
  /** What is copied, for the button's name and the toast: "token", "curl example". */
  what: string;
  className?: string;
  /** Called once the text is on the clipboard. */
  onCopied?: () => void;
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
      aria-label={`copy the ${what}`}
      className={`shrink-0 whitespace-nowrap ${className}`}
    >
      {done ? <Check className="size-4" aria-hidden /> : <Copy className="size-4" aria-hidden />} {label}
    </Button>
  );
}
