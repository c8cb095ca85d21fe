import { expect, it } from 'vitest';
import { FAILING_FOR_MS, shownState, stateClock } from './listener-state';

const T = 1_700_000_000_000;

it('shows error for 15 s after a failure, whatever the deliveries after it did, then the engine’s state', () => {
  const failed = { lastFailedAt: T };
  expect(shownState({ state: 'idle', ...failed }, T + 1_000)).toBe('error');
  expect(shownState({ state: 'processing', ...failed }, T + FAILING_FOR_MS - 1)).toBe('error');
  expect(shownState({ state: 'idle', ...failed }, T + FAILING_FOR_MS)).toBe('idle');
  expect(shownState({ state: 'processing', ...failed }, T + FAILING_FOR_MS)).toBe('processing');
});

it('keeps the engine’s error, a pause, and a listener that never failed as they are', () => {
  // Its last delivery failed an hour ago and none came since: that is still what it last did.
  expect(shownState({ state: 'error', lastFailedAt: T }, T + 3_600_000)).toBe('error');
  expect(shownState({ state: 'paused', lastFailedAt: T }, T + 1_000)).toBe('paused');
  expect(shownState({ state: 'processing', lastFailedAt: null }, T)).toBe('processing');
  expect(shownState({ state: 'idle', lastFailedAt: null }, T)).toBe('idle');
});

it('reads the state as of when the engine was last heard while it is away, however long the outage', () => {
  // Its last delivery went well: the engine's own word is idle, the console's error for a while.
  const calculator = { state: 'idle' as const, lastFailedAt: T };
  const lastHeard = T + 2_000;
  for (const now of [lastHeard + 1_000, lastHeard + FAILING_FOR_MS, lastHeard + 600_000])
    expect(shownState(calculator, stateClock(now, lastHeard))).toBe('error');
  // Back, the clock runs again.
  expect(stateClock(lastHeard + FAILING_FOR_MS, undefined)).toBe(lastHeard + FAILING_FOR_MS);
  expect(shownState(calculator, stateClock(lastHeard + FAILING_FOR_MS, undefined))).toBe('idle');
});
