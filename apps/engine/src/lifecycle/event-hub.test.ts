import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Activity } from '@organism/shared';
import { delivery } from '../journal/journal-contract.ts';
import {
  closeHubs,
  eventsOf,
  idle,
  isEvent,
  kinds,
  seqs,
  setup,
  Subscriber,
  thread,
  transitionsOf,
  units,
} from './event-hub-test-kit.ts';
import { countTurns } from '../../test/support/loop-turns.ts';

afterEach(() => {
  closeHubs();
  vi.useRealTimers();
});
describe('EventHub', () => {
  it('reads each new page of transitions once, however many subscribe', async () => {
    const counts: number[] = [];
    for (const n of [1, 3]) {
      const s = setup();
      const hub = s.hub();
      const subs = Array.from({ length: n }, () => new Subscriber(hub));
      await Promise.all(subs.map((sub) => sub.drain()));
      const before = s.reads.count;
      await s.journal.hooks.onIntent?.(Array.from({ length: 40 }, () => delivery()));
      for (const sub of subs) await sub.until((items) => seqs(items).length === 40);
      await s.journal.hooks.onIntent?.(Array.from({ length: 10 }, () => delivery()));
      for (const sub of subs) await sub.until((items) => seqs(items).length === 50);
      counts.push(s.reads.count - before);
      for (const sub of subs) expect(seqs(sub.items)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    }
    expect(counts[1]).toBe(counts[0]);
    expect(counts[0]).toBeLessThanOrEqual(4);
  });

  it('sends a burst as few items of at most 500 transitions, engine events in their place', async () => {
    const s = setup();
    const hub = s.hub();
    const sub = new Subscriber(hub, {});
    await sub.drain();
    await s.journal.hooks.onIntent?.(Array.from({ length: 1_200 }, () => delivery()));
    await idle();
    s.events.emit(() => thread('thread.created', 1));
    await s.journal.hooks.onIntent?.(Array.from({ length: 3 }, () => delivery()));
    const items = await sub.until((got) => seqs(got).length === 1_203 && eventsOf(got).length === 1);
    const changes = items.filter((i) => i.item.kind === 'changes');
    const sizes = changes.map((i) => (i.item.kind === 'changes' ? i.item.transitions.length : 0));
    expect(sizes.every((n) => n <= 500)).toBe(true);
    expect(changes.length).toBeLessThanOrEqual(4);
    expect(seqs(items)).toEqual(Array.from({ length: 1_203 }, (_, i) => i + 1));
    // The event came after the hub had read the first 1,200, and before the last 3.
    const applied = units(items);
    expect(applied.findIndex(isEvent)).toBe(1_200);
    expect(changes.flatMap((i) => (i.item.kind === 'changes' ? i.item.events : []))).toEqual([
      { after: 1_200, event: thread('thread.created', 1) },
    ]);
  });

  it('lets a subscriber that keeps up have an item at most every itemGapMs, the first at once', async () => {
    const s = setup();
    const hub = s.hub({ itemGapMs: 300 });
    const sub = new Subscriber(hub, {});
    await sub.drain();
    const started = Date.now();
    await s.journal.hooks.onIntent?.([delivery()]);
    await sub.until((got) => seqs(got).length === 1);
    const first = Date.now() - started;
    // Three more commits within the gap travel together, in the next item.
    for (let n = 0; n < 3; n++) {
      await s.journal.hooks.onIntent?.([delivery()]);
      await idle();
    }
    const items = await sub.until((got) => seqs(got).length === 4);
    const waited = Date.now() - started;
    expect(first).toBeLessThan(250);
    expect(waited).toBeGreaterThanOrEqual(290);
    expect(items.filter((i) => i.item.kind === 'changes').map((i) => seqs([i]))).toEqual([[1], [2, 3, 4]]);
    // Closing the hub ends a subscriber waiting out its gap at once.
    await s.journal.hooks.onIntent?.([delivery()]);
    const pulled = sub.until((got) => seqs(got).length === 5).catch((err: Error) => err.message);
    await idle();
    const closing = Date.now();
    hub.close();
    expect(await pulled).toBe('the stream ended');
    expect(Date.now() - closing).toBeLessThan(200);
  });

  it('settles: hands every subscriber the events recorded so far without waiting out its gap (a drain’s last figures before a stop)', async () => {
    const s = setup();
    const hub = s.hub({ itemGapMs: 10_000 });
    const sub = new Subscriber(hub, {});
    // One that takes no engine events has nothing to be handed, and holds nothing up.
    const transitionsOnly = new Subscriber(hub, { events: false });
    await sub.drain();
    await transitionsOnly.drain();
    s.events.emit(() => thread('thread.created', 1));
    await sub.until((got) => eventsOf(got).length === 1);
    // Within the gap: it would wait ten seconds for the next item.
    s.events.emit(() => thread('thread.completed', 1));
    await idle();
    expect(eventsOf(sub.items)).toHaveLength(1);
    const pulled = sub.until((got) => eventsOf(got).length === 2);
    const started = Date.now();
    await hub.settle(5_000);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(eventsOf(sub.items).map((e) => e.type)).toEqual(['thread.created', 'thread.completed']);
    await pulled;
    // Nothing more to hand over: at once.
    const again = Date.now();
    await hub.settle(5_000);
    expect(Date.now() - again).toBeLessThan(100);
    // A subscriber whose client reads nothing (`sub`, no longer pulled) holds a settle only as long as
    // it was given.
    s.events.emit(() => thread('thread.created', 2));
    const capped = Date.now();
    await hub.settle(200);
    expect(Date.now() - capped).toBeGreaterThanOrEqual(190);
    expect(Date.now() - capped).toBeLessThan(2_000);
  });

  it('sends a thread’s events in the item with its transitions, not one item each', async () => {
    const s = setup();
    const hub = s.hub();
    const sub = new Subscriber(hub, {});
    await sub.drain();
    for (let n = 1; n <= 50; n++) {
      await s.journal.hooks.onIntent?.([delivery()]);
      s.events.emit(() => thread('thread.created', n));
      s.events.emit(() => thread('thread.completed', n));
    }
    const items = await sub.until((got) => seqs(got).length === 50 && eventsOf(got).length === 100);
    expect(items.filter((i) => i.item.kind === 'changes').length).toBeLessThanOrEqual(3);
    expect(eventsOf(items)).toEqual(
      Array.from({ length: 50 }, (_, i) => [
        thread('thread.created', i + 1),
        thread('thread.completed', i + 1),
      ]).flat(),
    );
  });

  it('carries each transition’s route and applies the filters to transitions only', async () => {
    const s = setup();
    const hub = s.hub();
    const all = new Subscriber(hub);
    const toB = new Subscriber(hub, { to: 'b', states: ['PENDING'] });
    const fromA = new Subscriber(hub, { from: 'a', root: 'x' });
    const withC = new Subscriber(hub, { participant: 'c' });
    const quiet = new Subscriber(hub, { events: false });
    await Promise.all([all, toB, fromA, withC, quiet].map((sub) => sub.drain()));
    const ab = delivery({ from: 'a', to: 'b', root: 'x' });
    const cb = delivery({ from: 'c', to: 'b', root: 'y' });
    await s.journal.hooks.onIntent?.([ab, cb]);
    await s.journal.hooks.onAcknowledged?.(ab, []);
    s.events.emit(() => thread('thread.created', 1));
    await all.until((items) => seqs(items).length === 3 && eventsOf(items).length === 1);
    const routed = (sub: Subscriber): string[] =>
      transitionsOf(sub.items).map((t) => `${t.from}>${t.to} ${t.state}`);
    expect(routed(all)).toEqual(['a>b PENDING', 'c>b PENDING', 'a>b ACKED']);
    await toB.until((items) => seqs(items).length === 2 && eventsOf(items).length === 1);
    await fromA.until((items) => seqs(items).length === 2 && eventsOf(items).length === 1);
    await withC.until((items) => seqs(items).length === 1 && eventsOf(items).length === 1);
    await Promise.all([toB, fromA, withC].map((sub) => sub.drain()));
    expect(routed(toB)).toEqual(['a>b PENDING', 'c>b PENDING']);
    expect(routed(fromA)).toEqual(['a>b PENDING', 'a>b ACKED']);
    expect(routed(withC)).toEqual(['c>b PENDING']);
    await quiet.until((items) => seqs(items).length === 3);
    const quietItems = await quiet.drain();
    expect(new Set(kinds(quietItems))).toEqual(new Set(['changes']));
    expect(eventsOf(quietItems)).toEqual([]);
  });

  it('resumes from an id in the middle with nothing missed and nothing repeated, events included', async () => {
    const s = setup();
    const hub = s.hub();
    const first = new Subscriber(hub);
    await first.drain();
    for (let n = 1; n <= 6; n++) {
      await s.journal.hooks.onIntent?.([delivery(), delivery()]);
      s.events.emit(() => thread('thread.created', n));
      await first.until((got) => seqs(got).length === 2 * n && eventsOf(got).length === n);
    }
    const items = await first.drain();
    const stream = items.filter((i) => i.item.kind === 'changes');
    // Events and transitions interleave, in the order the hub learned of them.
    const applied = units(stream);
    expect(applied.findIndex(isEvent)).toBeLessThan(applied.length - 6);
    expect(applied.findLastIndex((u) => !isEvent(u))).toBeGreaterThan(applied.findIndex(isEvent));
    expect(stream.length).toBeGreaterThanOrEqual(6);
    for (const cut of [0, 1, stream.length - 3, stream.length - 2]) {
      const at = stream[cut];
      if (!at) throw new Error('setup');
      const resumed = new Subscriber(hub, { lastEventId: at.id });
      const expected = units(stream.slice(cut + 1));
      const rest = await resumed.until((got) => units(got).length === expected.length);
      expect(units(rest)).toEqual(expected);
      await resumed.close();
    }
  });

  it('lets a subscriber behind the ring catch up from the journal, in order, events in their place', async () => {
    const s = setup();
    const hub = s.hub({ ringSize: 5, pageSize: 4 });
    const live = new Subscriber(hub);
    await live.drain();
    for (let n = 1; n <= 10; n++) {
      await s.journal.hooks.onIntent?.([delivery(), delivery(), delivery()]);
      s.events.emit(() => thread('thread.created', n));
      await idle();
    }
    const all = await live.until((got) => seqs(got).length === 30 && eventsOf(got).length === 10);
    const stream = all.filter((i) => i.item.kind !== 'activity');
    const early = stream[2];
    if (!early) throw new Error('setup');
    const reads = s.reads.count;
    const late = new Subscriber(hub, { lastEventId: early.id });
    const expected = units(stream.slice(3));
    const rest = await late.until((got) => units(got).length === expected.length);
    expect(units(rest)).toEqual(expected);
    // It read the journal itself (the ring holds only the last 5).
    expect(s.reads.count).toBeGreaterThan(reads);
  });

  it('lets subscribers catching up from the journal take turns with the rest of the engine, a page each', async () => {
    const s = setup();
    const hub = s.hub({ ringSize: 5, pageSize: 10 });
    const live = new Subscriber(hub);
    await live.drain();
    await s.journal.hooks.onIntent?.([delivery()]);
    const [early] = (await live.until((got) => seqs(got).length === 1)).filter(
      (i) => i.item.kind === 'changes',
    );
    if (!early) throw new Error('setup');
    for (let n = 0; n < 30; n++)
      await s.journal.hooks.onIntent?.(Array.from({ length: 10 }, () => delivery()));
    await live.until((got) => seqs(got).length === 301);
    const reads = s.reads.count;
    // Whatever else the engine has to do: here, a task that asks for every turn of the event loop.
    const loop = countTurns();
    const late = Array.from({ length: 6 }, () => new Subscriber(hub, { lastEventId: early.id }));
    await Promise.all(late.map((l) => l.until((got) => seqs(got).length === 300)));
    loop.stop();
    const pages = s.reads.count - reads;
    expect(pages).toBeGreaterThanOrEqual(6 * 30);
    // Two pages a turn at most: a replay of the whole journal (or hundreds) cannot hold the engine.
    expect(loop.turns).toBeGreaterThanOrEqual(Math.floor(pages / 2));
    for (const l of late) expect(seqs(l.items)).toEqual(seqs(live.items).slice(1));
  });

  it('sends `reset` to a cursor from another engine run, and still every transition after it', async () => {
    const s = setup();
    const before = s.hub({ epoch: 'aaaa' });
    const sub = new Subscriber(before);
    await sub.drain();
    await s.journal.hooks.onIntent?.([delivery(), delivery()]);
    s.events.emit(() => thread('thread.created', 1));
    const items = await sub.until((got) => seqs(got).length === 2 && eventsOf(got).length === 1);
    const last = items.at(-1)?.id ?? '';
    await sub.close();
    before.close();
    await s.journal.hooks.onIntent?.([delivery()]);
    const after = s.hub({ epoch: 'bbbb' });
    const resumed = new Subscriber(after, { lastEventId: last });
    await resumed.until((got) => seqs(got).length === 1);
    expect(resumed.items[0]?.item).toMatchObject({
      kind: 'reset',
      reason: expect.stringMatching(/restarted/) as unknown,
    });
    expect(seqs(resumed.items)).toEqual([3]);
    expect(resumed.items.at(-1)?.id.startsWith('bbbb.')).toBe(true);
  });

  it('sends `reset` when the events a cursor needs left the ring, then goes on', async () => {
    const s = setup();
    const hub = s.hub({ eventRingSize: 3 });
    const live = new Subscriber(hub);
    await live.drain();
    s.events.emit(() => thread('thread.created', 1));
    const [mark] = await live.until((got) => eventsOf(got).length === 1);
    for (let n = 2; n <= 10; n++) s.events.emit(() => thread('thread.created', n));
    const behind = new Subscriber(hub, { lastEventId: mark?.id ?? '' });
    const got = await behind.until((items) => eventsOf(items).length === 3);
    expect(got[0]?.item).toMatchObject({ kind: 'reset' });
    expect(eventsOf(got)).toEqual([8, 9, 10].map((n) => thread('thread.created', n)));
  });

  it('rides out a journal that cannot be read, and delivers everything once it can', async () => {
    vi.useFakeTimers({ toFake: ['setInterval'] });
    const s = setup();
    const log = { error: vi.fn(), warn: vi.fn(), info: vi.fn(), debug: vi.fn() };
    const hub = s.hub({ tickMs: 1_000, log });
    const sub = new Subscriber(hub);
    await sub.drain();
    const read = s.journal.routedTransitions.bind(s.journal);
    s.journal.routedTransitions = () => Promise.reject(new Error('SQLITE_IOERR: disk I/O error'));
    await s.journal.hooks.onIntent?.([delivery(), delivery()]);
    await sub.drain();
    vi.advanceTimersByTime(3_000);
    await sub.drain();
    expect(seqs(sub.items)).toEqual([]);
    expect(log.warn).toHaveBeenCalledTimes(1);
    s.journal.routedTransitions = read;
    vi.advanceTimersByTime(1_000);
    await sub.until((items) => seqs(items).length === 2);
    expect(seqs(sub.items)).toEqual([1, 2]);
  });

  it('does not read a journal that a commit just before the close left a read scheduled for', async () => {
    const s = setup();
    const hub = s.hub();
    const sub = new Subscriber(hub);
    await sub.drain();
    const before = s.reads.count;
    // The commit wakes the hub (a turn later), whose read runs a turn after that: after the close.
    void s.journal.hooks.onIntent?.([delivery()]);
    await new Promise((r) => setImmediate(r));
    hub.close();
    await idle();
    expect(s.reads.count).toBe(before);
  });

  it('costs nothing while nobody subscribes: no reads, no event or journal subscriptions', async () => {
    const s = setup();
    const watch = vi.spyOn(s.journal, 'watchWrites');
    const hub = s.hub();
    await s.journal.hooks.onIntent?.([delivery()]);
    await idle();
    expect(s.reads.count).toBe(0);
    expect(watch).not.toHaveBeenCalled();
    const sub = new Subscriber(hub);
    await sub.drain();
    expect(s.events.active).toBe(true);
    await sub.close();
    expect(s.events.active).toBe(false);
    const reads = s.reads.count;
    await s.journal.hooks.onIntent?.([delivery()]);
    s.events.emit(() => thread('thread.created', 1));
    await idle();
    expect(s.reads.count).toBe(reads);
    // Events that came while nobody listened are gone: a cursor from before gets `reset`.
    const again = new Subscriber(hub, { lastEventId: sub.items.at(-1)?.id ?? `${hub.epoch}.0.0` });
    await again.until((got) => got.length >= 1);
    expect(again.items[0]?.item).toMatchObject({ kind: 'reset' });
  });

  it('pushes activity on subscribing and then only when it changed, once a tick', async () => {
    vi.useFakeTimers({ toFake: ['setInterval'] });
    const s = setup();
    let state: Omit<Activity, 'at'> = { listeners: [], routes: [] };
    const hub = s.hub({ tickMs: 1_000, activity: () => state });
    const sub = new Subscriber(hub);
    expect(kinds(await sub.drain())).toEqual(['activity']);
    vi.advanceTimersByTime(3_000);
    expect(kinds(await sub.drain())).toEqual(['activity']);
    state = {
      listeners: [
        {
          name: 'a',
          state: 'processing',
          inFlight: 1,
          queued: 0,
          received: 1,
          failed: 0,
          lastActivityAt: 1,
          lastFailedAt: null,
        },
      ],
      routes: [],
    };
    vi.advanceTimersByTime(1_000);
    const items = await sub.drain();
    expect(kinds(items)).toEqual(['activity', 'activity']);
    expect(items[1]?.item).toMatchObject({ kind: 'activity', activity: { listeners: [{ name: 'a' }] } });
  });
});
