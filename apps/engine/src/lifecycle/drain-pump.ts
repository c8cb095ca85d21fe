import type { MessagePump } from '../pump/message-pump.ts';

/**
 * Waits up to `drainMs` for the pump to go quiet (intake is already paused), emitting a `drain` progress
 * event at once, every half second and at the end. Resolves whether everything finished in time.
 */
export async function drainPump(pump: MessagePump, drainMs: number): Promise<boolean> {
  const started = Date.now();
  const progress = (): void => {
    const s = pump.stats();
    pump.events.emit(() => ({
      type: 'drain',
      at: Date.now(),
      openThreads: s.openThreads,
      inFlight: s.inFlight,
      queued: s.queued,
      elapsedMs: Date.now() - started,
      deadlineMs: drainMs,
    }));
  };
  progress();
  const ticker = setInterval(progress, 500);
  let timer: NodeJS.Timeout | undefined;
  const drained = await Promise.race([
    pump.whenQuiet().then(() => true),
    new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), drainMs))),
  ]);
  clearTimeout(timer);
  clearInterval(ticker);
  progress();
  return drained;
}
