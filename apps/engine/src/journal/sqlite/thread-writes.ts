import type Database from 'better-sqlite3';
import type { ThreadChange } from '../entry-changes.ts';

/**
 * Thread rowids remembered between transactions at most: past it they are forgotten all at once and
 * learnt again as threads are written. A thread lives as long as its conversation, so nothing else would
 * bound them.
 */
const THREAD_ROWS = 65_536;

/**
 * The `threads` rows the journal's write statements keep (statements.ts): each thread's counts, its
 * last activity and its participants, written once per thread and transaction. It remembers the rowid of
 * each thread it wrote lately: a thread whose entries only moved is updated by rowid, where its id walks
 * the index of random UUIDs (bench/NOTES.md, "Threads by rowid").
 */
export class ThreadWrites {
  private readonly upsert: Database.Statement;
  private readonly counted: Database.Statement;
  private readonly moved: Database.Statement;
  private readonly movedAt: Database.Statement;
  private readonly rowOfId: Database.Statement;
  private rows = new Map<string, number>();

  constructor(sqlite: Database.Database) {
    // Participants: each name once, each followed by U+001F (which XML text cannot hold) and the
    // first preceded by it, so `instr(participants, char(31) || name || char(31))` finds a name.
    this.upsert = sqlite
      .prepare(
        `INSERT INTO threads (id, first_at, last_at, messages, open, failed, participants)
       VALUES (@id, @firstAt, @lastAt, @messages, @open, @failed,
         char(31) || coalesce(@from || char(31), '') || coalesce(@to || char(31), ''))
       ON CONFLICT(id) DO UPDATE SET last_at = max(last_at, excluded.last_at), messages = messages + excluded.messages,
         open = open + excluded.open, failed = failed + excluded.failed,
         participants = participants
           || CASE WHEN @from IS NULL OR instr(participants, char(31) || @from || char(31)) THEN '' ELSE @from || char(31) END
           || CASE WHEN @to IS NULL OR instr(participants, char(31) || @to || char(31)) THEN '' ELSE @to || char(31) END
       RETURNING rowid`,
      )
      .pluck();
    this.counted = sqlite.prepare(`UPDATE threads SET open = open + ?, failed = failed + ? WHERE id = ?`);
    // A thread whose entries only moved: its row is there (its entries are), and its names are in it.
    this.moved = sqlite
      .prepare(
        `UPDATE threads SET last_at = max(last_at, ?), open = open + ?, failed = failed + ? WHERE id = ? RETURNING rowid`,
      )
      .pluck();
    // The same by rowid, and only if the row there is still the thread's (SQLite gives a deleted newest
    // row's rowid to the next one: a pruned thread's goes to the next new thread).
    this.movedAt = sqlite.prepare(
      `UPDATE threads SET last_at = max(last_at, ?), open = open + ?, failed = failed + ? WHERE rowid = ? AND id = ?`,
    );
    this.rowOfId = sqlite.prepare(`SELECT rowid FROM threads WHERE id = ?`).pluck();
  }

  /** Writes a thread's change; returns its rowid, which its new entries in the transaction take. */
  write(id: string, t: ThreadChange): number {
    // Most changes are of a thread whose entries only moved: a plain UPDATE, positional, where the
    // upsert with its names took a third longer; by rowid when it is known. A thread gone (a discarded
    // entry's) is made again below.
    if (t.messages === 0 && t.names.length === 0) {
      const known = this.rows.get(id);
      if (known !== undefined && this.movedAt.run(t.lastAt, t.open, t.failed, known, id).changes === 1)
        return known;
      const row = this.moved.get(t.lastAt, t.open, t.failed, id) as number | undefined;
      if (row !== undefined) return this.remember(id, row);
    }
    // The upsert takes two names at a time; the first call carries the counts.
    let first = true;
    let row = 0;
    for (let i = 0; i < Math.max(1, t.names.length); i += 2) {
      row = this.upsert.get({
        id,
        firstAt: t.firstAt,
        lastAt: t.lastAt,
        messages: first ? t.messages : 0,
        open: first ? t.open : 0,
        failed: first ? t.failed : 0,
        from: t.names[i] ?? null,
        to: t.names[i + 1] ?? null,
      }) as number;
      first = false;
    }
    return this.remember(id, row);
  }

  /** Adds to a thread's open and failed counts (an entry deleted). */
  counts(id: string, open: number, failed: number): void {
    this.counted.run(open, failed, id);
  }

  /** A thread's rowid as the table has it now. */
  rowOf(id: string): number | undefined {
    return this.rowOfId.get(id) as number | undefined;
  }

  /** After a transaction failed, or the other connection wrote: the rowids may be stale. */
  forget(): void {
    this.rows = new Map();
  }

  private remember(id: string, row: number): number {
    if (this.rows.size >= THREAD_ROWS && !this.rows.has(id)) this.rows = new Map();
    this.rows.set(id, row);
    return row;
  }
}
