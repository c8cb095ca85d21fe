'use client';
import { ChevronLeft, ChevronRight } from 'lucide-react';
import { Button } from './ui/button';

/** "Newer / Older" under a keyset-paged list: no page numbers on a live journal. */
export function KeysetPager({
  hasNewer,
  nextCursor,
  onNewer,
  onOlder,
  shown,
}: {
  hasNewer: boolean;
  nextCursor: string | null | undefined;
  onNewer: () => void;
  onOlder: (cursor: string) => void;
  /** What this page shows, e.g. "50 threads". */
  shown?: string;
}) {
  return (
    <nav
      aria-label="Newer and older pages"
      className="flex items-center justify-end gap-2 pt-3 text-xs text-muted"
    >
      {shown && <span className="mr-auto">{shown}</span>}
      <Button onClick={onNewer} disabled={!hasNewer}>
        <ChevronLeft className="size-4" aria-hidden /> Newer
      </Button>
      <Button onClick={() => nextCursor && onOlder(nextCursor)} disabled={!nextCursor}>
        Older <ChevronRight className="size-4" aria-hidden />
      </Button>
    </nav>
  );
}
