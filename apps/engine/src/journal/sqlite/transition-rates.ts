import { messageStates } from '@organism/shared';
import type { MessageState } from '@organism/shared';

const WINDOW_MS = 60_000;

/**
 * Transitions per state over the last minute, counted per second as the journal writes them, so the
 * overview's rates never read the event log (at full speed a minute of it is millions of rows). It
 * starts empty with the process: in the first minute after a start, the rates cover what this process wrote.
 */
export class TransitionRates {
  /** Second (ms / 1000, floored) → transitions written in it, by state. */
  private readonly seconds = new Map<number, Partial<Record<string, number>>>();
  /** The second written last and its bucket: nearly every write lands there. */
  private second = Number.NaN;
  private bucket: Partial<Record<string, number>> = {};

  add(state: string, at: number): void {
    const second = Math.floor(at / 1000);
    if (second !== this.second) this.switchTo(second);
    this.bucket[state] = (this.bucket[state] ?? 0) + 1;
  }

  private switchTo(second: number): void {
    this.second = second;
    const known = this.seconds.get(second);
    if (known) {
      this.bucket = known;
      return;
    }
    this.bucket = {};
    this.seconds.set(second, this.bucket);
    // Keep a little more than the window: writes may carry times slightly out of order.
    if (this.seconds.size > 2 * (WINDOW_MS / 1000)) {
      for (const s of this.seconds.keys()) if (s < second - WINDOW_MS / 1000 - 1) this.seconds.delete(s);
    }
  }

  /** Per second, by state, over the minute before `now`. */
  perSecond(now: number): Record<MessageState, number> {
    const from = Math.floor((now - WINDOW_MS) / 1000);
    const rate = Object.fromEntries(messageStates.map((s) => [s, 0])) as Record<MessageState, number>;
    for (const [second, bucket] of this.seconds) {
      if (second < from) continue;
      for (const s of messageStates) rate[s] += (bucket[s] ?? 0) / (WINDOW_MS / 1000);
    }
    return rate;
  }
}
