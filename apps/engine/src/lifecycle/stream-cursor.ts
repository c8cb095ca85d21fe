import type { RoutedTransition, TransitionState } from '@organism/shared';

/** What one subscriber of the event stream asks for (the parsed `events.stream` input). */
export interface StreamRequest {
  lastEventId?: string | null | undefined;
  threadId?: string | undefined;
  to?: string | undefined;
  from?: string | undefined;
  participant?: string | undefined;
  root?: string | undefined;
  states?: readonly TransitionState[] | undefined;
  /** Engine events and activity too (default true); transitions always. */
  events?: boolean | undefined;
}

/**
 * Where a subscriber is: the last journal sequence number and the last engine-event number it has been
 * past. Both only grow along the stream, so the pair orders every item and resumes without gaps or repeats.
 */
export interface Cursor {
  s: number;
  e: number;
}

/** `<epoch>.<seq>.<event>`: opaque to clients; the epoch names the engine process that numbered the events. */
export function formatId(epoch: string, c: Cursor): string {
  return `${epoch}.${c.s}.${c.e}`;
}

export type ParsedId =
  | { kind: 'none' }
  | { kind: 'cursor'; epoch: string; s: number; e: number }
  /** A bare journal sequence number (the stream's ids before engine events joined it). */
  | { kind: 'seq'; s: number }
  | { kind: 'invalid' };

export function parseId(id: string | null | undefined): ParsedId {
  if (!id) return { kind: 'none' };
  if (/^\d{1,15}$/.test(id)) return { kind: 'seq', s: Number(id) };
  const m = /^([a-z0-9]{1,40})\.(\d{1,15})\.(\d{1,15})$/.exec(id);
  if (!m) return { kind: 'invalid' };
  return { kind: 'cursor', epoch: m[1] ?? '', s: Number(m[2]), e: Number(m[3]) };
}

/** The request's transition filters as one test (all must hold; none given: every transition). */
export function transitionFilter(r: StreamRequest): (t: RoutedTransition) => boolean {
  const states = r.states ? new Set<string>(r.states) : undefined;
  return (t) =>
    (!r.threadId || t.threadId === r.threadId) &&
    (!r.to || t.to === r.to) &&
    (!r.from || t.from === r.from) &&
    (!r.participant || t.to === r.participant || t.from === r.participant) &&
    (!r.root || t.root === r.root) &&
    (!states || states.has(t.state));
}

/** The request's filters as a key: subscribers with equal keys see the same transitions. */
export function viewOf(r: StreamRequest): string {
  return JSON.stringify([r.threadId, r.to, r.from, r.participant, r.root, r.states]);
}
