import { messageStates } from '@organism/shared';
import type { MessageState, ThroughputHistory } from '@organism/shared';
import { HISTORY_SECONDS, throughputHistory } from '../throughput-history.ts';
import type { CountedRates } from '../throughput-history.ts';

const RATE_WINDOW_S = 60;
/** Seconds kept: the chart's five minutes and a little slack. */
const KEEP_SECONDS = HISTORY_SECONDS + 5;
/** The key a refusal at intake is counted under besides FAILED (a FAILED transition with attempt 0). */
const REJECTED = 'rejected';
/** How often `live` notes that the process lives: often enough for every second. */
const ALIVE_EVERY_MS = 250;

/**
 * Transitions per state, counted per second as the journal writes them: the overview's rates over the
 * last minute and its throughput chart over the last five, without reading the event log (at full speed
 * a minute of it is millions of rows). It starts empty with the process: seconds before it are unknown.
 * So is a second the process did not live through (`alive`, a few times a second): stopped, or its thread
 * held for seconds, it counted nothing then, and the chart shows a gap rather than zeros it never counted;
 * so is the time between an engine and the next on the journal (a restart), whose counts it takes on.
 */
export class TransitionRates {
  /** Second (ms / 1000, floored) → transitions written in it, by state (and `rejected`). */
  private readonly seconds = new Map<number, Partial<Record<string, number>>>();
  /** The second written last and its bucket: nearly every write lands there. */
  private second = Number.NaN;
  private bucket: Partial<Record<string, number>> = {};
  /** The first second counted (from the moment the journal opened, or an earlier one's `counted()`). */
  private since: number;
  private living: NodeJS.Timeout | undefined;

  constructor(now = Date.now()) {
    this.since = Math.floor(now / 1000);
  }

  add(state: string, at: number, attempt: number): void {
    const second = Math.floor(at / 1000);
    if (second !== this.second) this.switchTo(second);
    this.bucket[state] = (this.bucket[state] ?? 0) + 1;
    if (state === 'FAILED' && attempt === 0) this.bucket[REJECTED] = (this.bucket[REJECTED] ?? 0) + 1;
  }

  /**
   * Notes the seconds this process lives through, on `now`'s clock, until `stop`: those it does not
   * (stopped, held) read as unknown.
   */
  live(now: () => number): void {
    this.alive(now());
    this.living = setInterval(() => this.alive(now()), ALIVE_EVERY_MS).unref();
  }

  stop(): void {
    clearInterval(this.living);
  }

  /** Says that the process lives in `now`'s second: counted, if nothing else, as a second of nothing. */
  alive(now: number): void {
    const second = Math.floor(now / 1000);
    if (!this.seconds.has(second)) this.bucketFor(second);
  }

  private switchTo(second: number): void {
    this.second = second;
    this.bucket = this.seconds.get(second) ?? this.bucketFor(second);
  }

  private bucketFor(second: number): Partial<Record<string, number>> {
    const bucket = {};
    this.seconds.set(second, bucket);
    // Keep a little more than the window: writes may carry times slightly out of order.
    if (this.seconds.size > KEEP_SECONDS + 10) {
      for (const s of this.seconds.keys()) if (s < second - KEEP_SECONDS) this.seconds.delete(s);
    }
    return bucket;
  }

  /** The seconds of the last five minutes, for `restore` in the engine after this one. */
  counted(now: number): CountedRates {
    const from = Math.floor(now / 1000) - KEEP_SECONDS;
    return { since: this.since, seconds: [...this.seconds].filter(([s]) => s >= from) };
  }

  /** Takes on what the journal counted before a restart, so the chart and the rates run on across it. */
  restore(before: CountedRates): void {
    for (const [second, bucket] of before.seconds) {
      // A second both lived through (the restart's): the two counts added up.
      const here = this.seconds.get(second) ?? this.bucketFor(second);
      for (const [state, n] of Object.entries(bucket)) here[state] = (here[state] ?? 0) + (n ?? 0);
    }
    this.since = Math.min(this.since, before.since);
  }

  /** Per second, by state, over the minute before `now`. */
  perSecond(now: number): Record<MessageState, number> {
    const from = Math.floor(now / 1000) - RATE_WINDOW_S;
    const rate = Object.fromEntries(messageStates.map((s) => [s, 0])) as Record<MessageState, number>;
    for (const [second, bucket] of this.seconds) {
      if (second < from) continue;
      for (const s of messageStates) rate[s] += (bucket[s] ?? 0) / RATE_WINDOW_S;
    }
    return rate;
  }

  /** Outcomes per second over the five minutes before `now`'s second (which is still filling). */
  history(now: number): ThroughputHistory {
    return throughputHistory(now, this.since, (s) => {
      const b = this.seconds.get(s);
      // Not lived through: unknown.
      if (!b) return undefined;
      const rejected = b[REJECTED] ?? 0;
      return { delivered: b.ACKED ?? 0, failed: (b.FAILED ?? 0) - rejected, rejected };
    });
  }
}
