import type { RetryPolicy } from './listener.ts';

/**
 * Delay before retry number `attempt` (1 = the first retry): exponential from `initialDelayMs`,
 * capped at `maxDelayMs`, with "equal jitter" (half fixed, half random) so retries of many
 * messages that failed together spread out instead of returning in a herd.
 */
export function backoffDelay(
  policy: RetryPolicy,
  attempt: number,
  random: () => number = Math.random,
): number {
  const exp = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exp / 2 + random() * (exp / 2));
}
