'use client';
import { CircleCheck, X } from 'lucide-react';
import { useEffect, useRef } from 'react';
import { Banner } from '@/components/ui/banner';
import { Button } from '@/components/ui/button';
import { focusIfLost } from '@/lib/focus';
import type { SaveAnswer } from './config-check';

/** What a save or rollback did, said once it is done. */
export interface Done {
  what: string;
  result: SaveAnswer;
  /**
   * The organism.yaml it wrote: the file is what it made while it reads so. Unknown only when a
   * rollback's version could not be read after it (the banner then stays until dismissed).
   */
  text?: string;
}

/** What a save or rollback did, and which listeners it added, updated and removed; dismissable. */
export function DoneBanner({ done, onDismiss }: { done: Done; onDismiss: () => void }) {
  const { added, removed, updated } = done.result.ok ? done.result : { added: [], removed: [], updated: [] };
  const list = (label: string, names: string[]) =>
    names.length ? (
      <li>
        {label}: <span className="font-mono text-xs">{names.join(', ')}</span>
      </li>
    ) : null;
  // The save's button is disabled once it is done: the keyboard goes to what the save did.
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => focusIfLost(box.current), []);
  return (
    <div ref={box} tabIndex={-1} className="outline-none">
      <Banner
        tone="done"
        icon={CircleCheck}
        data-testid="config-done"
        action={
          <Button variant="ghost" aria-label="dismiss" onClick={onDismiss}>
            <X className="size-4" aria-hidden />
          </Button>
        }
      >
        <p className="font-medium">{done.what}, and reloaded.</p>
        {added.length + removed.length + updated.length === 0 ? (
          <p className="text-muted">No listener changed.</p>
        ) : (
          <ul>
            {list('Added', added)}
            {list('Updated', updated)}
            {list('Removed', removed)}
          </ul>
        )}
      </Banner>
    </div>
  );
}
