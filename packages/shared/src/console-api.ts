import type { EngineErrorCode, Problem } from './errors.ts';
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

/**
 * What an element's or attribute's text is held to: its simple type's facets (each restriction step's,
 * the narrowest kept), and a default or fixed value. Patterns come one list per derivation step: a value
 * matches one pattern of every step. For a list type (`list`), the length facets count its items and
 * `items` holds what each item is held to.
 */
export interface ValueConstraints {
  enumeration?: string[];
  patterns?: string[][];
  minInclusive?: string;
  maxInclusive?: string;
  minExclusive?: string;
  maxExclusive?: string;
  length?: number;
  minLength?: number;
  maxLength?: number;
  totalDigits?: number;
  fractionDigits?: number;
  list?: boolean;
  /** A list's items' own constraints. */
  items?: ValueConstraints;
  default?: string;
  fixed?: string;
}

/** One attribute an element of a listener's contract may carry. */
export interface ElementAttribute {
  name: string;
  type: string | null;
  required: boolean;
  documentation: string | null;
  /** Null when its value is held to nothing beyond its type. */
  constraints: ValueConstraints | null;
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
  /** What its text is held to (simple content); null when nothing beyond its type. */
  constraints: ValueConstraints | null;
}

export interface ElementsResult {
  roots: ElementNode[];
}

/**
 * Dead letters (FAILED entries) with one listener and one error code. `to` is the listener an entry names:
 * input refused before it named one has `to: null`, input refused at a listener's door shares its name.
 */
export interface DeadLetterGroup {
  to: string | null;
  errorCode: string | null;
  count: number;
  /**
   * How many of them are refused input (rejected at intake: kind `rejected`, nothing to retry); the rest
   * are deliveries whose retries ran out. `refused === count` for a group of refused input only.
   */
  refused: number;
  /** When the oldest and newest of them failed (ms since the epoch). */
  firstAt: number;
  lastAt: number;
  /** The newest of them. */
  sampleId: string;
}

export interface DeadLettersResult {
  /** Dead letters matching the filter, in every group (also those past the limit). */
  total: number;
  /** Biggest groups first. */
  groups: DeadLetterGroup[];
}

/** The most ids a bulk retry answers with (`RetryManyOutcome.ids`): 10,000 of 36 characters, 390 KB. */
export const RETRIED_IDS_MAX = 10_000;

/** What a bulk retry or discard would touch (dry run) or touched. */
export interface RetryManyOutcome {
  count: number;
  /** Up to 5 of the entries, oldest first. */
  sample: MessageSummary[];
  /**
   * A retry's, not a dry run's: the ids it retried (queued again, or failed at once when their listener
   * is gone), the first `RETRIED_IDS_MAX` of them, so that a console can follow how they fare (`count`
   * says how many in all).
   */
  ids?: string[];
}
export type DiscardManyOutcome = Omit<RetryManyOutcome, 'ids'>;

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
  /** Deliveries waiting for it, PENDING in the journal (all of them wait while it is paused). */
  queued: number;
  received: number;
  failed: number;
  lastActivityAt: number | null;
  /**
   * When a delivery to it last failed (ms), or null. Its `state` is its last delivery's outcome, so a
   * listener that fails now and then goes from error to idle and back; the console reads this instead
   * to show it failing for a while after each failure.
   */
  lastFailedAt: number | null;
}

/** Pushed about once a second while anyone subscribes and something changed. */
export interface Activity {
  at: number;
  listeners: ListenerActivity[];
  /** Routes taken in the last 5 minutes. */
  routes: RouteStats[];
}

/**
 * `messages.check`: a payload checked against a listener's contract without sending it. Problems carry the
 * line and column of the text as written.
 */
export type PayloadCheck =
  { ok: true; root: string } | { ok: false; code: EngineErrorCode; message: string; problems: Problem[] };

/**
 * `messages.byId`'s links between console republishes: the message this one was sent again from, and
 * the messages sent again from this one (oldest first, at most 50), each with who and when.
 */
export interface MessageProvenance {
  republishOf: { id: string; by: string; at: number } | null;
  republishedAs: { id: string; by: string; at: number }[];
}
