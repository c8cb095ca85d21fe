import type Database from 'better-sqlite3';
import type { Delivery } from '../../pump/delivery.ts';
import { newEntryRow } from '../entry-record.ts';
import type { EntryRow } from '../entry-record.ts';

/** The hot path's prepared statements: compiled once, bound per message. */
export class Statements {
  private readonly insert: Database.Statement;
  private readonly update: Database.Statement;
  private readonly log: Database.Statement;
  private readonly thread: Database.Statement;

  /** `onLog` hears of every transition appended (the journal's rates count them). */
  constructor(
    sqlite: Database.Database,
    private readonly onLog: (state: string, at: number) => void = () => {},
  ) {
    this.insert = sqlite.prepare(
      `INSERT INTO messages (id, thread_id, parent_id, from_name, to_name, root, kind, chain, payload, raw, state, attempts,
         error_code, error_detail, next_attempt_at, egress, created_at, updated_at)
       VALUES (@id, @threadId, @parentId, @from, @to, @root, @kind, @chain, @payload, @raw, @state, @attempts,
         @errorCode, @errorDetail, @nextAttemptAt, @egress, @createdAt, @updatedAt)`,
    );
    this.update = sqlite.prepare(
      `UPDATE messages SET state = ?, attempts = ?, error_code = ?, error_detail = ?, next_attempt_at = ?, updated_at = ? WHERE id = ?`,
    );
    this.log = sqlite.prepare(
      `INSERT INTO transitions (message_id, thread_id, state, attempt, error_code, detail, at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    this.thread = sqlite.prepare(
      `INSERT INTO threads (id, first_at, last_at, messages) VALUES (?, ?, ?, ?)
       ON CONFLICT(id) DO UPDATE SET last_at = max(last_at, excluded.last_at), messages = messages + excluded.messages`,
    );
  }

  /** A new delivery: PENDING (or ACKED for egress, which is never dispatched). */
  add(d: Delivery, now: number): void {
    const row = newEntryRow(d, now);
    this.insertRow(row);
    this.append(d.id, d.threadId, row.state, d.attempt, now, null);
  }

  insertRow(row: EntryRow): void {
    // The thread first: the insert trigger (migration 0004) counts the entry into its thread's row.
    if (row.threadId) this.thread.run(row.threadId, row.createdAt, row.updatedAt, 1);
    // better-sqlite3 binds numbers, not booleans.
    this.insert.run({ ...row, egress: row.egress ? 1 : 0 });
  }

  /** Moves an entry to `state` and appends the transition to the event log. */
  move(
    id: string,
    threadId: string | null,
    state: string,
    attempt: number,
    now: number,
    error: { code: string; detail: string | null } | null = null,
    nextAttemptAt: number | null = null,
  ): void {
    this.update.run(state, attempt, error?.code ?? null, error?.detail ?? null, nextAttemptAt, now, id);
    this.append(id, threadId, state, attempt, now, error);
    if (threadId) this.thread.run(threadId, now, now, 0);
  }

  /** Appends a transition without touching the entry (FAILED before a retry, DISCARDED). */
  logOnly(
    id: string,
    threadId: string | null,
    state: string,
    attempt: number,
    now: number,
    error: { code: string; detail: string | null } | null,
  ): void {
    this.append(id, threadId, state, attempt, now, error);
  }

  private append(
    id: string,
    threadId: string | null,
    state: string,
    attempt: number,
    now: number,
    error: { code: string; detail: string | null } | null,
  ): void {
    this.log.run(id, threadId, state, attempt, error?.code ?? null, error?.detail ?? null, now);
    this.onLog(state, now);
  }
}
