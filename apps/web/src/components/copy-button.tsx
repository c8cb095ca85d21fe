'use client';
import { Check, Copy } from 'lucide-react';
import { useState } from 'react';
import { toast } from 'sonner';
import { Button } from './ui/button';

/**
 * Copies `text` to the clipboard and says so. Browsers offer the clipboard only on https and localhost;
 * elsewhere it says to select the text instead of failing silently.
 */
export function CopyButton({
  text,
  label = 'Copy',
  what,
  className = '',
}: {
  text: string;
  label?: string;
  /** What is copied, for the button's name and the toast: "token", "curl example". */
  what: string;
  className?: string;
}) {
  const [done, setDone] = useState(false);
  const copy = () => {
    if (!navigator.clipboard) {
      toast.error('This browser allows copying only on https or localhost: select the text and copy it.');
      return;
    }
    void navigator.clipboard.writeText(text).then(
      () => {
        setDone(true);
        toast.success(`${what} copied`);
        setTimeout(() => setDone(false), 2_000);
      },
      () => toast.error('The browser refused to copy: select the text and copy it.'),
    );
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
