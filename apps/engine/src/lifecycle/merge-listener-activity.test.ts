import { describe, expect, it } from 'vitest';
import type { ListenerActivity } from '@organism/shared';
import { mergeListenerActivity } from './merge-listener-activity.ts';

const listener = (name: string, figures: Partial<ListenerActivity> = {}): ListenerActivity => ({
  name,
  state: 'idle',
  inFlight: 0,
  queued: 0,
  received: 0,
  failed: 0,
  lastActivityAt: null,
  lastFailedAt: null,
  ...figures,
});

describe('mergeListenerActivity', () => {
  it('sums each listener’s figures across engines, with the latest activity and the most telling state', () => {
    const own = [
      listener('greeter', { received: 5, inFlight: 1, lastActivityAt: 100 }),
      listener('shouter', { state: 'processing', received: 2 }),
      listener('orders', { state: 'paused', queued: 4 }),
    ];
    const merged = mergeListenerActivity(own, [
      [
        listener('greeter', {
          state: 'processing',
          received: 7,
          failed: 1,
          inFlight: 2,
          queued: 3,
          lastActivityAt: 300,
        }),
        listener('shouter', { state: 'error', received: 1, lastActivityAt: 50 }),
        listener('orders', { state: 'processing', queued: 1 }),
        // A listener only the peer runs (it follows a newer configuration) is not this engine's to list.
        listener('echo', { received: 9 }),
      ],
      [listener('greeter', { received: 1, lastActivityAt: 200 })],
    ]);
    expect(merged).toEqual([
      listener('greeter', {
        state: 'processing',
        received: 13,
        failed: 1,
        inFlight: 3,
        queued: 3,
        lastActivityAt: 300,
      }),
      listener('shouter', { state: 'error', received: 3, lastActivityAt: 50 }),
      listener('orders', { state: 'paused', queued: 5 }),
    ]);
    // Its own figures are left as they were.
    expect(own[0]).toEqual(listener('greeter', { received: 5, inFlight: 1, lastActivityAt: 100 }));
  });

  it('keeps the latest failure of any engine, and reads a peer of an earlier version as having none', () => {
    const own = [listener('calculator', { lastFailedAt: 200 }), listener('greeter')];
    const older = { ...listener('calculator'), lastFailedAt: undefined } as unknown as ListenerActivity;
    const merged = mergeListenerActivity(own, [
      [listener('calculator', { lastFailedAt: 100 }), listener('greeter', { lastFailedAt: 300 })],
      [older],
    ]);
    expect(merged.map((l) => [l.name, l.lastFailedAt])).toEqual([
      ['calculator', 200],
      ['greeter', 300],
    ]);
  });

  it('gives this engine’s figures as they are without peers', () => {
    const own = [listener('greeter', { received: 1 })];
    expect(mergeListenerActivity(own, [])).toBe(own);
  });
});
