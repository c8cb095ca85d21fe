import type Database from 'better-sqlite3';
import type { EntryRow } from '../entry-record.ts';
import { EntryChanges, isOpen } from '../entry-changes.ts';
import type { TransitionError } from '../entry-changes.ts';
import { TextIndex } from './text-index.ts';
import { applyOperatorOp } from './write-ops.ts';
import type { OperatorOp } from './write-ops.ts';
import { ThreadWrites } from './thread-writes.ts';

/** Unfinished entries as one connection knows them: three parallel arrays, cheap to post to a thread. */
export interface KnownEntries {
  ids: string[];
  states: string[];
  rows: number[];
}

/**
 * The hot path's writes, gathered per transaction and written at its end (`writePending`, the last
 * thing each group commit does): new entries in the state they end it in (their words indexed in
 * batches, text-index.ts), one UPDATE per entry whatever states it went through in the transaction (a
 * delivery started and acknowledged in one commit is written once), and one write per thread
 * (thread-writes.ts). They keep what the console reads instead of counting rows: each thread's `open`
 * and `failed` entries and its `participants`, and the entries per state (`journal_counts`). Nothing is
 * read back before the end of the transaction but through `materialize()`, which writes what is
 * gathered: every other statement of a transaction that reads or deletes entries calls it first. A
 * transaction that fails must be followed by `forget()`.
 */
export class Statements {
  private readonly insert: Database.Statement;
  private readonly log: Database.Statement;
  private readonly logAt: Database.Statement;
  private readonly update: Database.Statement;
  private readonly updateAt: Database.Statement;
  /** Each thread's row, written once a transaction before its new entries, which take its rowid. */
  private readonly threads: ThreadWrites;
  private readonly stateOf: Database.Statement;
  private readonly remove: Database.Statement;
  private readonly count: Database.Statement;
  private readonly prunable: Database.Statement;
  private readonly pruneLog: Database.Statement;
  private readonly pruneEntry: Database.Statement;
  private readonly pruneThread: Database.Statement;
  private readonly pruneThreads: Database.Statement;
  /**
   * What this transaction gathered (entry-changes.ts). It also keeps the state of each entry written by
   * this process and not yet ACKED or FAILED (about the queue): a move knows what it moves from without
   * reading the row. Others are read.
   */
  private readonly changes = new EntryChanges((id) => this.read(id));
  /**
   * The rowid of each unfinished entry this connection wrote or read (or boot recovery read), forgotten
   * with the states above. A move then finds its row by rowid, and its transition takes that rowid,
   * where a lookup by id walks the index of random UUIDs: about a fifth less CPU a move on the writer
   * thread (bench/NOTES.md, "Rows by rowid").
   */
  private rowids = new Map<string, number>();

  /** The payloads' words, indexed in batches behind the entries (text-index.ts). */
  private readonly text: TextIndex;

