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
 * The dead letters and refusals that failed last, each a link to its message with its code and the first
 * line of why it failed: by when each failed (`journal.latestFailures`), so one retried and failing again
 * comes first however long ago it was made.
 */
export function LatestFailures() {
  const trpc = useTRPC();
  const failed = useQuery(trpc.journal.latestFailures.queryOptions({ limit: 8 }));
  if (failed.error) return <p className="text-sm text-failed">{describeError(failed.error)}</p>;
  if (!failed.data) return <SkeletonRows />;
  if (failed.data.length === 0)
    return <p className="text-sm text-muted">No failures. Dead letters and refused input appear here.</p>;
  return (
    <ul className="space-y-2 text-sm">
      {failed.data.map((m) => {
        // Where it failed, in words as well as in its code's colour: a listener, or refused at intake (at a
        // listener's door when it named one).
        const refused = isRejected(m);
        const where = refused ? `${m.to ? `${m.to} · ` : ''}refused at intake` : (m.to ?? 'broadcast');
        return (
          <li key={m.id} className="min-w-0" data-outcome={refused ? 'refused' : 'failed'}>
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
                className={`shrink-0 rounded px-1.5 py-0.5 font-mono ${refused ? 'bg-rejected/10 text-rejected' : 'bg-failed/10 text-failed'}`}
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
