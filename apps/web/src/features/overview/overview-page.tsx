'use client';
import type { MessageState } from '@organism/shared';
import { messageStates } from '@organism/shared';
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { StateBadge } from '@/components/state-badge';
import { TimeAgo } from '@/components/time-ago';
import { Panel } from '@/components/ui/panel';
import { Skeleton } from '@/components/ui/skeleton';
import { formatCount, formatCountOf } from '@/lib/format';
import { useTRPC } from '@/lib/trpc';
import { messagesHref } from '@/lib/url-filters';
import { EnginesPanel } from './engines-panel';
import { LatestFailures } from './latest-failures';
import { ListenerStates } from './listener-states';
import { LiveThroughput } from './live-throughput';
import { Tile } from './tile';

/** Where each count of the Journal panel leads: the list in that state; FAILED to the dead letters. */
const COUNT_LINKS: Record<MessageState, { href: string; title: string }> = {
  PENDING: { href: messagesHref({ state: 'PENDING' }), title: 'the PENDING messages' },
  DISPATCHED: { href: messagesHref({ state: 'DISPATCHED' }), title: 'the DISPATCHED messages' },
  ACKED: { href: messagesHref({ state: 'ACKED' }), title: 'the ACKED messages' },
  FAILED: { href: '/dead-letters', title: 'the dead letters: every FAILED entry, refused input included' },
};

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
                  {s ? (
                    <Link
                      href={COUNT_LINKS[state].href}
                      title={COUNT_LINKS[state].title}
                      className="hover:underline"
                    >
                      {formatCount(s.journal.counts[state])}
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
              {s.journal.oldestPendingAt === null ? (
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
