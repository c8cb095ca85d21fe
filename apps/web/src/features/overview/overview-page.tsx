'use client';
import type { MessageState } from '@organism/shared';
import { messageStates } from '@organism/shared';
import { useQuery } from '@tanstack/react-query';
import { StateBadge } from '@/components/state-badge';
import { Panel } from '@/components/ui/panel';
import { Skeleton } from '@/components/ui/skeleton';
import { formatCount, formatCountOf } from '@/lib/format';
import { useTRPC } from '@/lib/trpc';
import { EnginesPanel } from './engines-panel';
import { LatestFailures } from './latest-failures';
import { ListenerStates } from './listener-states';
import { LiveThroughput } from './live-throughput';
import { Tile } from './tile';

/**
 * Is it healthy? State, throughput by outcome, journal counts, queue, listeners, latest failures, and the
 * engines sharing the journal when it is shared (PostgreSQL).
 */
export function OverviewPage() {
  const trpc = useTRPC();
  const status = useQuery(trpc.organism.status.queryOptions());
  const s = status.data;
  return (
    <div className="mx-auto max-w-7xl space-y-4">
      <h1 className="text-xl font-semibold">Overview</h1>
      <LiveThroughput
        queue={
          <Tile
            label="Queue"
            value={s ? `${formatCount(s.queued)} queued` : undefined}
            hint={
              s ? `${formatCount(s.inFlight)} in flight · ${formatCountOf(s.openThreads, 'open thread')}` : ''
            }
          />
        }
      />
      <div className="grid gap-4 lg:grid-cols-3">
        <Panel title="Journal">
          <dl className="space-y-2">
            {messageStates.map((state: MessageState) => (
              <div key={state} className="flex items-center justify-between">
                <dt>
                  <StateBadge state={state} />
                </dt>
                <dd className="tabular text-sm">
                  {s ? formatCount(s.journal.counts[state]) : <Skeleton className="h-4 w-12" />}
                </dd>
              </div>
            ))}
          </dl>
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
