import type Database from 'better-sqlite3';
import type { Delivery } from '../../pump/delivery.ts';
import { newEntryRow } from '../entry-record.ts';
import type { EntryRow } from '../entry-record.ts';

type Counted = { state: string; threadId: string | null };

/** Threads whose participants this process has written lately; older ones are forgotten. */
const RECENT_THREADS = 20_000;

const isOpen = (state: string | undefined): number => (state === 'PENDING' || state === 'DISPATCHED' ? 1 : 0);
const isFailed = (state: string | undefined): number => (state === 'FAILED' ? 1 : 0);

/**
 * The hot path's prepared statements: compiled once, bound per message. Every write to `messages`
 * goes through them, and they keep what the console reads instead of counting rows (migration
 * 0004): each thread's `open` and `failed` entries (in the thread upsert every write makes anyway),
 * who took part in each thread (`thread_participants`, written once per thread and name), and the
 * entries per state (`journal_counts`, changed once per transaction by `writeCounts`). A transaction
 * that fails must be followed by `forget()`, so nothing it wrote is assumed written.
 */
export class Statements {
  private readonly insert: Database.Statement;
  private readonly update: Database.Statement;
  private readonly log: Database.Statement;
  private readonly thread: Database.Statement;
  private readonly threadCounts: Database.Statement;
  private readonly stateOf: Database.Statement;
  private readonly remove: Database.Statement;
  private readonly participant: Database.Statement;
  private readonly count: Database.Statement;
  /** Entries per state gained or lost since the last `writeCounts`. */
  private counts = new Map<string, number>();
  /** Thread id → names already in `thread_participants` for it (recent threads only). */
  private readonly participants = new Map<string, Set<string>>();

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
    this.thread = sqlite
      .prepare(
        `INSERT INTO threads (id, first_at, last_at, messages, open, failed) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT(id) DO UPDATE SET last_at = max(last_at, excluded.last_at), messages = messages + excluded.messages,
         open = open + excluded.open, failed = failed + excluded.failed
       RETURNING first_at`,
      )
      .pluck();
    this.threadCounts = sqlite.prepare(
      `UPDATE threads SET open = open + ?, failed = failed + ? WHERE id = ?`,
    );
    this.stateOf = sqlite.prepare(`SELECT state FROM messages WHERE id = ?`).pluck();
    this.remove = sqlite.prepare(`DELETE FROM messages WHERE id = ? RETURNING state, thread_id AS threadId`);
    this.participant = sqlite.prepare(
      `INSERT OR IGNORE INTO thread_participants (name, first_at, thread_id) VALUES (?, ?, ?)`,
    );
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
    this.insert.run({ ...row, egress: row.egress ? 1 : 0 });
    this.counted(row.state, 1);
    if (!row.threadId) return;
    const firstAt = this.thread.get(
      row.threadId,
      row.createdAt,
      row.updatedAt,
      1,
      isOpen(row.state),
      isFailed(row.state),
    ) as number;
    this.took(row.threadId, firstAt, row.from);
    this.took(row.threadId, firstAt, row.to);
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
    const was = this.stateOf.get(id) as string | undefined;
    this.update.run(state, attempt, error?.code ?? null, error?.detail ?? null, nextAttemptAt, now, id);
    this.append(id, threadId, state, attempt, now, error);
    if (was !== undefined) {
      this.counted(was, -1);
      this.counted(state, 1);
    }
    if (threadId) {
      const open = was === undefined ? 0 : isOpen(state) - isOpen(was);
      const failed = was === undefined ? 0 : isFailed(state) - isFailed(was);
      this.thread.get(threadId, now, now, 0, open, failed);
    }
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
    const gone = this.remove.get(id) as Counted | undefined;
    if (!gone) return;
    this.counted(gone.state, -1);
    if (gone.threadId) this.threadCounts.run(-isOpen(gone.state), -isFailed(gone.state), gone.threadId);
  }

  /**
   * `n` ACKED entries deleted by retention (which counts nothing in a thread's row). Threads left
   * empty went with them, so the participants written lately are no longer known to be there.
   */
  pruned(n: number): void {
    this.counted('ACKED', -n);
    this.participants.clear();
  }

  /** Writes the per-state counts gained since the last call: once, at the end of each transaction. */
  writeCounts(): void {
    for (const [state, n] of this.counts) if (n !== 0) this.count.run(n, state);
    this.counts.clear();
  }

  /** After a transaction failed: drops what it would have counted and which participants it wrote. */
  forget(): void {
    this.counts = new Map();
    this.participants.clear();
  }

  private counted(state: string, n: number): void {
    this.counts.set(state, (this.counts.get(state) ?? 0) + n);
  }

  /** Records `name` as a participant of the thread, once per thread and name. */
  private took(threadId: string, firstAt: number, name: string | null): void {
    if (name === null) return;
    let names = this.participants.get(threadId);
    if (!names) {
      names = new Set();
      this.participants.set(threadId, names);
      if (this.participants.size > RECENT_THREADS) {
        const oldest = this.participants.keys().next().value;
        if (oldest !== undefined) this.participants.delete(oldest);
      }
    }
    if (names.has(name)) return;
    names.add(name);
    this.participant.run(name, firstAt, threadId);
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
