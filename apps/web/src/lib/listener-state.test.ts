import { expect, it } from 'vitest';
import { FAILING_FOR_MS, shownState } from './listener-state';

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
