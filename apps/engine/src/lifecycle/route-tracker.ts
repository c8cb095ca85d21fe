import type { RouteStats, RoutesResult } from '@organism/shared';
import type { EngineActivity, RouteSlots } from '../journal/peers.ts';
import type { EngineEvents } from '../pump/engine-events.ts';

/** The longest window a caller may ask about; older seconds are forgotten. */
const KEEP_SECONDS = 3_600;
const RATE_SECONDS = 10;
/** What an engine shares with its peers is per second over the console's window, per minute before it. */
const SHARED_BY_SECOND = 300;

/** Routes as an engine shares them with its peers. */
export type SharedRoutes = NonNullable<EngineActivity['routes']>;

/**
 * Every route messages took since the engine started (sender → listener, and listener → outside producer
 * for egress), with per-second counts for the last hour, kept from engine events. A delivery counts once,
 * at its first attempt; a failure counts when it is final (a dead letter). Memory grows with the seconds
 * a route was busy, never with the messages; routes idle for an hour are forgotten.
 */
export class RouteTracker {
  /** Each route, one slot per second that saw any (oldest first), trimmed to the last hour. */
  private readonly byKey = new Map<string, RouteSlots>();
  /** Where counting started: this engine's start, or its predecessor's when it handed its routes on. */
  private startedAt: number;

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

  /**
   * The routes taken in the last `windowSeconds`, busiest first: this engine's, with those its running
   * peers shared (`peers`, which may count in minutes beyond the last five) added in.
   */
  routes(windowSeconds: number, peers: readonly SharedRoutes[] = []): RoutesResult {
    const now = this.now();
    for (const [key, r] of this.byKey) this.trim(key, r, now);
    const started = Math.min(this.startedAt, ...peers.map((p) => p.since));
    const since = Math.max(started, now - windowSeconds * 1000);
    const from = Math.floor(since / 1000);
    const rateFrom = Math.floor((now - RATE_SECONDS * 1000) / 1000);
    const byKey = new Map<string, RouteStats>();
    for (const list of [this.byKey.values(), ...peers.map((p) => p.routes)]) {
      for (const r of list) {
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
        const key = `${r.from}\u0000${r.to}`;
        const known = byKey.get(key);
        if (!known) {
          byKey.set(key, {
            from: r.from,
            to: r.to,
            count,
            failed,
            perSecond: recent / RATE_SECONDS,
            lastAt: r.lastAt,
          });
          continue;
        }
        known.count += count;
        known.failed += failed;
        known.perSecond += recent / RATE_SECONDS;
        known.lastAt = Math.max(known.lastAt, r.lastAt);
      }
    }
    const out = [...byKey.values()];
    out.sort((a, b) => b.count - a.count || a.from.localeCompare(b.from) || a.to.localeCompare(b.to));
    return { since, routes: out };
  }

  /**
   * What this engine shares with its peers: every route's slots, per second over the last five minutes
   * and per minute (each slot at its minute's first second) before that.
   */
  shared(): SharedRoutes {
    const now = this.now();
    const bySecondFrom = Math.floor(now / 1000) - SHARED_BY_SECOND;
    const routes: RouteSlots[] = [];
    for (const [key, r] of this.byKey) {
      this.trim(key, r, now);
      const slots: RouteSlots = {
        from: r.from,
        to: r.to,
        seconds: [],
        counts: [],
        failures: [],
        lastAt: r.lastAt,
      };
      r.seconds.forEach((second, i) => {
        const slot = second >= bySecondFrom ? second : second - (second % 60);
        const last = slots.seconds.length - 1;
        if (slots.seconds[last] !== slot) {
          slots.seconds.push(slot);
          slots.counts.push(0);
          slots.failures.push(0);
        }
        const at = slots.seconds.length - 1;
        slots.counts[at] = (slots.counts[at] ?? 0) + (r.counts[i] ?? 0);
        slots.failures[at] = (slots.failures[at] ?? 0) + (r.failures[i] ?? 0);
      });
      if (slots.seconds.length > 0) routes.push(slots);
    }
    return { since: this.startedAt, routes };
  }

  /**
   * Takes on the routes an engine before this one counted (its `shared()` as it stopped, the engine
   * restarting), so that the last five minutes still hold them: their slots become this tracker's, and
   * counting is said to start where theirs did. Called before any message is counted.
   */
  restore(before: SharedRoutes): void {
    for (const r of before.routes) {
      const key = `${r.from}\u0000${r.to}`;
      if (this.byKey.has(key)) continue;
      this.byKey.set(key, {
        ...r,
        seconds: [...r.seconds],
        counts: [...r.counts],
        failures: [...r.failures],
      });
    }
    this.startedAt = Math.min(this.startedAt, before.since);
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
  private trim(key: string, r: RouteSlots, now: number): void {
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
