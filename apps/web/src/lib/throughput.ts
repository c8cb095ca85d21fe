'use client';
import type { ThroughputHistory } from '@organism/shared';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import type { SecondOutcomes } from './engine-stream';
import { useEngineStream } from './engine-stream';
import { formatClock, formatCount, formatDuration } from './format';
import { useTRPC } from './trpc';

/** Seconds of throughput the overview shows (five minutes, as CONSOLE.md asks of live charts). */
export const WINDOW_SECONDS = 300;

export interface Throughput {
  /** Unix seconds, oldest first, one per whole second up to the last complete one. */
  seconds: number[];
  /** Per second; null where nobody counted (before the engine started): a gap, not a zero. */
  delivered: (number | null)[];
  failed: (number | null)[];
  rejected: (number | null)[];
  /**
   * The second the running engine started, when the window holds seconds counted before it (by the engine
   * before it, or by this tab): the chart marks the restart there.
   */
  restartedAt?: number;
}

/**
 * The five minutes ending with the last whole second before `now`: the engine's history for the seconds
 * it counted (asked once), this tab's own counts of the stream for the rest, null where neither knows (before
 * the tab opened, and while its stream was away: an engine not heard from is a gap, not a zero).
 */
export function throughputWindow(
  now: number,
  live: {
    bySecond: ReadonlyMap<number, SecondOutcomes>;
    since: number;
    unheard?: ReadonlySet<number>;
  },
  history: ThroughputHistory | undefined,
): Throughput {
  // The current second is still filling: it would always read low, so the window ends before it.
  const end = Math.floor(now / 1000) - 1;
  const out: Throughput = { seconds: [], delivered: [], failed: [], rejected: [] };
  for (let s = end - WINDOW_SECONDS + 1; s <= end; s++) {
    out.seconds.push(s);
    // The engine's count where it has one (it saw every message); after an engine restart its history
    // starts again, and this tab's counts of the seconds before still stand.
    const i = history ? s - history.start : -1;
    const delivered = history?.delivered[i];
    if (history && i >= 0 && delivered !== undefined && delivered !== null) {
      out.delivered.push(delivered);
      out.failed.push(history.failed[i] ?? 0);
      out.rejected.push(history.rejected[i] ?? 0);
    } else if (s >= live.since && !live.unheard?.has(s)) {
      const b = live.bySecond.get(s);
      out.delivered.push(b?.delivered ?? 0);
      out.failed.push(b?.failed ?? 0);
      out.rejected.push(b?.rejected ?? 0);
    } else {
      out.delivered.push(null);
      out.failed.push(null);
      out.rejected.push(null);
    }
  }
  return out;
}

/**
 * The first second of the window anyone counted, when the window starts with seconds nobody did (the
 * engine started, or this tab opened, within the last five minutes), so that the chart can say why its
 * left part is empty; undefined when the window is counted from its start, or not at all.
 */
export function countedFrom(t: Throughput): number | undefined {
  const first = t.delivered.findIndex((x) => x !== null);
  return first > 0 ? t.seconds[first] : undefined;
}

/**
 * The second `startedAt` (ms) falls in, when the window shows seconds counted before it: an engine that
 * started within the window after another one ran (a restart), not one that started with it.
 */
export function restartIn(t: Throughput, startedAt: number | undefined): number | undefined {
  if (startedAt === undefined) return undefined;
  const second = Math.floor(startedAt / 1000);
  const first = t.delivered.findIndex((x) => x !== null);
  const firstCounted = first < 0 ? undefined : t.seconds[first];
  return firstCounted !== undefined && firstCounted < second && second <= (t.seconds.at(-1) ?? 0)
    ? second
    : undefined;
}

/**
 * The window in words, for those who cannot see the chart: what was delivered, failed and refused over the
 * seconds counted, and the busiest second. The pointer's readout is a picture's detail; this is its caption.
 */
export function describeThroughput(t: Throughput): string {
  const counted = t.delivered.flatMap((x, i) => (x === null ? [] : [i]));
  if (counted.length === 0) return 'Not counted yet.';
  const sum = (xs: (number | null)[]) => counted.reduce((n, i) => n + (xs[i] ?? 0), 0);
  const busiest = counted.reduce((b, i) => ((t.delivered[i] ?? 0) > (t.delivered[b] ?? 0) ? i : b));
  const seconds =
    counted.length === t.seconds.length
      ? ''
      : ` (counted over the last ${formatDuration(counted.length * 1000)} only)`;
  const most = t.delivered[busiest] ?? 0;
  return (
    `${formatCount(sum(t.delivered))} delivered, ${formatCount(sum(t.failed))} failed, ${formatCount(sum(t.rejected))} rejected${seconds}` +
    (most > 0
      ? `; busiest ${formatCount(most)} delivered a second at ${formatClock((t.seconds[busiest] ?? 0) * 1000)}.`
      : '.')
  );
}

/**
 * Messages per second by outcome over the last five minutes, moving once a second. A newly opened tab
 * shows the minutes before it too: the engine keeps them (`journal.throughput`).
 */
export function useThroughput(): Throughput {
  const trpc = useTRPC();
  const { outcomes } = useEngineStream();
  const history = useQuery(
    trpc.journal.throughput.queryOptions(undefined, { staleTime: Number.POSITIVE_INFINITY }),
  ).data;
  // The same query as the top bar's: when the running engine started.
  const status = useQuery(trpc.organism.status.queryOptions(undefined, { refetchInterval: 15_000 }));
  const startedAt = status.data ? status.dataUpdatedAt - status.data.uptimeMs : undefined;
  const [window, setWindow] = useState(() => throughputWindow(Date.now(), outcomes(), history));
  useEffect(() => {
    setWindow(throughputWindow(Date.now(), outcomes(), history));
    const tick = setInterval(() => setWindow(throughputWindow(Date.now(), outcomes(), history)), 1000);
    return () => clearInterval(tick);
  }, [outcomes, history]);
  const restartedAt = restartIn(window, startedAt);
  return useMemo(() => ({ ...window, restartedAt }), [window, restartedAt]);
}
