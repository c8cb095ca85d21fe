import type { Away } from './engine-stream';

/** What the console says of the engine's state, and whether the figures beside it are its latest. */
export interface ShownState {
  word: string;
  tone: 'running' | 'other' | 'away';
  /** False while the engine is away: the status on screen is from before, and says so on hover. */
  current: boolean;
  title?: string;
}

/**
 * The colour of the engine's state word, the same in the top bar and on the Operations page: running
 * green, anything else (draining, stopping, restarting, not answering) amber, as the banner that says the
 * engine is away.
 */
export function stateToneClass(tone: ShownState['tone']): string {
  return tone === 'running' ? 'text-acked' : 'text-rejected';
}

/**
 * The engine's state as the top bar and the Operations page say it. While the engine is away (from the
 * first `away` until the stream is live again, through the reconnect attempts between) the last status
 * no longer holds: an engine that went away after draining is restarting (or stopped, without a
 * supervisor to start it again), any other is not answering. A status fetched since it went away is the
 * engine's own word again (the next engine answering before the stream is back).
 *
 * A drain the stream told of (`drain.since`) is said at once, before a status says it: draining while the
 * stream is connected, restarting (or stopped) once it is not, without the grace `away` waits for (an
 * engine that drained exits; the next one may answer within that grace, and the restart would go unsaid).
 */
export function shownEngineState(
  status: { state: string; supervised?: boolean } | undefined,
  statusAt: number,
  away: Away | undefined,
  drain?: { since: number | undefined; connected: boolean },
): ShownState | undefined {
  if (!status) return undefined;
  if (!away && drain?.since !== undefined && (statusAt < drain.since || status.state === 'draining')) {
    if (drain.connected) return { word: 'draining', tone: 'other', current: true };
    return stoppedOrRestarting(
      status.supervised,
      `last known: ${status.state}; the engine drained at ${new Date(drain.since).toLocaleTimeString()}`,
    );
  }
  if (!away || statusAt > away.since)
    return { word: status.state, tone: status.state === 'running' ? 'running' : 'other', current: true };
  const title = `last known: ${status.state}; the engine has not answered since ${new Date(away.since).toLocaleTimeString()}`;
  if (away.afterDrain || status.state === 'draining' || status.state === 'stopped')
    return stoppedOrRestarting(status.supervised, title);
  return { word: 'not answering', tone: 'away', current: false, title };
}

/** An engine gone after a drain: restarting under a supervisor, stopped without one. */
function stoppedOrRestarting(supervised: boolean | undefined, title: string): ShownState {
  return supervised === false
    ? {
        word: 'stopped',
        tone: 'away',
        current: false,
        title: `${title} (it drained and stopped; nothing starts it again)`,
      }
    : {
        word: 'restarting',
        tone: 'away',
        current: false,
        title: `${title} (it drained; its supervisor starts the next engine)`,
      };
}
