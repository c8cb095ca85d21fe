'use client';
import type { MessageDetail } from '@organism/shared';
import { ErrorCodeBadge } from '@/components/error-code-badge';
import { IdLink } from '@/components/id-link';
import { StateBadge } from '@/components/state-badge';
import { TimeAgo } from '@/components/time-ago';
import { Panel } from '@/components/ui/panel';
import { Skeleton } from '@/components/ui/skeleton';
import { describeError, engineCodeOf } from '@/lib/engine-error';

/** What was retried from this page and how it went since: PENDING, then ACKED or FAILED again, live. */
export function JustRetried({
  items,
  note,
}: {
  items: { id: string; message: MessageDetail | undefined; error: unknown }[];
  /** What the panel does not show (a bulk retry follows only its first few). */
  note?: string;
}) {
  return (
    <Panel title="Just retried">
      {note && <p className="mb-2 text-xs text-muted">{note}</p>}
      <ul className="space-y-1 text-sm">
        {items.map(({ id, message: m, error }) => (
          <li key={id} className="flex h-7 items-center gap-3">
            <IdLink id={id} href={`/messages/${id}`} />
            {engineCodeOf(error) === 'NOT_FOUND' ? (
              // Discarded since (from another tab, say): its last state read would be stale.
              <span className="text-muted">no longer in the journal: discarded, or pruned by retention</span>
            ) : m ? (
              <>
                <StateBadge state={m.state} />
                <span className="text-muted">attempt {m.attempts}</span>
                {m.state === 'FAILED' && <ErrorCodeBadge code={m.errorCode} />}
                <span className="ml-auto text-xs text-muted">
                  <TimeAgo at={m.updatedAt} />
                </span>
              </>
            ) : error ? (
              <span className="text-muted">{describeError(error)}</span>
            ) : (
              <Skeleton className="h-4 w-24" />
            )}
          </li>
        ))}
      </ul>
    </Panel>
  );
}
