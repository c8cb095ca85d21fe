import { expect, it } from 'vitest';
import type { ListenerInfo } from '@/lib/live-listeners';
import { failingNow } from './use-failing';
import type { FailureSightings } from './use-failing';

/** A clock well past 0, as Date.now() is. */
const T = 1_700_000_000_000;
const listener = (name: string, failed: number, state = 'idle'): ListenerInfo =>
  ({ name, failed, state }) as ListenerInfo;

it('marks a listener failing for 15 s after its failure count grows, and not after', () => {
  const seen: FailureSightings = new Map();
  expect(failingNow(seen, [listener('a', 2)], [], T + 0)).toEqual(new Set());
  expect(failingNow(seen, [listener('a', 3)], [], T + 1_000)).toEqual(new Set(['a']));
  expect(failingNow(seen, [listener('a', 3)], [], T + 15_999)).toEqual(new Set(['a']));
  expect(failingNow(seen, [listener('a', 3)], [], T + 16_000)).toEqual(new Set());
});

it('starts over when the count goes down (the engine restarted): nothing failed since', () => {
  const seen: FailureSightings = new Map();
  failingNow(seen, [listener('a', 2)], [], T + 0);
  expect(failingNow(seen, [listener('a', 18)], [], T + 1_000)).toEqual(new Set(['a']));
  expect(failingNow(seen, [listener('a', 0)], [], T + 2_000)).toEqual(new Set());
  expect(failingNow(seen, [listener('a', 1)], [], T + 3_000)).toEqual(new Set(['a']));
});

it('counts a listener first seen with dead letters on a route into it, and one in the error state', () => {
  const seen: FailureSightings = new Map();
  const routes = [{ from: 'x', to: 'a', failed: 1, count: 1, perSecond: 0, lastAt: T }];
  expect(failingNow(seen, [listener('a', 5), listener('b', 0, 'error')], routes, T + 0)).toEqual(
    new Set(['a', 'b']),
  );
});
