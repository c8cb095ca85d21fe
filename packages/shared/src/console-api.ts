import type { ListenerState } from './events.ts';
import type { MessageSummary, ThreadSummary } from './journal.ts';

/**
 * One route messages actually took (sender → listener, or listener → outside producer for egress) in a
 * time window, kept in memory by the engine from its events since it started.
 */
export interface RouteStats {
  /** A listener, or an outside producer's name (`traffic`, `console:admin`). */
  from: string;
  to: string;
  /** Deliveries that took the route in the window (each counted once, at its first attempt). */
  count: number;
  /** Of those, the ones that ended as dead letters (final failures) in the window. */
  failed: number;
  /** Deliveries per second over the last 10 s. */
  perSecond: number;
  /** When the route was last taken (ms since the epoch). */
  lastAt: number;
}

export interface RoutesResult {
  /** Start of the window (ms since the epoch): the later of the window's start and the engine's. */
  since: number;
  routes: RouteStats[];
}

/** One attribute an element of a listener's contract may carry. */
export interface ElementAttribute {
  name: string;
  type: string | null;
  required: boolean;
  documentation: string | null;
}

/** An element of a listener's contract as the XSD declares it, with its content model below it. */
export interface ElementNode {
  /** Local name (`*` for a wildcard, xs:any). */
  name: string;
  namespace: string | null;
  /** The declared type as written in the XSD (`xs:string`, `tns:Address`), or null for an anonymous type. */
  type: string | null;
  minOccurs: number;
  maxOccurs: number | 'unbounded';
  documentation: string | null;
  /** How the children combine: in order, one of them, or all in any order; null for simple content. */
  compositor: 'sequence' | 'choice' | 'all' | null;
  attributes: ElementAttribute[];
  children: ElementNode[];
  /** The element contains itself here; its children are those of the occurrence above. */
  recursive: boolean;
}

export interface ElementsResult {
  roots: ElementNode[];
}

/** Dead letters (FAILED entries) with one listener and one error code; rejected input has `to: null`. */
export interface DeadLetterGroup {
  to: string | null;
  errorCode: string | null;
  count: number;
  /** When the oldest and newest of them failed (ms since the epoch). */
  firstAt: number;
  lastAt: number;
  /** The newest of them. */
  sampleId: string;
  /**
   * Whether the newest of them is refused input (kind `rejected`: it never reached a handler and cannot be
   * retried), so a console tells such a group apart without reading its entries.
   */
  refused: boolean;
}

export interface DeadLettersResult {
  /** Dead letters matching the filter, in every group (also those past the limit). */
  total: number;
  /** Biggest groups first. */
  groups: DeadLetterGroup[];
}

/** What a bulk retry would touch (dry run) or touched. */
export interface RetryManyOutcome {
  count: number;
  /** Up to 5 of the entries, oldest first. */
  sample: MessageSummary[];
}

/** What the command palette finds for a piece of id or name. */
export interface FindResult {
  /** Exact id, or ids starting with the query (4 characters or more); at most 5. */
  messages: MessageSummary[];
  threads: ThreadSummary[];
  /** Listener names containing the query (any case). */
  listeners: string[];
}

/** One listener's live figures, as the stream's `activity` items carry them. */
export interface ListenerActivity {
  name: string;
  state: ListenerState;
  inFlight: number;
  received: number;
  failed: number;
  lastActivityAt: number | null;
}

/** Pushed about once a second while anyone subscribes and something changed. */
export interface Activity {
  at: number;
  listeners: ListenerActivity[];
  /** Routes taken in the last 5 minutes. */
  routes: RouteStats[];
}
