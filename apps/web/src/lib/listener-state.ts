import type { ListenerState } from '@organism/shared';

/** How long a listener shows as failing after a delivery to it failed, whatever its next delivery did. */
export const FAILING_FOR_MS = 15_000;

/**
 * The state the console shows for a listener. The engine's is its last delivery's outcome, so a listener
 * that fails now and then (one message in five) would go from error to idle and back from second to
 * second, one page catching it in one state and the next in the other. It shows error from a failure
 * until 15 s have passed without another; paused stays paused, and processing is the engine's word while
 * nothing failed lately.
 */
export function shownState(
  l: { state: ListenerState; lastFailedAt: number | null },
  now: number,
): ListenerState {
  if (l.state === 'paused' || l.lastFailedAt === null) return l.state;
  return now - l.lastFailedAt < FAILING_FOR_MS ? 'error' : l.state;
}

/**
 * The time a listener's shown state is read at: now, or while the engine is away (`awaySince`: when it
 * was last heard), then. Its figures are the last it gave, so an error 10 s before an outage does not fade
 * to idle in the middle of it, though nothing new is known.
 */
export function stateClock(now: number, awaySince: number | undefined): number {
  return awaySince === undefined ? now : Math.min(now, awaySince);
}
