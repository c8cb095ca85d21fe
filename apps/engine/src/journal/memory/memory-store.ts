import type { MessageState, Transition, TransitionState } from '@organism/shared';
import type { Delivery } from '../../pump/delivery.ts';
import { JournalError } from '../journal-error.ts';

/** One journal entry: the same fields as a row of the SQLite `messages` table. */
export interface MessageRecord {
  id: string;
  threadId: string | null;
  parentId: string | null;
  from: string | null;
  to: string | null;
  root: string | null;
  kind: string;
  chain: readonly string[];
  payload: string | null;
  raw: string | null;
  state: MessageState;
  attempts: number;
  errorCode: string | null;
  errorDetail: string | null;
  nextAttemptAt: number | null;
  egress: boolean;
  createdAt: number;
  updatedAt: number;
}

/** A thread as the SQLite `threads` table keeps it: a running count, not derived from live entries. */
export interface ThreadRecord {
  id: string;
  firstAt: number;
  lastAt: number;
  messages: number;
}

export type ErrorInfo = { code: string; detail: string | null } | null;

/**
 * The memory journal's three tables and its writes, mirroring sqlite/statements.ts so both journals
 * walk the same states, keep the same thread rows and log the same transitions.
 */
export class MemoryStore {
  readonly messages = new Map<string, MessageRecord>();
  readonly threads = new Map<string, ThreadRecord>();
  /** The event log, in seq order; seqs are never reused (SQLite AUTOINCREMENT). */
  transitions: Transition[] = [];
  private seq = 0;

  /** Throws, before anything is written, if an id is already journaled (the SQLite primary key). */
  assertNew(ds: readonly Delivery[]): void {
    const seen = new Set<string>();
    for (const d of ds) {
      if (this.messages.has(d.id) || seen.has(d.id))
        throw new JournalError('INTERNAL', `journal entry ${d.id} already exists`);
      seen.add(d.id);
    }
  }

  /** A new delivery: PENDING (or ACKED for egress, which is never dispatched). */
  add(d: Delivery, now: number): void {
    const state = d.egress ? 'ACKED' : 'PENDING';
    this.insert({
      id: d.id,
      threadId: d.threadId,
      parentId: d.parentId ?? null,
      from: d.from,
      to: d.to,
      root: d.root,
      kind: d.kind,
      chain: [...d.chain],
      payload: d.payloadXml,
      // As in SQLite: an accepted envelope's raw form only when rebuilding it would lose something.
      raw: d.envelopeXml ?? null,
      state,
      attempts: 0,
      errorCode: null,
      errorDetail: null,
      nextAttemptAt: null,
      egress: d.egress === true,
      createdAt: d.createdAt,
      updatedAt: now,
    });
    this.log(d.id, d.threadId, state, d.attempt, now, null);
  }

  insert(r: MessageRecord): void {
    this.messages.set(r.id, r);
    if (r.threadId) this.touchThread(r.threadId, r.createdAt, r.updatedAt, 1);
  }

  /** Moves an entry to `state` and appends the transition (logged even if the entry is gone, as in SQLite). */
  move(
    id: string,
    threadId: string | null,
    state: MessageState,
    attempt: number,
    now: number,
    error: ErrorInfo = null,
    nextAttemptAt: number | null = null,
  ): void {
    const r = this.messages.get(id);
    if (r) {
      r.state = state;
      r.attempts = attempt;
      r.errorCode = error?.code ?? null;
      r.errorDetail = error?.detail ?? null;
      r.nextAttemptAt = nextAttemptAt;
      r.updatedAt = now;
    }
    this.log(id, threadId, state, attempt, now, error);
    if (threadId) this.touchThread(threadId, now, now, 0);
  }

  /** Appends a transition without touching the entry (FAILED before a retry, DISCARDED). */
  log(
    messageId: string,
    threadId: string | null,
    state: TransitionState,
    attempt: number,
    at: number,
    error: ErrorInfo,
  ): void {
    this.transitions.push({
      seq: ++this.seq,
      messageId,
      threadId,
      state,
      attempt,
      errorCode: error?.code ?? null,
      detail: error?.detail ?? null,
      at,
    });
  }

  /** Deletes ACKED entries last updated before `cutoff`, their transitions and threads left empty. */
  pruneAcked(cutoff: number): number {
    const gone = new Set<string>();
    for (const r of this.messages.values()) if (r.state === 'ACKED' && r.updatedAt < cutoff) gone.add(r.id);
    if (gone.size > 0) this.transitions = this.transitions.filter((t) => !gone.has(t.messageId));
    for (const id of gone) this.messages.delete(id);
    const live = new Set<string>();
    for (const r of this.messages.values()) if (r.threadId) live.add(r.threadId);
    for (const id of this.threads.keys()) if (!live.has(id)) this.threads.delete(id);
    return gone.size;
  }

  /** The thread upsert: first sight sets firstAt, later ones only push lastAt forward. */
  private touchThread(id: string, firstAt: number, lastAt: number, added: number): void {
    const t = this.threads.get(id);
    if (!t) this.threads.set(id, { id, firstAt, lastAt, messages: added });
    else {
      t.lastAt = Math.max(t.lastAt, lastAt);
      t.messages += added;
    }
  }
}
