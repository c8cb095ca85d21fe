import type { EngineSummary, ListenerActivity, MessageState, SharedConfigSummary } from '@organism/shared';

/** One revision of the configuration engines sharing a journal follow. */
export interface SharedConfig extends SharedConfigSummary {
  /** Increases with every revision: the newest is the one to run. */
  revision: number;
  /** organism.yaml as written (`${VAR}` placeholders unresolved). */
  yaml: string;
  /** The files it includes: path relative to organism.yaml → text. */
  includes: Record<string, string>;
}

/** What an engine tells its peers about itself (each field only when given). */
export interface EngineReport {
  address?: string;
  configVersion?: string;
  /** Null once it runs the newest configuration. */
  configError?: string | null;
  supervised?: boolean;
}

/**
 * One route's traffic as an engine counted it: per slot (a second, or a minute in what it shares beyond
 * the last one; `seconds` holds each slot's first second, oldest first) the deliveries that took it and
 * the final failures (route-tracker.ts).
 */
export interface RouteSlots {
  from: string;
  to: string;
  seconds: number[];
  counts: number[];
  failures: number[];
  lastAt: number;
}

/**
 * What an engine counted lately, which it shares with its peers about once a second so that any engine's
 * console shows the whole organism's rates, routes and listeners (each part only when the engine gives it).
 */
export interface EngineActivity {
  /** Transitions per second into each state over the last minute, as its journal wrote them. */
  rates?: Record<MessageState, number>;
  /** Its routes since it started (ms since the epoch). */
  routes?: { since: number; routes: RouteSlots[] };
  /** Its listeners' live figures. */
  listeners?: ListenerActivity[];
}

/** A rolling restart under way (lifecycle/rolling-restart.ts): one at a time across the engines. */
export interface RestartPlan {
  id: number;
  /** The engine leading it. */
  leader: string;
  drainMs: number;
  /** On the engines' common clock (`EngineSummary.startedAt`'s): the engines started before restart. */
  startedAt: number;
}

/**
 * What engines sharing one journal (PostgreSQL, docs/scale-out.md) tell each other, beyond the journal
 * itself: who they are, the configuration they follow, pauses, and a rolling restart's requests. Every
 * watcher hears a peer's change at once (NOTIFY) or, if that was missed, within a second (a poll).
 */
export interface Peers {
  /** This engine's id. */
  readonly self: string;
  /** Every engine known, running first, then newest. */
  engines(): Promise<EngineSummary[]>;
  report(r: EngineReport): Promise<void>;

  /** This engine's `part` of its activity, which `fn` gives when asked (about once a second). */
  shareActivity<K extends keyof EngineActivity>(part: K, fn: () => EngineActivity[K]): void;
  /** What each other running engine shared last, as of the last look (at most about a second old). */
  peerActivity(): readonly EngineActivity[];

  /** Adds a revision; every other engine hears of it. */
  publishConfig(c: Omit<SharedConfig, 'revision' | 'engine' | 'at'>): Promise<void>;
  /** The newest revision, if one was ever published. */
  latestConfig(): Promise<SharedConfig | undefined>;
  /** `fn` runs when a peer published a revision. */
  onConfig(fn: () => void): () => void;

  /** Tells the others that the paused listeners (kept in the journal) changed. */
  pausesChanged(): Promise<void>;
  /** `fn` runs when a peer paused or resumed a listener. */
  onPauses(fn: () => void): () => void;

  /**
   * Records a rolling restart led by this engine. Rejects with CONFLICT while one is under way (its
   * leader alive, or not yet found dead and taken over).
   */
  beginRestart(drainMs: number): Promise<RestartPlan>;
  /** Records that the rolling restart ended: `done`, or why it stopped. */
  endRestart(id: number, outcome: string): Promise<void>;
  /** `fn` runs when this engine took over a rolling restart whose leader died or stopped. */
  onRestartOrphaned(fn: (plan: RestartPlan) => void): () => void;

  /** Asks `engine` to drain for up to `drainMs` and restart. */
  requestRestart(engine: string, drainMs: number): Promise<void>;
  /** `fn` runs once when a peer asked this engine to restart. */
  onRestartRequested(fn: (drainMs: number) => void): () => void;
}
