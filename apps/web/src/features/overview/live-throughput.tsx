'use client';
import dynamic from 'next/dynamic';
import type { ReactNode } from 'react';
import { Panel } from '@/components/ui/panel';
import { Skeleton } from '@/components/ui/skeleton';
import { formatClock, formatRate } from '@/lib/format';

import { countedFrom, useThroughput } from '@/lib/throughput';
import { Tile } from './tile';

// uPlot touches `window`: it is loaded in the browser only.
const ThroughputChart = dynamic(() => import('./throughput-chart').then((m) => m.ThroughputChart), {
  ssr: false,
  loading: () => <Skeleton className="h-56 w-full" />,
});

/**
 * The mean of the last ten seconds that anyone counted, as a rate; "—" when none was (the engine away,
 * or not yet heard from): an engine not heard from is not a quiet one.
 */
function lastTen(xs: (number | null)[]): string {
  const known = xs.slice(-10).filter((x) => x !== null);
  return known.length ? formatRate(known.reduce((a, b) => a + b, 0) / known.length) : '—';
}

/**
 * The overview's live part: rates by outcome and the five-minute chart, moving once a second. Only this
 * re-renders each second; `queue` (the status tile beside the rates) is drawn by the page.
 */
export function LiveThroughput({ queue }: { queue: ReactNode }) {
  const throughput = useThroughput();
  const from = countedFrom(throughput);
  return (
    <>
      <div className="grid grid-cols-2 gap-4 lg:grid-cols-4">
        <Tile label="Delivered" value={lastTen(throughput.delivered)} hint="ACKED, last 10 s" tone="acked" />
        <Tile
          label="Failed"
          value={lastTen(throughput.failed)}
          hint="failed attempts, last 10 s"
          tone="failed"
        />
        <Tile
          label="Rejected"
          value={lastTen(throughput.rejected)}
          hint="refused at intake, last 10 s"
          tone="rejected"
        />
        {queue}
      </div>
      <Panel title="Throughput" actions={<Legend />}>
        <ThroughputChart throughput={throughput} />
        {from !== undefined && (
          <p className="mt-1 text-xs text-muted">
            Counted from {formatClock(from * 1000)}: before that the engine was not running, or this tab could
            not hear it.
          </p>
        )}
      </Panel>
    </>
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
