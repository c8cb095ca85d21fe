import { describe, expect, it } from 'vitest';
import type { ThreadId } from '@organism/shared';
import { ThreadRegistry } from './thread-registry.ts';

const T = 't1' as ThreadId;

describe('ThreadRegistry', () => {
  it('ends a thread when its last delivery settles, failed if any was a dead letter', () => {
    const ended: [ThreadId, string][] = [];
    const threads = new ThreadRegistry((id, outcome) => ended.push([id, outcome]));
    expect(threads.add(T, 2)).toBe(true);
    expect(threads.add(T, 1)).toBe(false);
    expect(threads.settle(T, true)).toBeUndefined();
    expect(threads.settle(T, false)).toBeUndefined();
    expect(threads.settle(T, false)).toBe('failed');
    expect(ended).toEqual([[T, 'failed']]);
    expect(threads.has(T)).toBe(false);
  });

  it('ends a thread whose deliveries were never recorded without telling anyone', () => {
    const ended: ThreadId[] = [];
    const threads = new ThreadRegistry((id) => ended.push(id));
    threads.add(T, 1);
    expect(threads.settle(T, false, false)).toBe('completed');
    expect(ended).toEqual([]);
    expect(threads.size).toBe(0);
  });

  it('keeps a killed thread killed until it ends, and never marks one that is not open', () => {
    const threads = new ThreadRegistry();
    threads.kill(T);
    expect(threads.killed(T)).toBe(false);
    threads.add(T, 2);
    threads.kill(T);
    expect(threads.killed(T)).toBe(true);
    threads.settle(T, true);
    expect(threads.killed(T)).toBe(true);
    threads.drop(T);
    expect(threads.killed(T)).toBe(false);
    // The same id opened again is a new thread, not a killed one.
    threads.add(T, 1);
    expect(threads.killed(T)).toBe(false);
  });

  it('wakes those waiting for quiet once the last open thread ends or leaves', async () => {
    const threads = new ThreadRegistry();
    await threads.whenQuiet();
    const other = 't2' as ThreadId;
    threads.add(T, 1);
    threads.add(other, 1);
    let quiet = false;
    const waiting = threads.whenQuiet().then(() => (quiet = true));
    threads.settle(T, false);
    await Promise.resolve();
    expect(quiet).toBe(false);
    threads.drop(other);
    await waiting;
    expect(quiet).toBe(true);
  });

  it('counts hops against the budget for as long as the thread is open', () => {
    const threads = new ThreadRegistry();
    threads.add(T, 3);
    expect(threads.overBudget(T, 1, 4)).toBeUndefined();
    expect(threads.overBudget(T, 2, 4)).toMatch(/has made 3 deliveries; the limit is 4/);
    expect(threads.overBudget(T, 0, 1)).toBeUndefined();
  });
});
