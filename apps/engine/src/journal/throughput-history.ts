import type { ThroughputHistory } from '@organism/shared';

/** Seconds of outcomes the console's throughput chart shows (five minutes). */
export const HISTORY_SECONDS = 300;

/** What a journal counted per second, as it closed: the next engine on the journal takes it on (a restart). */
export interface CountedRates {
  /** The first second counted. */
  since: number;
  /** Each second (ms / 1000, floored) with its transitions by state (and `rejected`). */
  seconds: [number, Partial<Record<string, number>>][];
}

export interface SecondOutcomes {
  delivered: number;
  failed: number;
  rejected: number;
}

/**
 * The chart's five minutes ending with the last whole second before `now`, from a count per second;
 * seconds before `since` (when counting started), and those `count` does not know, are null: unknown, not
 * zero.
 */
export function throughputHistory(
  now: number,
  since: number,
  count: (second: number) => SecondOutcomes | undefined,
): ThroughputHistory {
  const end = Math.floor(now / 1000) - 1;
  const start = end - HISTORY_SECONDS + 1;
  const out: ThroughputHistory = { start, since, delivered: [], failed: [], rejected: [] };
  for (let s = start; s <= end; s++) {
    const known = s >= since;
    const c = known ? count(s) : undefined;
    out.delivered.push(c ? c.delivered : null);
    out.failed.push(c ? c.failed : null);
    out.rejected.push(c ? c.rejected : null);
  }
  return out;
}
