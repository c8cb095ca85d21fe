import type Database from 'better-sqlite3';
import type { Delivery } from '../../pump/delivery.ts';
import { newEntryRow } from '../entry-record.ts';
import type { EntryRow } from '../entry-record.ts';
import { payloadText } from '../search/payload-text.ts';

const isOpen = (state: string): number => (state === 'PENDING' || state === 'DISPATCHED' ? 1 : 0);
const isFailed = (state: string): number => (state === 'FAILED' ? 1 : 0);

/**
 * The hot path's prepared statements: compiled once, bound per message. Every write to `messages`
 * goes through them, and they keep what the console reads instead of counting rows: each thread's
 * `open` and `failed` entries and its `participants` (in the thread upsert every write makes anyway),
 * and the entries per state (`journal_counts`, changed once per transaction by `writeCounts`). A
 * transaction that fails must be followed by `forget()`, so nothing it wrote is assumed written.
 */
export class Statements {
  private readonly insert: Database.Statement;
  private readonly update: Database.Statement;
  private readonly log: Database.Statement;
  private readonly thread: Database.Statement;
  private readonly threadCounts: Database.Statement;
  private readonly stateOf: Database.Statement;
  private readonly remove: Database.Statement;
  private readonly count: Database.Statement;
  private readonly indexText: Database.Statement;
  private readonly unindexText: Database.Statement;
  /** Entries per state gained or lost since the last `writeCounts`. */
  private counts = new Map<string, number>();
  /**
   * The state of each entry written by this process and not yet ACKED or FAILED (about the queue):
   * a move knows what it moves from without reading the row. Others are read.
   */
  private unfinished = new Map<string, string>();

  /** `onLog` hears of every transition appended (the journal's rates count them). */
  constructor(
    sqlite: Database.Database,
    private readonly onLog: (state: string, at: number, attempt: number) => void = () => {},
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
    // Participants: each name once, each followed by U+001F (which XML text cannot hold) and the
    // first preceded by it, so `instr(participants, char(31) || name || char(31))` finds a name.
    this.thread = sqlite.prepare(
      `INSERT INTO threads (id, first_at, last_at, messages, open, failed, participants)
       VALUES (@id, @firstAt, @lastAt, @messages, @open, @failed,
         char(31) || coalesce(@from || char(31), '') || coalesce(@to || char(31), ''))
       ON CONFLICT(id) DO UPDATE SET last_at = max(last_at, excluded.last_at), messages = messages + excluded.messages,
         open = open + excluded.open, failed = failed + excluded.failed,
         participants = participants
           || CASE WHEN @from IS NULL OR instr(participants, char(31) || @from || char(31)) THEN '' ELSE @from || char(31) END
           || CASE WHEN @to IS NULL OR instr(participants, char(31) || @to || char(31)) THEN '' ELSE @to || char(31) END`,
    );
    this.threadCounts = sqlite.prepare(
      `UPDATE threads SET open = open + ?, failed = failed + ? WHERE id = ?`,
    );
    this.stateOf = sqlite.prepare(`SELECT state FROM messages WHERE id = ?`).pluck();
    this.remove = sqlite.prepare(
      `DELETE FROM messages WHERE id = ? RETURNING state, thread_id AS threadId, rowid AS row`,
    );
    // The payload's words and the route's names, under the entry's rowid (journal/search), in the
    // transaction of its insert.
    this.indexText = sqlite.prepare(
      `INSERT INTO messages_text (rowid, text, to_name, from_name) VALUES (?, ?, ?, ?)`,
    );
    this.unindexText = sqlite.prepare(`DELETE FROM messages_text WHERE rowid = ?`);
    this.count = sqlite.prepare(`UPDATE journal_counts SET n = n + ? WHERE state = ?`);
  }

  /** A new delivery: PENDING (or ACKED for egress, which is never dispatched). */
  add(d: Delivery, now: number): void {
    const row = newEntryRow(d, now);
    this.insertRow(row);
    this.append(d.id, d.threadId, row.state, d.attempt, now, null);
  }

  insertRow(row: EntryRow): void {
    // better-sqlite3 binds numbers, not booleans.
    const { lastInsertRowid } = this.insert.run({ ...row, egress: row.egress ? 1 : 0 });
    if (row.payload !== null) this.indexText.run(lastInsertRowid, payloadText(row.payload), row.to, row.from);
    this.counted(row.state, 1);
    if (isOpen(row.state)) this.unfinished.set(row.id, row.state);
    if (!row.threadId) return;
    this.thread.run({
      id: row.threadId,
      firstAt: row.createdAt,
      lastAt: row.updatedAt,
      messages: 1,
      open: isOpen(row.state),
      failed: isFailed(row.state),
      from: row.from,
      to: row.to === row.from ? null : row.to,
    });
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
    const was = this.unfinished.get(id) ?? (this.stateOf.get(id) as string | undefined);
    this.update.run(state, attempt, error?.code ?? null, error?.detail ?? null, nextAttemptAt, now, id);
    this.append(id, threadId, state, attempt, now, error);
    if (was === undefined) {
      // The entry is gone (discarded): the transition is logged all the same; nothing to count.
      if (threadId) this.touch(threadId, now, 0, 0);
      return;
    }
    this.counted(was, -1);
    this.counted(state, 1);
    if (isOpen(state)) this.unfinished.set(id, state);
    else this.unfinished.delete(id);
    if (threadId) this.touch(threadId, now, isOpen(state) - isOpen(was), isFailed(state) - isFailed(was));
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

  /** Deletes an entry (a discarded dead letter); its transitions stay. */
  delete(id: string): void {
    const gone = this.remove.get(id) as { state: string; threadId: string | null; row: number } | undefined;
    if (!gone) return;
    this.unindexText.run(gone.row);
    this.unfinished.delete(id);
    this.counted(gone.state, -1);
    if (gone.threadId) this.threadCounts.run(-isOpen(gone.state), -isFailed(gone.state), gone.threadId);
  }

  /** `n` ACKED entries deleted by retention (which counts nothing in a thread's row). */
  pruned(n: number): void {
    this.counted('ACKED', -n);
  }

  /** Writes the per-state counts gained since the last call: once, at the end of each transaction. */
  writeCounts(): void {
    for (const [state, n] of this.counts) if (n !== 0) this.count.run(n, state);
    this.counts.clear();
  }

  /** After a transaction failed: drops what it would have counted, and the states it seemed to write. */
  forget(): void {
    this.counts = new Map();
    this.unfinished = new Map();
  }

  private touch(threadId: string, now: number, open: number, failed: number): void {
    this.thread.run({
      id: threadId,
      firstAt: now,
      lastAt: now,
      messages: 0,
      open,
      failed,
      from: null,
      to: null,
    });
  }

  private counted(state: string, n: number): void {
    this.counts.set(state, (this.counts.get(state) ?? 0) + n);
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
    this.onLog(state, now, attempt);
  }
}
