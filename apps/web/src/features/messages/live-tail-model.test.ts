import type { RoutedTransition } from '@organism/shared';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { statsOf, TailKeeper, TailModel } from './live-tail-model.ts';

let seq = 0;
const t = (messageId: string, to: string, state: RoutedTransition['state']): RoutedTransition => ({
  seq: ++seq,
  messageId,
  threadId: 'th',
  from: 'traffic',
  to,
  root: '{}x',
  kind: 'ingress',
  state,
  attempt: 1,
  errorCode: null,
  detail: null,
  at: seq,
});

describe('TailModel', () => {
  it('counts every transition it reads, and apart those of the messages its filter shows', () => {
    const tail = new TailModel(100, { to: 'greeter' });
    for (const [id, to] of [
      ['a', 'greeter'],
      ['b', 'shouter'],
      ['c', 'shouter'],
    ] as const) {
      tail.apply(t(id, to, 'PENDING'));
      tail.apply(t(id, to, 'DISPATCHED'));
      tail.apply(t(id, to, 'ACKED'));
    }
    expect(tail.received).toBe(9);
    expect(tail.shown).toBe(3);
    expect(tail.snapshot().map((r) => [r.id, r.state])).toEqual([['a', 'ACKED']]);
  });
});

describe('TailModel of one thread', () => {
  it('shows only the messages of the thread its filter names', () => {
    const tail = new TailModel(100, { threadId: 'th' });
    tail.apply(t('a', 'greeter', 'PENDING'));
    tail.apply({ ...t('b', 'greeter', 'PENDING'), threadId: 'other' });
    expect(tail.snapshot().map((r) => r.id)).toEqual(['a']);
  });
});

/** An event stream by hand: `send` hands a transition to every subscriber. */
function stream() {
  const fns = new Set<(t: RoutedTransition) => void>();
  return {
    subscribe: (fn: (t: RoutedTransition) => void) => {
      fns.add(fn);
      return () => void fns.delete(fn);
    },
    send: (x: RoutedTransition) => fns.forEach((fn) => fn(x)),
    get subscribers() {
      return fns.size;
    },
  };
}

describe('TailKeeper', () => {
  afterEach(() => vi.useRealTimers());

  it('reads on while no page shows the tail, and gives it back as it was, pause and all', () => {
    vi.useFakeTimers();
    const s = stream();
    const keeper = new TailKeeper(s.subscribe, 100, 60_000);
    const tail = keeper.take('{}', {});
    let drawn = 0;
    const stop = tail.watch(() => drawn++);
    s.send(t('a', 'greeter', 'PENDING'));
    expect(drawn).toBe(1);
    tail.paused = { at: 1, stats: statsOf(tail.model), rows: tail.model.snapshot() };
    // The page is left: nothing draws, the tail reads on.
    stop();
    keeper.release('{}');
    s.send(t('b', 'greeter', 'PENDING'));
    expect(drawn).toBe(1);
    vi.advanceTimersByTime(59_000);
    const again = keeper.take('{}', {});
    expect(again).toBe(tail);
    expect(again.paused?.rows.map((r) => r.id)).toEqual(['a']);
    expect(again.model.snapshot().map((r) => r.id)).toEqual(['b', 'a']);
    expect(again.model.gaps).toBe(0);
    // Taken again before its time ran out: it is not let go later either.
    vi.advanceTimersByTime(120_000);
    expect(keeper.size).toBe(1);
    expect(s.subscribers).toBe(1);
  });

  it('lets an unseen tail go after its time, and at once when other filters are taken', () => {
    vi.useFakeTimers();
    const s = stream();
    const keeper = new TailKeeper(s.subscribe, 100, 60_000);
    keeper.take('{}', {});
    keeper.release('{}');
    vi.advanceTimersByTime(60_000);
    expect(keeper.size).toBe(0);
    expect(s.subscribers).toBe(0);
    expect(keeper.take('{}', {}).model.received).toBe(0);

    keeper.release('{}');
    const other = keeper.take('{"to":"greeter"}', { to: 'greeter' });
    expect(keeper.size).toBe(1);
    expect(s.subscribers).toBe(1);
    s.send(t('c', 'greeter', 'PENDING'));
    expect(other.model.snapshot().map((r) => r.id)).toEqual(['c']);
  });
});
