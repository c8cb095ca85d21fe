import type { RouteStats, RoutesResult } from '@organism/shared';
import type { EngineEvents } from '../pump/engine-events.ts';

/** The longest window a caller may ask about; older seconds are forgotten. */
const KEEP_SECONDS = 3_600;
const RATE_SECONDS = 10;

/** One route's traffic, one slot per second that saw any (oldest first), trimmed to the last hour. */
interface Route {
  from: string;
  to: string;
  seconds: number[];
  counts: number[];
  failures: number[];
  lastAt: number;
}

/**
 * Every route messages took since the engine started (sender → listener, and listener → outside producer
 * for egress), with per-second counts for the last hour, kept from engine events. A delivery counts once,
 * at its first attempt; a failure counts when it is final (a dead letter). Memory grows with the seconds
 * a route was busy, never with the messages; routes idle for an hour are forgotten.
 */
export class RouteTracker {
  private readonly byKey = new Map<string, Route>();
  private readonly startedAt: number;

  constructor(
    events: EngineEvents,
    private readonly now: () => number = Date.now,
  ) {
    this.startedAt = now();
    events.on('message.received', (e) => {
      if (e.attempt === 1) this.count(e.from, e.to, e.at, false);
    });
    events.on('message.sent', (e) => {
      // Egress is never received: it leaves the organism here.
      if (e.kind === 'egress') this.count(e.from, e.to, e.at, false);
    });
    events.on('message.failed', (e) => {
      if (!e.willRetry) this.count(e.from, e.listener, e.at, true);
    });
  }

  /** The routes taken in the last `windowSeconds`, busiest first. */
  routes(windowSeconds: number): RoutesResult {
    const now = this.now();
    const since = Math.max(this.startedAt, now - windowSeconds * 1000);
    const from = Math.floor(since / 1000);
    const rateFrom = Math.floor((now - RATE_SECONDS * 1000) / 1000);
    const out: RouteStats[] = [];
    for (const [key, r] of this.byKey) {
      this.trim(key, r, now);
      if (r.lastAt < since) continue;
      let count = 0;
      let failed = 0;
      let recent = 0;
      for (let i = r.seconds.length - 1; i >= 0; i--) {
        const s = r.seconds[i] ?? 0;
        if (s < from) break;
        count += r.counts[i] ?? 0;
        failed += r.failures[i] ?? 0;
        if (s >= rateFrom) recent += r.counts[i] ?? 0;
      }
      if (count === 0 && failed === 0) continue;
      out.push({ from: r.from, to: r.to, count, failed, perSecond: recent / RATE_SECONDS, lastAt: r.lastAt });
    }
    out.sort((a, b) => b.count - a.count || a.from.localeCompare(b.from) || a.to.localeCompare(b.to));
    return { since, routes: out };
  }

  private count(from: string, to: string, at: number, failure: boolean): void {
    const key = `${from}\u0000${to}`;
    let r = this.byKey.get(key);
    if (!r) this.byKey.set(key, (r = { from, to, seconds: [], counts: [], failures: [], lastAt: at }));
    const second = Math.floor(at / 1000);
    const last = r.seconds.length - 1;
    if (last < 0 || (r.seconds[last] ?? 0) < second) {
      r.seconds.push(second);
      r.counts.push(0);
      r.failures.push(0);
      if (r.seconds.length > KEEP_SECONDS * 2) this.trim(key, r, at);
    }
    const i = r.seconds.length - 1;
    if (failure) r.failures[i] = (r.failures[i] ?? 0) + 1;
    else r.counts[i] = (r.counts[i] ?? 0) + 1;
    r.lastAt = Math.max(r.lastAt, at);
  }

  /** Drops the seconds older than an hour; a route with none left is forgotten. */
  private trim(key: string, r: Route, now: number): void {
    const oldest = Math.floor(now / 1000) - KEEP_SECONDS;
    let n = 0;
    while (n < r.seconds.length && (r.seconds[n] ?? 0) < oldest) n++;
    if (n === 0) return;
    r.seconds.splice(0, n);
    r.counts.splice(0, n);
    r.failures.splice(0, n);
    if (r.seconds.length === 0) this.byKey.delete(key);
  }
}
