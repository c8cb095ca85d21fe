import { afterEach, describe, expect, it } from 'vitest';
import { delivery } from '../journal/journal-contract.ts';
import { encodeFrame } from '../server/event-stream-endpoint.ts';
import type { StreamOut } from './event-hub.ts';
import { closeHubs, eventsOf, seqs, setup, Subscriber, thread, units } from './event-hub-test-kit.ts';

afterEach(closeHubs);

const changes = (items: StreamOut[]): StreamOut[] => items.filter((i) => i.item.kind === 'changes');

describe('EventHub: subscribers that keep up share their items', () => {
  it('sends every subscriber with the same filters the same items, each encoded once, wherever it started', async () => {
    const s = setup();
    const hub = s.hub();
    const a = new Subscriber(hub);
    await a.drain();
    for (const n of [10, 20]) {
      await s.journal.hooks.onIntent?.(Array.from({ length: 10 }, () => delivery()));
      await a.until((got) => seqs(got).length === n);
    }
    // b resumes from the middle of what a has seen, so the two start out of step: b's first item ends
    // where a's second began, and b takes that one as it is.
    const b = new Subscriber(hub, { lastEventId: '5' });
    await b.until((got) => seqs(got).length === 15);
    for (let round = 3; round <= 4; round++) {
      await s.journal.hooks.onIntent?.(Array.from({ length: 10 }, () => delivery()));
      s.events.emit(() => thread('thread.created', round));
      await a.until((got) => seqs(got).length === round * 10 && eventsOf(got).length === round - 2);
      await b.until((got) => seqs(got).length === round * 10 - 5 && eventsOf(got).length === round - 2);
    }
    // Nothing missed, nothing repeated, the events in their place, for each.
    expect(seqs(a.items)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(seqs(b.items)).toEqual(Array.from({ length: 35 }, (_, i) => i + 6));
    const tail = (xs: ReturnType<typeof units>): string[] =>
      xs.slice(xs.findIndex((u) => 'seq' in u && u.seq === 10) + 1).map((u) => JSON.stringify(u));
    expect(tail(units(b.items))).toEqual(tail(units(a.items)));
    // From where b fell in step, both sent the very same items, and the server encodes each once.
    const after10 = (sub: Subscriber): StreamOut[] =>
      changes(sub.items).filter((i) => seqs([i]).every((q) => q > 10));
    const [aAfter, bAfter] = [after10(a), after10(b)];
    expect(bAfter.length).toBeGreaterThanOrEqual(3);
    expect(bAfter.map((i) => i.item)).toEqual(aAfter.map((i) => i.item));
    bAfter.forEach((out, n) => {
      expect(out).toBe(aAfter[n]);
      expect(encodeFrame(out.id, out.item)).toBe(encodeFrame(aAfter[n]?.id, aAfter[n]!.item));
    });
    expect(seqs(changes(b.items).filter((i) => !bAfter.includes(i)))).toEqual([6, 7, 8, 9, 10]);
  });

  it('shares only between subscribers with the same filters, each getting its own transitions', async () => {
    const s = setup();
    const hub = s.hub();
    const all = new Subscriber(hub);
    const toA = new Subscriber(hub, { to: 'a' });
    const toA2 = new Subscriber(hub, { to: 'a' });
    const quiet = new Subscriber(hub, { events: false });
    for (const sub of [all, toA, toA2, quiet]) await sub.drain();
    for (let n = 1; n <= 3; n++) {
      await s.journal.hooks.onIntent?.([delivery({ to: 'a' }), delivery({ to: 'b' })]);
      s.events.emit(() => thread('thread.created', n));
      await all.until((got) => seqs(got).length === n * 2 && eventsOf(got).length === n);
      for (const sub of [toA, toA2])
        await sub.until((got) => seqs(got).length === n && eventsOf(got).length === n);
      await quiet.until((got) => seqs(got).length === n * 2);
    }
    expect(seqs(all.items)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(seqs(toA.items)).toEqual([1, 3, 5]);
    expect(seqs(toA2.items)).toEqual([1, 3, 5]);
    expect(seqs(quiet.items)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(eventsOf(quiet.items)).toEqual([]);
    const items = (sub: Subscriber): object[] => changes(sub.items).map((i) => i.item);
    expect(items(toA2)).toEqual(items(toA));
    expect(items(toA2).every((item) => items(toA).includes(item))).toBe(true);
    expect(items(toA).some((item) => items(all).includes(item))).toBe(false);
    expect(items(quiet).some((item) => items(all).includes(item))).toBe(false);
  });
});
