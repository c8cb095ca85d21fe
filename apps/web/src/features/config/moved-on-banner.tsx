'use client';
import { TriangleAlert } from 'lucide-react';
import { useState } from 'react';
import { Banner } from '@/components/ui/banner';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { TextDiff } from './text-diff';
import type { Merged } from './merge-edits';

/**
 * Said as soon as organism.yaml moves on under an edit (another admin's save, a rollback, an edit on disk):
 * what that change was, and the ways on: one's edits merged into the file as it now is, or dropped.
 */
export function MovedOnBanner({
  configFile,
  began,
  now,
  failedMerge,
  onMerge,
  onDiscard,
  onGoTo,
}: {
  configFile: string;
  /** The file as the edit began from it, and as it now runs. */
  began: string;
  now: string;
  /** The last merge's conflicts, while they are about this change. */
  failedMerge: Extract<Merged, { ok: false }> | null;
  onMerge: () => void;
  onDiscard: () => void;
  onGoTo: (line: number) => void;
}) {
  const [seeing, setSeeing] = useState(false);
  const first = failedMerge?.conflicts[0];
  const more = (failedMerge?.conflicts.length ?? 0) - 1;
  return (
    <Banner
      tone="warning"
      icon={TriangleAlert}
      data-testid="config-moved-on"
      action={
        <div className="flex flex-wrap gap-2">
          <Dialog
            title="Their change"
            description={`What changed in ${configFile} since you began editing: the file as you began, and as it runs now.`}
            wide
            open={seeing}
            onOpenChange={setSeeing}
            trigger={<Button>See their change</Button>}
          >
            <TextDiff before={began} after={now} label={`Changes to ${configFile} since you began editing`} />
          </Dialog>
          <Button variant="primary" onClick={onMerge}>
            Merge my edits into it
          </Button>
          <Button onClick={onDiscard}>Discard my edits</Button>
        </div>
      }
    >
      <span className="font-medium">{configFile} changed since you began editing.</span> Your edits are kept,
      and a save asks before it undoes that change. Merged into the file as it now is, they keep it.
      {first && (
        <span role="alert" className="mt-1 block text-failed">
          Not merged: your edits and that change both change{' '}
          <button type="button" className="underline" onClick={() => onGoTo(first.line)}>
            {first.lines > 1 ? `lines ${first.line}–${first.line + first.lines - 1}` : `line ${first.line}`}
          </button>{' '}
          of your text{more > 0 ? ` (and ${more} more ${more === 1 ? 'place' : 'places'})` : ''}. Change them
          by hand to agree with theirs, then merge again; or discard yours.
        </span>
      )}
    </Banner>
  );
}
