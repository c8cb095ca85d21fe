'use client';
import type { MessageState } from '@organism/shared';
import { messageStates } from '@organism/shared';
import { useQuery } from '@tanstack/react-query';
import dynamic from 'next/dynamic';
import { StateBadge } from '@/components/state-badge';
import { Panel } from '@/components/ui/panel';
import { Skeleton } from '@/components/ui/skeleton';
import { useEngineStream } from '@/lib/engine-stream';
import { formatCount, formatRate } from '@/lib/format';
import { useTRPC } from '@/lib/trpc';
import { LatestFailures } from './latest-failures';
import { ListenerStates } from './listener-states';

// uPlot touches `window`: it is loaded in the browser only.
const ThroughputChart = dynamic(() => import('./throughput-chart').then((m) => m.ThroughputChart), {
  ssr: false,
  loading: () => <Skeleton className="h-56 w-full" />,
});

/** Is it healthy? State, throughput by outcome, journal counts, queue, listeners, latest failures. */
export function OverviewPage() {
  const trpc = useTRPC();
  const status = useQuery(trpc.organism.status.queryOptions());
  const { throughput } = useEngineStream();
  const s = status.data;
  const last = (xs: (number | null)[]) => {
    const known = xs.slice(-10).filter((x) => x !== null);
    return known.length ? known.reduce((a, b) => a + b, 0) / known.length : 0;
  };
  return (
    <div className="mx-auto max-w-7xl space-y-4">
      <h1 className="text-xl font-semibold">Overview</h1>
      <div className="grid grid-cols-2 gap-4 lg:grid-cols-4">
        <Tile
          label="Delivered"
          value={formatRate(last(throughput.delivered))}
          hint="ACKED, last 10 s"
          tone="acked"
        />
        <Tile
          label="Failed"
          value={formatRate(last(throughput.failed))}
          hint="dead letters and retries, last 10 s"
          tone="failed"
        />
        <Tile
          label="Rejected"
          value={formatRate(last(throughput.rejected))}
          hint="refused at intake, last 10 s"
          tone="rejected"
        />
        <Tile
          label="Queue"
          value={s ? `${formatCount(s.queued)} queued` : undefined}
          hint={s ? `${formatCount(s.inFlight)} in flight · ${formatCount(s.openThreads)} open threads` : ''}
        />
      </div>
      <Panel title="Throughput" actions={<Legend />}>
        <ThroughputChart throughput={throughput} />
      </Panel>
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
    </div>
  );
}

const TONE = { acked: 'text-acked', failed: 'text-failed', rejected: 'text-rejected' } as const;

function Tile({
  label,
  value,
  hint,
  tone,
}: {
  label: string;
  value: string | undefined;
  hint: string;
  tone?: keyof typeof TONE;
}) {
  return (
    <div className="rounded-lg border border-border bg-panel p-4">
      <p className="text-xs font-medium text-muted uppercase">{label}</p>
      {value === undefined ? (
        <Skeleton className="mt-2 h-7 w-24" />
      ) : (
        <p className={`tabular mt-1 text-2xl font-semibold ${tone ? TONE[tone] : ''}`}>{value}</p>
      )}
      <p className="mt-1 truncate text-xs text-muted">{hint}</p>
    </div>
  );
}

function Legend() {
  return (
    <p className="flex gap-4 text-xs text-muted">
      <span className="flex items-center gap-1.5">
        <span aria-hidden className="h-0.5 w-4 bg-acked" /> delivered
      </span>
      <span className="flex items-center gap-1.5">
        <span aria-hidden className="h-0.5 w-4 bg-failed" /> failed
      </span>
      <span className="flex items-center gap-1.5">
        <span aria-hidden className="h-0.5 w-4 bg-rejected" /> rejected
      </span>
    </p>
  );
}
