import type { Delivery } from './delivery.ts';

/** setTimeout fires at once past 2^31-1 ms: a longer wait is taken in steps of at most this. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Deliveries waiting for their time: retries with backoff, and recovered entries whose retry is not yet
 * due. Each is handed to `due` when its time comes; a kill takes a thread's out, a stop cancels them all.
 */
export class RetrySchedule {
  private readonly timers = new Map<NodeJS.Timeout, Delivery>();

  constructor(private readonly due: (d: Delivery) => void) {}

  /** How many deliveries wait for their time. */
  get size(): number {
    return this.timers.size;
  }

  /** Hands `d` to `due` at `at` (ms since the epoch), calling `onTime` first; at once if `at` has passed. */
  at(d: Delivery, at: number, onTime?: (d: Delivery) => void): void {
    const wait = at - Date.now();
    if (wait <= 0) {
      onTime?.(d);
      this.due(d);
      return;
    }
    const timer = setTimeout(
      () => {
        this.timers.delete(timer);
        this.at(d, at, onTime);
      },
      Math.min(wait, MAX_TIMER_MS),
    );
    this.timers.set(timer, d);
  }

  /** Cancels and returns the waiting deliveries `pick` selects. */
  takeWhere(pick: (d: Delivery) => boolean): Delivery[] {
    const taken: Delivery[] = [];
    for (const [timer, d] of this.timers) {
      if (!pick(d)) continue;
      clearTimeout(timer);
      this.timers.delete(timer);
      taken.push(d);
    }
    return taken;
  }

  /** Cancels every waiting delivery. */
  clear(): void {
    for (const timer of this.timers.keys()) clearTimeout(timer);
    this.timers.clear();
  }
}
