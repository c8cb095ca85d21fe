import { basename } from 'node:path';
import type { Activity, ListenerActivity as ListenerFigures, RoutesResult } from '@organism/shared';
import type { Journal } from '../journal/journal.ts';
import type { MessagePump } from '../pump/message-pump.ts';
import type { LoadedOrganism } from './organism-loader.ts';
import type { ListenerActivity } from './listener-activity.ts';
import { listenerInfo } from './listener-info.ts';
import type { ListenerInfo } from './listener-info.ts';
import type { ListenerPauses } from './listener-pauses.ts';
import { mergeListenerActivity } from './merge-listener-activity.ts';
import type { RouteTracker } from './route-tracker.ts';

/** The routes the stream's activity items carry: those taken in the last 5 minutes. */
const ACTIVITY_WINDOW_SECONDS = 300;

export interface LiveListenersDeps {
  pump: MessagePump;
  journal: Journal;
  activity: ListenerActivity;
  routeTracker: RouteTracker;
  pauses: ListenerPauses;
  config: () => LoadedOrganism['config'];
}

/**
 * What the listeners are doing now, as the console shows it: each listener with its contract and
 * counts, the live figures the event stream's activity items carry, and the routes messages took. With
 * several engines on one journal, what the others share is added in.
 */
export class LiveListeners {
  constructor(private readonly deps: LiveListenersDeps) {}

  /** Every listener, system ones included, with its contract, limits and activity. */
  listeners(): ListenerInfo[] {
    const { pump, pauses, activity } = this.deps;
    const config = this.deps.config();
    // Named only when an included file declares it (organism.yaml declares the rest).
    const main = basename(config.file);
    const declared = new Map(
      config.listeners.flatMap((c) => (c.definedIn === main ? [] : [[c.name, c.definedIn] as const])),
    );
    const isolated = new Set(config.listeners.filter((c) => c.isolate === 'worker').map((c) => c.name));
    return [...pump.listeners.listeners()].map((l) =>
      listenerInfo(l, config.baseDir, activity.get(l.name), {
        inFlight: pump.inFlightFor(l.name),
        queued: pump.queuedFor(l.name),
        paused: pauses.get(l.name),
        definedIn: declared.get(l.name),
        isolate: isolated.has(l.name) ? 'worker' : 'none',
      }),
    );
  }

  /** The stream's activity item: every engine's listeners' figures and the last 5 minutes' routes. */
  activity(): Omit<Activity, 'at'> {
    const peers = this.deps.journal.peers?.peerActivity() ?? [];
    const listeners = mergeListenerActivity(
      this.own(),
      peers.flatMap((a) => (a.listeners ? [a.listeners] : [])),
    );
    return { listeners, routes: this.routes(ACTIVITY_WINDOW_SECONDS).routes };
  }

  /** This engine's listeners' live figures (what it shares with the others). */
  own(): ListenerFigures[] {
    const { pump, activity } = this.deps;
    return [...pump.listeners.listeners()].map((l) => {
      const c = activity.get(l.name);
      return {
        name: l.name,
        state: pump.isPaused(l.name) ? ('paused' as const) : c.state,
        inFlight: pump.inFlightFor(l.name),
        queued: pump.queuedFor(l.name),
        received: c.received,
        failed: c.failed,
        lastActivityAt: c.lastActivityAt,
        lastFailedAt: c.lastFailedAt,
      };
    });
  }

  /**
   * The routes messages took in the last `windowSeconds`, kept in memory since the engine started, with
   * what the other running engines sharing the journal counted added in.
   */
  routes(windowSeconds: number): RoutesResult {
    const peers = this.deps.journal.peers?.peerActivity() ?? [];
    return this.deps.routeTracker.routes(
      windowSeconds,
      peers.flatMap((a) => (a.routes ? [a.routes] : [])),
    );
  }
}
