'use client';
import type { MessageDetail } from '@organism/shared';
import { ErrorCodeBadge } from '@/components/error-code-badge';
import { IdLink } from '@/components/id-link';
import { StateBadge } from '@/components/state-badge';
import { TimeAgo } from '@/components/time-ago';
import { Panel } from '@/components/ui/panel';
import { Skeleton } from '@/components/ui/skeleton';
import { formatCount } from '@/lib/format';
import { describeError, engineCodeOf } from '@/lib/engine-error';
import type { RetriedFollower, Tally } from './retried-tally';
import { useTally } from './retried-tally';

/**
 * What was retried from this page and how it went since: PENDING, then ACKED or FAILED again, live; after
 * a "Retry all", where all of it is now (`tally`), above the few it lists.
 */
export function JustRetried({
  items,
  follower,
}: {
  items: { id: string; message: MessageDetail | undefined; error: unknown }[];
  /** The last "Retry all", followed. */
  follower?: RetriedFollower;
}) {
  return (
    <Panel title="Just retried">
      {follower && <LiveTallyLine follower={follower} />}
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

/**
 * "Retry all queued 696: 650 delivered · 40 failed again · 6 waiting", the counts as they change; those
 * at none are left out but for delivered and failed again, which answer whether the retry helped.
 */
export function TallyLine({ tally: t, what = 'Retry all' }: { tally: Tally; what?: string }) {
  const parts: [number, string, string][] = [
    [t.delivered, 'delivered', 'text-acked'],
    [t.failedAgain, 'failed again', 'text-failed'],
    [t.waiting, 'waiting', 'text-pending'],
    [t.running, 'running', 'text-dispatched'],
    [t.discarded, 'discarded since', 'text-muted'],
  ];
  const shown = parts.filter(([n], i) => i < 2 || n > 0);
  const settled = t.waiting === 0 && t.running === 0;
  return (
    <>
      <p className="mb-2 text-sm">
        {what} queued <span className="tabular font-semibold">{formatCount(t.queued)}</span>
        {t.followed < t.queued && (
          <span className="text-muted"> (the first {formatCount(t.followed)} counted)</span>
        )}
        :{' '}
        {shown.map(([n, label, colour], i) => (
          <span key={label}>
            {i > 0 && <span className="text-muted"> · </span>}
            <span className={`tabular font-medium ${colour}`}>{formatCount(n)}</span> {label}
          </span>
        ))}
        <span className="text-muted">. Any that fail again come back to the list above.</span>
      </p>
      {/* Said once, when all of them have settled: the line itself changes several times a second. */}
      <p className="sr-only" aria-live="polite">
        {settled
          ? `${what} done: ${formatCount(t.delivered)} delivered, ${formatCount(t.failedAgain)} failed again.`
          : ''}
      </p>
    </>
  );
}

/** `TallyLine` of a follower, re-rendering alone as its tally changes; nothing before a retry's answer. */
function LiveTallyLine({ follower }: { follower: RetriedFollower }) {
  const tally = useTally(follower);
  return tally ? <TallyLine tally={tally} /> : null;
}

/**
 * The dead letters list's own "Just retried": where the last "Retry many" is, once it has answered. The
 * list has no messages to show, so the line alone; it stays when the retry emptied the list.
 */
export function RetriedMany({ follower }: { follower: RetriedFollower }) {
  const tally = useTally(follower);
  return tally ? (
    <Panel title="Just retried">
      <TallyLine tally={tally} what="Retry many" />
    </Panel>
  ) : null;
}
