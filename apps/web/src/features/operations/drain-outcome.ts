import type { DrainEvent } from '@organism/shared';
import { formatCount, formatDuration } from '@/lib/format';

/** "50 waiting for paused greeter, 3 for paused shouter" */
function waitingPaused(d: DrainEvent): string {
  return d.waitingPaused
    .map((w, i) => `${formatCount(w.queued)} ${i === 0 ? 'waiting ' : ''}for paused ${w.listener}`)
    .join(', ');
}

/**
 * How a drain ended, from its last figures: drained in how long; or, when work was left, what it was and
 * why it stays in the journal (it waits for a paused listener, or the drain's time ran out).
 */
export function drainOutcome(d: DrainEvent): string {
  const took = formatDuration(d.elapsedMs);
  const paused = waitingPaused(d);
  const pausedCount = d.waitingPaused.reduce((n, w) => n + w.queued, 0);
  // The last event says how it ended; without it (the figures before the last), the figures tell.
  const ended =
    d.ended ??
    (d.inFlight + d.queued === 0
      ? 'drained'
      : d.inFlight === 0 && d.queued === pausedCount
        ? 'paused'
        : 'timeout');
  if (ended === 'drained') return `drained in ${took}`;
  if (ended === 'paused')
    return `drained in ${took}; ${paused} ${pausedCount === 1 ? 'stays' : 'stay'} in the journal until resumed`;
  const unfinished = [
    d.inFlight > 0 ? `${formatCount(d.inFlight)} in flight` : '',
    d.queued > pausedCount ? `${formatCount(d.queued - pausedCount)} queued` : '',
    paused,
  ].filter(Boolean);
  return `out of time after ${formatDuration(d.elapsedMs)}: ${unfinished.join(', ')} stay in the journal for the next engine`;
}

/** The engine's work in hand, as its status and each drain event count it. */
export type WorkFigures = Pick<DrainEvent, 'inFlight' | 'queued' | 'openThreads'>;

/**
 * The figures to show beside the engine's state: its status's, or a drain's when one came later (a drain
 * counts every half second; the status is read every few seconds, and not at all once the engine is away).
 */
export function latestFigures(
  status: WorkFigures,
  statusAt: number,
  drain: { figures: WorkFigures; at: number } | undefined,
): WorkFigures {
  return drain && drain.at > statusAt ? drain.figures : status;
}
