import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { drainPump } from '../../src/lifecycle/drain-pump.ts';
import { HandlerError } from '../../src/pump/sending-context.ts';
import { envelope, makePump } from '../support/pump-harness.ts';
import type { Harness } from '../support/pump-harness.ts';

let h: Harness | undefined;
afterEach(() => h?.dispose());

const states = (hh: Harness, name: string): string[] =>
  hh.rec.events.flatMap((e) => (e.type === 'listener.state' && e.listener === name ? [e.state] : []));

describe('pausing a listener', () => {
  it('holds its deliveries (accepted, not dispatched) and dispatches them in order on resume', async () => {
    const seen: string[] = [];
    h = makePump([
      {
        name: 'worker',
        root: 'job',
        concurrency: 1,
        handler: (p, ctx) => {
          seen.push(ctx.payloadXml);
        },
      },
      { name: 'other', root: 'ping', handler: () => undefined },
    ]);
    expect(h.pump.pauseListener('worker')).toBe(true);
    expect(h.pump.pauseListener('worker')).toBe(false);
    for (const n of [1, 2, 3]) {
      const r = await h.pump.submit(envelope(`<job n="${n}"/>`, { from: 'c', to: 'worker' }));
      expect(r.ok).toBe(true);
    }
    await h.pump.submit(envelope('<ping/>', { from: 'c', to: 'other' }));
    await sleep(30);
    // Intake took all four; only the running listener's message was dispatched.
    expect(h.rec.intents.map((d) => d.to)).toEqual(['worker', 'worker', 'worker', 'other']);
    expect(h.rec.trail).toEqual(['other<-c:ping']);
    expect(h.pump.queuedFor('worker')).toBe(3);
    expect(h.pump.isPaused('worker')).toBe(true);
    expect(states(h, 'worker')).toEqual(['paused']);

    expect(h.pump.resumeListener('worker')).toBe(true);
    expect(h.pump.resumeListener('worker')).toBe(false);
    await h.pump.whenQuiet();
    expect(seen).toEqual(['<job n="1"></job>', '<job n="2"></job>', '<job n="3"></job>']);
    expect(h.pump.queuedFor('worker')).toBe(0);
    expect(states(h, 'worker')[0]).toBe('paused');
    expect(states(h, 'worker')).not.toContain('error');
  });

  it('lets a running handler finish and reports the listener still paused after it', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    h = makePump([{ name: 'slow', root: 'job', handler: async () => gate }]);
    await h.pump.submit(envelope('<job/>', { from: 'c', to: 'slow' }));
    await sleep(10);
    expect(h.pump.inFlightFor('slow')).toBe(1);
    h.pump.pauseListener('slow');
    release();
    await h.pump.whenQuiet();
    await sleep(10);
    expect(h.rec.acked).toHaveLength(1);
    expect(states(h, 'slow')).toEqual(['processing', 'paused', 'paused']);
  });

  it('holds a retry that comes due while paused until resume', async () => {
    let calls = 0;
    h = makePump([
      {
        name: 'flaky',
        root: 'job',
        maxAttempts: 3,
        handler: () => {
          calls++;
          if (calls > 1) return;
          // Paused while the first attempt runs: its retry (due 5 ms after) comes due while paused.
          h?.pump.pauseListener('flaky');
          throw new HandlerError('not yet');
        },
      },
    ]);
    await h.pump.submit(envelope('<job/>', { from: 'c', to: 'flaky' }));
    await sleep(60);
    expect(calls).toBe(1);
    expect(h.pump.queuedFor('flaky')).toBe(1);
    h.pump.resumeListener('flaky');
    await h.pump.whenQuiet();
    expect(calls).toBe(2);
    expect(h.rec.acked.map((a) => a.delivery.attempt)).toEqual([2]);
  });

  it('ends a drain once only paused work is left, leaving it unfinished, and says what waits for whom', async () => {
    h = makePump([
      { name: 'worker', root: 'job', handler: () => undefined },
      { name: 'other', root: 'job', handler: () => undefined },
    ]);
    h.pump.pauseListener('worker');
    h.pump.pauseListener('other');
    await h.pump.submit(envelope('<job/>', { from: 'c', to: 'worker' }));
    await h.pump.submit(envelope('<job/>', { from: 'c', to: 'worker' }));
    await h.pump.submit(envelope('<job/>', { from: 'c', to: 'other' }));
    h.pump.pauseIntake();
    const started = Date.now();
    expect(await drainPump(h.pump, 5_000)).toBe(true);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(h.rec.dispatched).toEqual([]);
    expect(h.pump.stats()).toMatchObject({ queued: 3, inFlight: 0, openThreads: 3 });
    // The last figures say the drain is over and why work is left: it waits for paused listeners.
    const drains = h.rec.events.filter((e) => e.type === 'drain');
    expect(drains.at(-1)).toMatchObject({
      ended: 'paused',
      queued: 3,
      waitingPaused: [
        { listener: 'worker', queued: 2 },
        { listener: 'other', queued: 1 },
      ],
    });
    expect(drains.slice(0, -1).every((e) => !('ended' in e))).toBe(true);
  });

  it('says a drain ran out of time when work was still running, and one that finished drained', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    h = makePump([{ name: 'slow', root: 'job', handler: async () => gate }]);
    await h.pump.submit(envelope('<job/>', { from: 'c', to: 'slow' }));
    await sleep(10);
    h.pump.pauseIntake();
    expect(await drainPump(h.pump, 50)).toBe(false);
    expect(h.rec.events.filter((e) => e.type === 'drain').at(-1)).toMatchObject({
      ended: 'timeout',
      inFlight: 1,
      waitingPaused: [],
    });
    release();
    expect(await drainPump(h.pump, 5_000)).toBe(true);
    expect(h.rec.events.filter((e) => e.type === 'drain').at(-1)).toMatchObject({
      ended: 'drained',
      inFlight: 0,
      queued: 0,
    });
  });
});
