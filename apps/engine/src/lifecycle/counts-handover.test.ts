import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openJournal } from '../journal/index.ts';
import { TransitionRates } from '../journal/sqlite/transition-rates.ts';
import { EngineEvents } from '../pump/engine-events.ts';
import { HANDOVER_MS, handOver, takeHandover } from './counts-handover.ts';
import { ListenerActivity } from './listener-activity.ts';
import { RouteTracker } from './route-tracker.ts';

const T0 = 1_700_000_000_000;
const base = { messageId: 'm', threadId: 't', root: 'r' };
const UNREADABLE =
  'what the last engine counted is unreadable: the map, the chart and the listener counts start from this engine';

function recordingLog() {
  const warned: string[] = [];
  const log = { debug() {}, info() {}, error() {}, warn: (_: object, msg: string) => void warned.push(msg) };
  return { log, warned };
}

describe('counts handover', () => {
  it("hands the last minutes' routes and rates to the next engine, once", async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'handover-')), 'journal.sqlite.counted.json');
    const clock = { now: T0 };
    const events = new EngineEvents();
    const routes = new RouteTracker(events, () => clock.now);
    const rates = new TransitionRates(T0);
    for (let s = 0; s < 120; s++) {
      const at = T0 + s * 1000;
      events.emit(() => ({
        type: 'message.received',
        at,
        ...base,
        from: 'a',
        to: 'b',
        attempt: 1,
        waitedMs: 0,
      }));
      rates.add('ACKED', at, 1);
    }
    clock.now = T0 + 120_000;
    await handOver(file, { stoppedAt: clock.now, routes: routes.shared(), rates: rates.counted(clock.now) });

    // The next engine starts a few seconds later on the same journal.
    clock.now = T0 + 125_000;
    const { log, warned } = recordingLog();
    const nextRoutes = new RouteTracker(new EngineEvents(), () => clock.now);
    const nextRates = new TransitionRates(clock.now);
    const handed = await takeHandover(file, log, clock.now);
    expect(handed?.rates).toBeDefined();
    if (handed?.rates) nextRates.restore(handed.rates);
    if (handed) nextRoutes.restore(handed.routes);
    expect(nextRoutes.routes(300)).toEqual({
      since: T0,
      routes: [{ from: 'a', to: 'b', count: 120, failed: 0, perSecond: 0.5, lastAt: T0 + 119_000 }],
    });
    // The chart runs on from the first engine's start: its seconds, then a gap while none ran, then the
    // seconds the next one lives through.
    nextRates.alive(clock.now - 1000);
    const chart = nextRates.history(clock.now);
    expect(chart.since).toBe(T0 / 1000);
    const at = (s: number) => chart.delivered[s - chart.start];
    expect([T0 / 1000 - 1, T0 / 1000, T0 / 1000 + 119, T0 / 1000 + 121, T0 / 1000 + 124].map(at)).toEqual([
      null,
      1,
      1,
      null,
      0,
    ]);
    // Taken once: an engine after a crash (which leaves nothing) does not take these again.
    expect(existsSync(file)).toBe(false);
    expect(await takeHandover(file, log, clock.now)).toBeUndefined();
    expect(warned).toEqual([]);
  });

  it('ignores, reports and removes a file that holds no counts', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'handover-'));
    const route = (seconds: number[], counts: number[]) => ({
      from: 'a',
      to: 'b',
      seconds,
      counts,
      failures: seconds.map(() => 0),
      lastAt: 1,
    });
    for (const content of [
      { stoppedAt: 1, routes: { since: 1, routes: [{ from: 'a' }] } },
      { stoppedAt: 1, routes: { since: 1, routes: [route([1, 2], [1])] } },
      { stoppedAt: 1, routes: { since: 1, routes: [] }, rates: { since: 1, seconds: [[1, { ACKED: -1 }]] } },
      { stoppedAt: 1, routes: { since: 1, routes: [] }, listeners: { calc: { received: 'many' } } },
      { routes: { since: 1, routes: [] } },
      'not json',
    ]) {
      const file = join(dir, 'journal.sqlite.counted.json');
      await writeFile(file, typeof content === 'string' ? content : JSON.stringify(content));
      const { log, warned } = recordingLog();
      expect(await takeHandover(file, log, 1)).toBeUndefined();
      expect(warned).toEqual([UNREADABLE]);
      expect(existsSync(file)).toBe(false);
    }
  });

  it('is beside a SQLite journal on disk only', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'handover-'));
    const onDisk = openJournal({ path: join(dir, 'journal.sqlite'), durability: 'fast' });
    const inMemory = openJournal({ path: ':memory:', durability: 'fast' });
    try {
      expect(onDisk.countsFile).toBe(join(dir, 'journal.sqlite.counted.json'));
      expect(inMemory.countsFile).toBeUndefined();
    } finally {
      await Promise.all([onDisk.close(), inMemory.close()]);
    }
    // The routes alone (a journal that counts no rates) are read back as they were written.
    const file = join(dir, 'r.json');
    const routes = {
      since: T0,
      routes: [{ from: 'a', to: 'b', seconds: [1], counts: [2], failures: [0], lastAt: T0 }],
    };
    await handOver(file, { stoppedAt: T0, routes });
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ stoppedAt: T0, routes });
    expect(await takeHandover(file, recordingLog().log, T0 + HANDOVER_MS)).toEqual({ stoppedAt: T0, routes });
  });

  it("hands each listener's counts to the next engine, which adds what it counts to them", async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'handover-')), 'journal.sqlite.counted.json');
    const events = new EngineEvents();
    const first = new ListenerActivity(events);
    const received = (at: number) =>
      events.emit(() => ({
        type: 'message.received',
        at,
        ...base,
        from: 'a',
        to: 'calc',
        attempt: 1,
        waitedMs: 0,
      }));
    const failed = (at: number, message: string) =>
      events.emit(() => ({
        type: 'message.failed',
        at,
        ...base,
        from: 'a',
        listener: 'calc',
        code: 'HANDLER_ERROR',
        message,
        attempt: 1,
        willRetry: false,
      }));
    received(T0);
    received(T0 + 10);
    failed(T0 + 20, 'cannot divide 1 by zero');
    await handOver(file, {
      stoppedAt: T0 + 30,
      routes: { since: T0, routes: [] },
      listeners: first.counted(),
    });

    const nextEvents = new EngineEvents();
    const next = new ListenerActivity(nextEvents);
    const handed = await takeHandover(file, recordingLog().log, T0 + 2_000);
    next.restore(handed?.listeners ?? {});
    expect(next.get('calc')).toEqual({
      state: 'idle',
      received: 2,
      failed: 1,
      lastError: 'HANDLER_ERROR: cannot divide 1 by zero',
      lastActivityAt: T0 + 20,
      lastFailedAt: T0 + 20,
    });
    // Counted on from there; an engine of an earlier version left none, and counts from nothing.
    nextEvents.emit(() => ({
      type: 'message.received',
      at: T0 + 3_000,
      ...base,
      from: 'a',
      to: 'calc',
      attempt: 1,
      waitedMs: 0,
    }));
    expect(next.get('calc')).toMatchObject({ received: 3, failed: 1, lastActivityAt: T0 + 3_000 });
    await handOver(file, { stoppedAt: T0, routes: { since: T0, routes: [] } });
    expect((await takeHandover(file, recordingLog().log, T0 + 1))?.listeners).toBeUndefined();
  });

  it('drops counts left longer ago than a restart takes: the time nothing ran is a gap, not zeros', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'handover-')), 'journal.sqlite.counted.json');
    await handOver(file, { stoppedAt: T0, routes: { since: T0 - 60_000, routes: [] } });
    const { log, warned } = recordingLog();
    expect(await takeHandover(file, log, T0 + HANDOVER_MS + 1)).toBeUndefined();
    expect(existsSync(file)).toBe(false);
    expect(warned).toEqual([]);
  });
});
