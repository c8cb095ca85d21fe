import { describe, expect, it } from 'vitest';
import { EngineEvents } from '../pump/engine-events.ts';
import { RouteTracker } from './route-tracker.ts';

const T0 = 1_700_000_000_000;

function tracker(): { events: EngineEvents; routes: RouteTracker; clock: { now: number } } {
  const clock = { now: T0 };
  const events = new EngineEvents();
  return { events, routes: new RouteTracker(events, () => clock.now), clock };
}

const base = { messageId: 'm', threadId: 't', root: 'r' };
function received(events: EngineEvents, from: string, to: string, at: number, attempt = 1): void {
  events.emit(() => ({ type: 'message.received', at, ...base, from, to, attempt, waitedMs: 0 }));
}

describe('RouteTracker', () => {
  it('counts each delivery once per route, egress included, and final failures', () => {
    const { events, routes, clock } = tracker();
    received(events, 'traffic', 'greeter', T0 + 10);
    received(events, 'traffic', 'greeter', T0 + 20);
    received(events, 'traffic', 'greeter', T0 + 30, 2); // a retry: the same delivery again
    received(events, 'greeter', 'shouter', T0 + 40);
    events.emit(() => ({
      type: 'message.sent',
      at: T0 + 50,
      ...base,
      from: 'greeter',
      to: 'traffic',
      kind: 'egress',
    }));
    events.emit(() => ({
      type: 'message.sent',
      at: T0 + 50,
      ...base,
      from: 'greeter',
      to: 'shouter',
      kind: 'forward',
    }));
    const failed = {
      ...base,
      listener: 'greeter',
      from: 'traffic',
      code: 'HANDLER_ERROR' as const,
      message: 'x',
    };
    events.emit(() => ({ type: 'message.failed', at: T0 + 60, ...failed, attempt: 1, willRetry: true }));
    events.emit(() => ({ type: 'message.failed', at: T0 + 70, ...failed, attempt: 2, willRetry: false }));
    clock.now = T0 + 1_000;
    const { since, routes: got } = routes.routes(300);
    expect(since).toBe(T0);
    expect(got).toEqual([
      { from: 'traffic', to: 'greeter', count: 2, failed: 1, perSecond: 0.2, lastAt: T0 + 70 },
      { from: 'greeter', to: 'shouter', count: 1, failed: 0, perSecond: 0.1, lastAt: T0 + 40 },
      { from: 'greeter', to: 'traffic', count: 1, failed: 0, perSecond: 0.1, lastAt: T0 + 50 },
    ]);
  });

  it('counts only what happened in the window, and the rate over the last 10 s', () => {
    const { events, routes, clock } = tracker();
    for (let s = 0; s < 600; s++) received(events, 'a', 'b', T0 + s * 1000);
    clock.now = T0 + 600_000;
    const [five] = routes.routes(300).routes;
    expect(five).toMatchObject({ count: 300, perSecond: 1 });
    expect(routes.routes(10).routes[0]).toMatchObject({ count: 10 });
    expect(routes.routes(3600)).toMatchObject({ since: T0, routes: [{ count: 600 }] });
    clock.now = T0 + 1_200_000;
    expect(routes.routes(300).routes).toEqual([]);
    expect(routes.routes(3600).routes[0]).toMatchObject({ count: 600, perSecond: 0 });
  });

  it('forgets routes idle for more than an hour', () => {
    const { events, routes, clock } = tracker();
    received(events, 'a', 'b', T0);
    clock.now = T0 + 3_602_000;
    expect(routes.routes(3600).routes).toEqual([]);
    received(events, 'a', 'b', clock.now);
    expect(routes.routes(10).routes).toMatchObject([{ count: 1 }]);
  });

  it('shares its routes per second for five minutes and per minute before, and adds in what peers shared', () => {
    const { events, routes, clock } = tracker();
    // One delivery a second for ten minutes.
    for (let s = 0; s < 600; s++) received(events, 'a', 'b', T0 + s * 1000);
    clock.now = T0 + 600_000;
    const shared = routes.shared();
    expect(shared.since).toBe(T0);
    const [slots] = shared.routes;
    // The first five minutes in five slots of a minute (T0 is 20 s into its minute), then 300 seconds.
    const first = Math.floor(T0 / 1000);
    expect(slots?.seconds.slice(0, 6)).toEqual([
      first - 20,
      first + 40,
      first + 100,
      first + 160,
      first + 220,
      first + 280,
    ]);
    expect(slots?.counts.slice(0, 6)).toEqual([40, 60, 60, 60, 60, 20]);
    expect(slots?.seconds).toHaveLength(306);
    expect(slots?.counts.reduce((a, b) => a + b, 0)).toBe(600);

    // A peer's routes are added to this engine's: the same route summed, another listed beside it.
    const { events: other, routes: theirs } = tracker();
    for (let s = 300; s < 600; s++) received(other, 'a', 'b', T0 + s * 1000);
    received(other, 'b', 'c', T0 + 599_000);
    const merged = routes.routes(300, [theirs.shared()]);
    expect(merged.routes).toEqual([
      { from: 'a', to: 'b', count: 600, failed: 0, perSecond: 2, lastAt: T0 + 599_000 },
      { from: 'b', to: 'c', count: 1, failed: 0, perSecond: 0.1, lastAt: T0 + 599_000 },
    ]);
    // A peer that started earlier widens the window's start.
    expect(routes.routes(3600, [{ since: T0 - 60_000, routes: [] }]).since).toBe(T0 - 60_000);
  });
});
