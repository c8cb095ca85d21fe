import type { MessageState, TransitionState } from '@organism/shared';
import type { Delivery } from '../../pump/delivery.ts';
import { loggedAttempt } from '../entry-changes.ts';
import { newEntryRow } from '../entry-record.ts';
import type { EntryRow, ThreadRow, TransitionRow } from '../entry-record.ts';
import { JournalError } from '../journal-error.ts';

export type ErrorInfo = { code: string; detail: string | null } | null;

/**
 * The memory journal's three tables and its writes, mirroring sqlite/statements.ts so both journals
 * walk the same states, keep the same thread rows and log the same transitions.
 */
export class MemoryStore {
  readonly messages = new Map<string, EntryRow>();
  readonly threads = new Map<string, ThreadRow>();
  /** The event log, in seq order; seqs are never reused (SQLite AUTOINCREMENT). */
  transitions: TransitionRow[] = [];
  private seq = 0;
  /** Called after every transition logged, while someone watches the journal's writes. */
  logged: (() => void) | undefined;

  /** The highest sequence number given so far (never goes down, like SQLite's AUTOINCREMENT mark). */
  get headSeq(): number {
    return this.seq;
  }

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
    const row = newEntryRow(d, now);
    this.insert(row);
    this.log(d.id, d.threadId, row.state, d.attempt, now, null);
  }

  insert(r: EntryRow): void {
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
    note: string | null = null,
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
    this.log(id, threadId, state, loggedAttempt(state, attempt), now, error, note);
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
    note: string | null = null,
  ): void {
    this.transitions.push({
      seq: ++this.seq,
      messageId,
      threadId,
      state,
      attempt,
      errorCode: error?.code ?? null,
      detail: error?.detail ?? note,
      at,
    });
    this.logged?.();
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
