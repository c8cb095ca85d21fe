import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff.ts';

describe('backoffDelay', () => {
  const policy = { maxAttempts: 10, initialDelayMs: 100, maxDelayMs: 1000 };
  it('doubles from the initial delay up to the cap, half fixed and half random', () => {
    expect([1, 2, 3, 4, 5].map((n) => backoffDelay(policy, n, () => 0))).toEqual([50, 100, 200, 400, 500]);
    expect([1, 2, 3, 4, 5].map((n) => backoffDelay(policy, n, () => 1))).toEqual([100, 200, 400, 800, 1000]);
  });
});
