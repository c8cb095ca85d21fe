import type { DrainEvent } from '@organism/shared';
import type { MessagePump } from '../pump/message-pump.ts';

/**
 * Waits up to `drainMs` for the pump to go quiet (intake is already paused), emitting a `drain` progress
 * event at once, every half second and at the end (saying how it ended, and what waits for paused
 * listeners). Resolves whether everything finished in time (work waiting only for a paused listener
 * counts as finished: it cannot move until someone resumes it).
 */
export async function drainPump(pump: MessagePump, drainMs: number): Promise<boolean> {
  const started = Date.now();
  const progress = (ended?: DrainEvent['ended']): void => {
    const s = pump.stats();
    pump.events.emit(() => ({
      type: 'drain',
      at: Date.now(),
      openThreads: s.openThreads,
      inFlight: s.inFlight,
      queued: s.queued,
      waitingPaused: pump.waitingPaused(),
      elapsedMs: Date.now() - started,
      deadlineMs: drainMs,
      ...(ended ? { ended } : {}),
    }));
  };
  progress();
  const ticker = setInterval(() => progress(), 500);
  let timer: NodeJS.Timeout | undefined;
  // Paused listeners' queues never empty by themselves: once nothing else can move, the drain is over
  // (their deliveries stay PENDING in the journal and the next start queues them, still paused).
  let pausedOnly: NodeJS.Timeout | undefined;
  const drained = await Promise.race([
    pump.whenQuiet().then(() => true),
    new Promise<boolean>((resolve) => {
      const check = (): void => {
        if (pump.onlyPausedLeft) resolve(true);
        else pausedOnly = setTimeout(check, 50);
      };
      check();
    }),
    new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), drainMs))),
  ]);
  clearTimeout(timer);
  clearTimeout(pausedOnly);
  clearInterval(ticker);
  const left = pump.stats();
  progress(!drained ? 'timeout' : left.queued + left.inFlight === 0 ? 'drained' : 'paused');
  return drained;
}
