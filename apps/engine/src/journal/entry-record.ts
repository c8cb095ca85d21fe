import type {
  MessageDetail,
  MessageId,
  MessageSummary,
  ThreadId,
  Transition,
  TransitionState,
} from '@organism/shared';
import { buildEnvelope } from '../pump/envelope/build-envelope.ts';
import type { Delivery, DeliveryKind, DispatchFailure } from '../pump/delivery.ts';
import type { FailureOutcome } from '../pump/dispatch-hooks.ts';
import type { RecoveryPlan } from './journal.ts';
import { JournalError } from './journal-error.ts';
import type { messages, threads, transitions } from './schema.ts';

/**
 * A journal entry, exactly as a row of the `messages` table (schema.ts): the SQLite journal reads and
 * writes it, the memory journal keeps it as is. The chain is its JSON text in both. SQLite's
 * `thread_row` (how a thread's entries are found) stays inside its statements.
 */
export type EntryRow = Omit<typeof messages.$inferSelect, 'threadRow'>;
/**
 * A thread as the `threads` table keeps it: a running count, not derived from live entries. Its `open`,
 * `failed` and `participants` columns are left out: SQLite's write statements keep them, the memory
 * journal derives them from its entries.
 */
export type ThreadRow = Omit<typeof threads.$inferSelect, 'open' | 'failed' | 'participants'>;
/**
 * One transition of the event log, as the `transitions` table keeps it; SQLite's `message_row` (how an
 * entry's transitions are found) stays inside the journal.
 */
export type TransitionRow = Omit<typeof transitions.$inferSelect, 'messageRow'>;

/** The row a new delivery starts as: PENDING, or ACKED for egress (recorded, never dispatched). */
export function newEntryRow(d: Delivery, now: number): EntryRow {
  return {
    id: d.id,
    threadId: d.threadId,
    parentId: d.parentId ?? null,
    from: d.from,
    to: d.to,
    root: d.root,
    kind: d.kind,
    chain: JSON.stringify(d.chain),
    payload: d.payloadXml,
    // An accepted envelope's raw form is kept only when rebuilding it would lose something (a signature).
    raw: d.envelopeXml ?? null,
    state: d.egress ? 'ACKED' : 'PENDING',
    attempts: 0,
    errorCode: null,
    errorDetail: null,
    nextAttemptAt: null,
    egress: d.egress === true,
    createdAt: d.createdAt,
    updatedAt: now,
  };
}

/**
 * An entry as its page shows it, with its transitions: the envelope as received when it was kept (a
 * signature), else rebuilt from the entry (refused input has none).
 */
export function toDetail(r: EntryRow, history: Transition[]): MessageDetail {
  return {
    ...toSummary(r),
    payloadXml: r.payload,
    envelopeXml:
      r.payload && r.threadId && r.from
        ? (r.raw ??
          buildEnvelope({
            from: r.from,
            to: r.to ?? '',
            threadId: r.threadId as ThreadId,
            payloadXml: r.payload,
          }))
        : null,
    raw: r.raw,
    errorDetail: r.errorDetail,
    nextAttemptAt: r.nextAttemptAt,
    transitions: history,
  };
}

/** The most of an error's first line a list shows. */
const ERROR_LINE_CHARS = 200;
/**
 * The most of an error's detail the journal keeps (a stack trace is a few KB): a handler's error can
 * carry what it was given, and each detail is kept twice (entry and transition) and held by the event
 * stream's ring for every console.
 */
export const MAX_DETAIL_CHARS = 16 * 1024;

/** `detail` as the journal keeps it: cut at MAX_DETAIL_CHARS, saying how much was left out. */
export function clipDetail(detail: string): string {
  if (detail.length <= MAX_DETAIL_CHARS) return detail;
  const left = detail.length - MAX_DETAIL_CHARS;
  return `${detail.slice(0, MAX_DETAIL_CHARS)}\n(${left.toLocaleString('en')} more characters not kept)`;
}

/** A detail's first non-blank line, cut at ERROR_LINE_CHARS (with an ellipsis), or null for none. */
export function firstLine(detail: string | null): string | null {
  const line = detail
    ?.split('\n')
    .find((l) => l.trim() !== '')
    ?.trim();
  if (!line) return null;
  return line.length > ERROR_LINE_CHARS ? `${line.slice(0, ERROR_LINE_CHARS - 1)}…` : line;
}

