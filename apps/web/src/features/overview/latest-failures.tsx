'use client';
import { useQuery } from '@tanstack/react-query';
import { IdLink } from '@/components/id-link';
import { TimeAgo } from '@/components/time-ago';
import { SkeletonRows } from '@/components/ui/skeleton';
import { describeError } from '@/lib/engine-error';
import { wordsFirst } from '@/lib/error-detail';
import { isRejected } from '@/lib/outcome';
import { useTRPC } from '@/lib/trpc';

/**
 * The newest dead letters and refusals, each a link to its message with its code and the first line of
 * why it failed. The journal lists them newest made first; they show when each failed (a retried one fails well after it was made), so they are put in
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
    <ul className="space-y-2 text-sm">
      {failed.data.items
        .toSorted((a, b) => b.updatedAt - a.updatedAt)
        .map((m) => {
          const where = m.to ?? m.from ?? 'intake';
          return (
            <li key={m.id} className="min-w-0" data-outcome={isRejected(m) ? 'refused' : 'failed'}>
              <p className="flex items-center gap-2">
                <IdLink id={m.id} href={`/messages/${m.id}`} />
                <span className="min-w-0 truncate text-muted" title={where}>
                  {where}
                </span>
                <span className="ml-auto shrink-0 text-xs text-muted">
                  <TimeAgo at={m.updatedAt} />
                </span>
              </p>
              {/* Why, on a line of its own: the code whole, then as much of the detail's first line as fits. */}
              <p className="mt-0.5 flex min-w-0 items-center gap-2 text-xs">
                <span
                  className={`shrink-0 rounded px-1.5 py-0.5 font-mono ${isRejected(m) ? 'bg-rejected/10 text-rejected' : 'bg-failed/10 text-failed'}`}
                >
                  {m.errorCode ?? 'FAILED'}
                </span>
                {m.errorLine && (
                  // A refusal's problem reads words first ("Element 'nom': … (line 1, /*/greeting/nom)").
                  <span className="min-w-0 truncate text-muted" title={m.errorLine}>
                    {wordsFirst(m.errorLine)}
                  </span>
                )}
              </p>
            </li>
          );
        })}
    </ul>
  );
}