  /** `textIndexBatch`: entries written before the text index takes them (1: in their own transaction). */
  constructor(sqlite: Database.Database, textIndexBatch?: number) {
    this.text = new TextIndex(sqlite, textIndexBatch);
    // With its thread's rowid, which a thread's entries are found by (schema.ts, `thread_row`): the
    // thread's row is written before its entries in every transaction (`materialize`), which returns it.
    // Positional: binding 19 parameters by name took about a sixth longer.
    this.insert = sqlite.prepare(
      `INSERT INTO messages (id, thread_id, thread_row, parent_id, from_name, to_name, root, kind, chain, payload, raw,
         state, attempts, error_code, error_detail, next_attempt_at, egress, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    // With the entry's rowid, which its transitions are found by (schema.ts, `message_row`): the entry is
    // written before its transitions in every transaction (`materialize`).
    this.log = sqlite.prepare(
      `INSERT INTO transitions (message_row, message_id, thread_id, state, attempt, error_code, detail, at)
       VALUES ((SELECT rowid FROM messages WHERE id = ?), ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.logAt = sqlite.prepare(
      `INSERT INTO transitions (message_row, message_id, thread_id, state, attempt, error_code, detail, at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.update = sqlite.prepare(
      `UPDATE messages SET state = ?, attempts = ?, error_code = ?, error_detail = ?, next_attempt_at = ?, updated_at = ? WHERE id = ?`,
    );
    // The same by rowid, and only if the row there is still the entry's.
    this.updateAt = sqlite.prepare(
      `UPDATE messages SET state = ?, attempts = ?, error_code = ?, error_detail = ?, next_attempt_at = ?, updated_at = ? WHERE rowid = ? AND id = ?`,
    );
    this.threads = new ThreadWrites(sqlite);
    this.stateOf = sqlite.prepare(`SELECT state, rowid FROM messages WHERE id = ?`).raw();
    this.remove = sqlite.prepare(
      `DELETE FROM messages WHERE id = ? RETURNING state, kind, thread_id AS threadId, rowid AS row`,
    );
    this.count = sqlite.prepare(`UPDATE journal_counts SET n = n + ? WHERE state = ?`);
    // Retention: ACKED entries last updated before a cutoff, with their transitions and text, a chunk
    // at a time. created_at ≤ updated_at, so the bound on created_at changes nothing but lets the state
    // index seek.
    this.prunable = sqlite.prepare(
      `SELECT id, rowid AS row, thread_id AS threadId FROM messages
       WHERE state = 'ACKED' AND created_at < ? AND updated_at < ? LIMIT ?`,
    );
    this.pruneLog = sqlite.prepare(`DELETE FROM transitions WHERE message_row = ? AND message_id = ?`);
    this.pruneEntry = sqlite.prepare(`DELETE FROM messages WHERE rowid = ?`);
    const empty = `NOT EXISTS (SELECT 1 FROM messages m WHERE m.thread_row = threads.rowid AND m.thread_id = threads.id)`;
    this.pruneThread = sqlite.prepare(`DELETE FROM threads WHERE id = ? AND ${empty}`);
    this.pruneThreads = sqlite.prepare(`DELETE FROM threads WHERE ${empty}`);
  }

  insertRow(row: EntryRow): void {
    // The same id twice must fail as it always did, on the table's key: the first goes in first.
    if (this.changes.rows.has(row.id)) this.materialize();
    this.changes.insertRow(row);
  }

  /** Moves an entry to `state` and appends the transition to the event log. */
  move(
    id: string,
    threadId: string | null,
    state: string,
    attempt: number,
    now: number,
    error: TransitionError = null,
    nextAttemptAt: number | null = null,
  ): void {
    this.changes.move(id, threadId, state, attempt, now, error, nextAttemptAt);
  }

  /** Appends a transition without touching the entry (FAILED before a retry, DISCARDED). */
  logOnly(
    id: string,
    threadId: string | null,
    state: string,
    attempt: number,
    now: number,
    error: TransitionError,
  ): void {
    this.changes.logOnly(id, threadId, state, attempt, now, error);
  }

  /**
   * The states and rowids of unfinished entries as just read (boot recovery), or as the other connection
   * knew them (`handOver`): their moves then need not read them again, one read per move of 100,000
   * redeliveries.
   */
  known({ ids, states, rows }: KnownEntries): void {
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      const state = states[i]!;
      this.changes.known(id, state);
      if (isOpen(state)) this.rowids.set(id, rows[i]!);
    }
  }

  /** An operator's action on a dead letter, taken if it is still FAILED; returns whether it was. */
  operate(op: OperatorOp): boolean {
    return applyOperatorOp(op, this.changes, (id) => this.delete(id)).done;
  }

  /** Deletes an entry (a discarded dead letter); its transitions stay. */
  delete(id: string): void {
    this.materialize();
    this.text.beforeDelete();
    this.rowids.delete(id);
    const gone = this.remove.get(id) as
      { state: string; kind: string; threadId: string | null; row: number } | undefined;
    if (!gone) return;
    this.text.unindex(gone.row);
    this.text.deleted();
    const { open, failed } = this.changes.deleted(id, gone.state, gone.kind);
    if (gone.threadId) this.threads.counts(gone.threadId, open, failed);
  }

  /**
   * Deletes up to `limit` ACKED entries last updated before `cutoff` (ms), with their transitions and
   * text, and the threads they leave without entries; returns how many entries. The last chunk (fewer
   * than `limit`) also sweeps every thread left without entries (a discarded dead letter's). A thread's
   * row counts nothing ACKED.
   */
  prune(cutoff: number, limit: number): number {
    this.materialize();
    this.text.beforeDelete();
    const rows = this.prunable.all(cutoff, cutoff, limit) as {
      id: string;
      row: number;
      threadId: string | null;
    }[];
    const threads = new Set<string>();
    for (const r of rows) {
      this.pruneLog.run(r.row, r.id);
      this.text.unindex(r.row);
      this.pruneEntry.run(r.row);
      if (r.threadId) threads.add(r.threadId);
    }
    if (rows.length > 0) this.text.deleted();
    if (rows.length < limit) this.pruneThreads.run();
    else for (const t of threads) this.pruneThread.run(t);
    this.changes.counted('ACKED', -rows.length);
    return rows.length;
  }

  /**
   * Writes what this transaction gathered, so that a statement after it reads the entries as they are.
   * The counts per state wait for `writePending`.
   */
  materialize(): void {
    const { rows, updates, transitions, threads } = this.changes.take();
    // The rowids of the entries written here, which their transitions take: each found in this
    // transaction, never one remembered from an earlier one (a discarded entry's rowid goes to the next).
    const written = new Map<string, number>();
    // Threads first, then entries (which take their thread's rowid), then transitions (their entry's).
    const threadRow = new Map<string, number>();
    for (const [id, t] of threads) threadRow.set(id, this.threads.write(id, t));
    for (const r of rows.values()) {
      const inThread =
        r.threadId === null ? null : (threadRow.get(r.threadId) ?? this.threads.rowOf(r.threadId));
      const row = Number(
        this.insert.run(
          r.id,
          r.threadId,
          inThread ?? null,
          r.parentId,
          r.from,
          r.to,
          r.root,
          r.kind,
          r.chain,
          r.payload,
          r.raw,
          r.state,
          r.attempts,
          r.errorCode,
          r.errorDetail,
          r.nextAttemptAt,
          // better-sqlite3 binds numbers, not booleans.
          r.egress ? 1 : 0,
          r.createdAt,
          r.updatedAt,
        ).lastInsertRowid,
      );
      written.set(r.id, row);
      if (isOpen(r.state)) this.rowids.set(r.id, row);
      if (r.payload !== null) this.text.written();
    }
    for (const [id, u] of updates) {
      const { state, attempts, errorCode, errorDetail, nextAttemptAt, updatedAt } = u;
      const row = this.rowids.get(id);
      if (
        row !== undefined &&
        this.updateAt.run(state, attempts, errorCode, errorDetail, nextAttemptAt, updatedAt, row, id)
          .changes === 1
      )
        written.set(id, row);
      else this.update.run(state, attempts, errorCode, errorDetail, nextAttemptAt, updatedAt, id);
      if (!isOpen(state)) this.rowids.delete(id);
    }
    for (const t of transitions) {
      const row = written.get(t[0]);
      if (row === undefined) this.log.run(t[0], t);
      else this.logAt.run(row, t);
    }
  }

  /**
   * What this connection knows of unfinished entries (their states and rowids), handed to the other
   * connection when it takes the commits over, and forgotten here: between two transactions it is
   * exactly what the journal holds, so the other side's moves need not read those entries again.
   */
  handOver(): KnownEntries {
    const known: KnownEntries = { ids: [], states: [], rows: [] };
    for (const [id, state] of this.changes.unfinished) {
      const row = this.rowids.get(id);
      if (row === undefined) continue;
      known.ids.push(id);
      known.states.push(state);
      known.rows.push(row);
    }
    this.forget();
    return known;
  }

  /** Writes everything gathered, the per-state counts last: once, at the end of each transaction. */
  writePending(): void {
    this.materialize();
    this.text.endOfTransaction();
    for (const [state, n] of this.changes.takeCounts()) this.count.run(n, state);
  }

  /** Indexes what the last run left for the text index, in a transaction of its own (text-index.ts). */
  catchUpText(): void {
    this.text.catchUp();
  }

  /** After a transaction failed: drops what it gathered, and the states it seemed to write. */
  forget(): void {
    this.changes.forget();
    this.rowids = new Map();
    this.threads.forget();
  }

  /** An entry's state, read; its rowid is kept while it is unfinished, for the move that asked. */
  private read(id: string): string | undefined {
    const found = this.stateOf.get(id) as [state: string, row: number] | undefined;
    if (found && isOpen(found[0])) this.rowids.set(id, found[1]);
    return found?.[0];
  }
}