/** An entry as lists show it. */
export function toSummary(r: EntryRow): MessageSummary {
  return {
    id: r.id,
    threadId: r.threadId,
    parentId: r.parentId,
    from: r.from,
    to: r.to,
    root: r.root,
    kind: r.kind,
    state: r.state,
    attempts: r.attempts,
    errorCode: r.errorCode,
    errorLine: firstLine(r.errorDetail),
    egress: r.egress,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}

/** An entry handed back to the pump: its next attempt is one more than those already started. */
/** The columns `toDelivery` reads. */
export type DeliveryRow = Pick<
  EntryRow,
  | 'id'
  | 'threadId'
  | 'parentId'
  | 'from'
  | 'to'
  | 'root'
  | 'kind'
  | 'chain'
  | 'payload'
  | 'attempts'
  | 'createdAt'
>;

/** Code-unit order, which matches SQLite's BINARY collation for the ASCII ids the engine makes. */
export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The journal's order of entries: by creation time, then by id (as `ORDER BY created_at, id`). */
export const oldestFirst = (a: { createdAt: number; id: string }, b: { createdAt: number; id: string }) =>
  a.createdAt - b.createdAt || compare(a.id, b.id);

/** The latest failures' order: by when each last changed, newest first, then by id (`latestFailures`). */
export const lastFailedFirst = (a: { updatedAt: number; id: string }, b: { updatedAt: number; id: string }) =>
  b.updatedAt - a.updatedAt || compare(b.id, a.id);

export function toDelivery(r: DeliveryRow): Delivery {
  return {
    id: r.id as MessageId,
    threadId: r.threadId as ThreadId,
    from: r.from ?? '',
    to: r.to ?? '',
    chain: JSON.parse(r.chain) as string[],
    root: r.root ?? '',
    payloadXml: r.payload ?? '',
    kind: r.kind as DeliveryKind,
    ...(r.parentId ? { parentId: r.parentId as MessageId } : {}),
    attempt: r.attempts + 1,
    createdAt: r.createdAt,
  };
}

/** The writes a journal offers `recordFailure`. */
export interface TransitionWriter {
  move(
    id: string,
    threadId: string | null,
    state: EntryRow['state'],
    attempt: number,
    now: number,
    error?: { code: string; detail: string | null } | null,
    nextAttemptAt?: number | null,
  ): void;
  log(
    id: string,
    threadId: string | null,
    state: TransitionState,
    attempt: number,
    now: number,
    error: { code: string; detail: string | null } | null,
  ): void;
  add(outputs: readonly Delivery[]): void;
}

/**
 * A failed delivery, the same in every journal: with a retry ahead the failure is logged and the entry
 * goes back to PENDING for its next attempt; otherwise it becomes FAILED, a dead letter. The
 * SystemError outputs are recorded in the same step.
 */
export function recordFailure(
  w: TransitionWriter,
  d: Delivery,
  failure: DispatchFailure,
  outcome: FailureOutcome,
  now: number,
): void {
  const error = { code: failure.code, detail: clipDetail(failure.detail ?? failure.message) };
  // Outputs first, as for an acknowledgement (sqlite-journal.ts).
  w.add(outcome.outputs);
  if (outcome.retryAt !== undefined) {
    w.log(d.id, d.threadId, 'FAILED', d.attempt, now, error);
    w.move(d.id, d.threadId, 'PENDING', d.attempt, now, error, outcome.retryAt);
  } else {
    w.move(d.id, d.threadId, 'FAILED', d.attempt, now, error);
  }
}

/** Boot recovery's dead letters, the same in every journal: REDELIVERY_EXHAUSTED, with why. */
export function recordExhausted(w: Pick<TransitionWriter, 'move'>, plan: RecoveryPlan, now: number): void {
  for (const { delivery: d, detail } of plan.exhaust) {
    w.move(d.id, d.threadId, 'FAILED', d.attempt - 1, now, { code: 'REDELIVERY_EXHAUSTED', detail });
  }
}

/** `row`, or NOT_FOUND when there is no entry `id`: the same words in every journal. */
export function foundEntry(row: EntryRow | undefined, id: string): EntryRow {
  if (!row) throw new JournalError('NOT_FOUND', `no journal entry ${id}`);
  return row;
}

/** An entry as an operator's refusal names it: the first 8 characters of its id, as the console shows ids. */
export function shortEntryId(id: string): string {
  return id.slice(0, 8);
}

/**
 * Why an entry in `state` is no dead letter, for a retry or discard of it: a PENDING or DISPATCHED entry
 * is on its way, an ACKED one was delivered (the message actions add when someone retried it).
 */
export function notADeadLetter(id: string, state: string): string {
  const why = state === 'ACKED' ? 'it was delivered' : 'it is on its way to its listener';
  return `message ${shortEntryId(id)} is ${state} now, not a dead letter: ${why}`;
}

/** `row` as a delivery to run again, or NOT_RETRYABLE saying why it cannot be: every journal's rule. */
export function retryableDelivery(row: EntryRow): Delivery {
  if (row.state !== 'FAILED') throw new JournalError('NOT_RETRYABLE', notADeadLetter(row.id, row.state));
  if (!row.to || row.egress || row.kind === 'rejected') {
    throw new JournalError(
      'NOT_RETRYABLE',
      `message ${shortEntryId(row.id)} was refused at intake (${row.errorCode ?? 'invalid'}): it never reached a listener, so there is nothing to retry; discard it, or send a corrected message`,
    );
  }
  return toDelivery(row);
}

/**
 * CONFLICT unless `row` is a dead letter (FAILED): only those can be discarded. Not NOT_RETRYABLE: a
 * discard retries nothing; the entry's state now conflicts with it.
 */
export function assertDiscardable(row: EntryRow): void {
  if (row.state !== 'FAILED') throw new JournalError('CONFLICT', notADeadLetter(row.id, row.state));
}
