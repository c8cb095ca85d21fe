'use client';
import { useQuery } from '@tanstack/react-query';
import { IdLink } from '@/components/id-link';
import { TimeAgo } from '@/components/time-ago';
import { SkeletonRows } from '@/components/ui/skeleton';
import { describeError } from '@/lib/engine-error';
import { isRejected } from '@/lib/outcome';
import { useTRPC } from '@/lib/trpc';

/**
 * The newest dead letters and refusals, each a link to its message. The journal lists them newest made
 * first; they show when each failed (a retried one fails well after it was made), so they are put in
 * that order.
 */
export function LatestFailures() {
  const trpc = useTRPC();
  const failed = useQuery(trpc.journal.list.queryOptions({ state: 'FAILED', limit: 8 }));
  if (failed.error) return <p className="text-sm text-failed">{describeError(failed.error)}</p>;
  if (!failed.data) return <SkeletonRows />;
  if (failed.data.items.length === 0)
    return <p className="text-sm text-muted">No failures. Dead letters and refused input appear here.</p>;
  return (
    <ul className="space-y-1.5 text-sm">
      {failed.data.items
        .toSorted((a, b) => b.updatedAt - a.updatedAt)
        .map((m) => (
          <li key={m.id} className="flex items-center gap-2">
            <IdLink id={m.id} href={`/messages/${m.id}`} />
            <span
              className={`truncate rounded px-1.5 py-0.5 font-mono text-xs ${isRejected(m) ? 'bg-rejected/10 text-rejected' : 'bg-failed/10 text-failed'}`}
            >
              {m.errorCode ?? 'FAILED'}
            </span>
            <span className="truncate text-muted">{m.to ?? m.from ?? 'intake'}</span>
            <span className="ml-auto text-xs text-muted">
              <TimeAgo at={m.updatedAt} />
            </span>
          </li>
        ))}
    </ul>
  );
}
