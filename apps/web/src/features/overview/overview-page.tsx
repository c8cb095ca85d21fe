'use client';
import type { JournalStats } from '@organism/shared';
import { messageStates } from '@organism/shared';
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { ListError } from '@/components/list-error';
import { StateBadge } from '@/components/state-badge';
import { Elapsed, TimeAgo } from '@/components/time-ago';
import { Panel } from '@/components/ui/panel';
import { Skeleton } from '@/components/ui/skeleton';
import { useEngineStream } from '@/lib/engine-stream';
import { formatCount, formatCountOf } from '@/lib/format';
import type { StateChoice } from '@/lib/outcome';
import { useTRPC } from '@/lib/trpc';
import { useShownEngineState } from '@/lib/use-shown-engine-state';
import { messagesHref } from '@/lib/url-filters';
import { EnginesPanel } from './engines-panel';
import { LatestFailures } from './latest-failures';
import { ListenerStates } from './listener-states';
import { LiveThroughput } from './live-throughput';
import { Tile } from './tile';

/**
 * The Journal panel's rows: the entries in each state, FAILED split as the messages list splits it into
 * failed deliveries and refused input (REJECTED). Each count opens the list it counts, its link named with
 * the number and what it counts ("12 failed deliveries").
 */
const COUNT_ROWS: { state: StateChoice; what: string; count: (j: JournalStats) => number }[] = [
  ...messageStates.map((state) => ({
    state,
    what: state === 'FAILED' ? 'failed deliveries' : `${state} messages`,
    count: (j: JournalStats) => (state === 'FAILED' ? j.counts.FAILED - j.refused : j.counts[state]),
  })),
  { state: 'REJECTED', what: 'refused input', count: (j) => j.refused },
];

/**
 * Is it healthy? State, throughput by outcome, journal counts, queue, listeners, latest failures, and the
 * engines sharing the journal when it is shared (PostgreSQL).
 */
export function OverviewPage() {
  const trpc = useTRPC();
  const status = useQuery(trpc.organism.status.queryOptions());
  // The pump's limits, to read the queue against (a reload that changes them refreshes them).
  const limits = useQuery(trpc.organism.info.queryOptions(undefined, { staleTime: 60_000 })).data?.limits;
  const s = status.data;
  // While the engine is away, its queue and counts are the last it said: greyed, and said so.
  const { away } = useEngineStream();
  const shown = useShownEngineState(s, status.dataUpdatedAt);
  const stale = shown !== undefined && !shown.current;
  return (
    <div className="max-w-7xl space-y-4">
      <h1 className="text-xl font-semibold">Overview</h1>
      {/* The engine answered, but not with its status: why, rather than placeholders for ever. */}
      {status.error && !s && <ListError error={status.error} />}
      <LiveThroughput
        queue={
          <Tile
            label="Queue"
            stale={stale}
            value={s ? `${formatCount(s.queued)} queued` : undefined}
            hint={
              s
                ? [
                    limits && `of ${formatCount(limits.queueSize)}`,
                    `${formatCount(s.inFlight)}${limits ? ` of ${formatCount(limits.maxConcurrency)}` : ''} in flight`,
                    formatCountOf(s.openThreads, 'open thread'),
                  ]
                    .filter(Boolean)
                    .join(' · ')
                : ''
            }
          />
        }
      />
      <div className="grid gap-4 lg:grid-cols-3">
        <Panel title="Journal">
          <dl className="space-y-2">
            {COUNT_ROWS.map(({ state, what, count }) => (
              <div key={state} className="flex items-center justify-between">
                <dt>
                  <StateBadge state={state} />
                </dt>
                <dd className="tabular text-sm">
                  {s ? (
                    // Named with what it counts (a screen reader heard "0", "1"), underlined faintly: it opens them.
                    <Link
                      href={messagesHref({ state })}
                      title={`Open the ${what}`}
                      aria-label={`${formatCount(count(s.journal))} ${what}`}
                      className={`underline decoration-border underline-offset-4 hover:decoration-current ${stale ? 'text-muted' : ''}`}
                    >
                      {formatCount(count(s.journal))}
                    </Link>
                  ) : (
                    <Skeleton className="h-4 w-12" />
                  )}
                </dd>
              </div>
            ))}
          </dl>
          {s && (
            <p className="mt-3 border-t border-border pt-2 text-xs text-muted">
              {stale ? (
                <>
                  The last known counts: the engine has been away{' '}
                  <Elapsed since={away?.since ?? Date.now()} />.
                </>
              ) : s.journal.oldestPendingAt === null ? (
                'Nothing waits to be dispatched.'
              ) : (
                <>
                  The oldest PENDING entry was recorded <TimeAgo at={s.journal.oldestPendingAt} />.
                </>
              )}
            </p>
          )}
        </Panel>
        <Panel title="Listeners">
          <ListenerStates />
        </Panel>
        <Panel title="Latest failures">
          <LatestFailures />
        </Panel>
      </div>
      <EnginesPanel />
    </div>
  );
}
