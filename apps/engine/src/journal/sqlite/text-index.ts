import type Database from 'better-sqlite3';
import { payloadText } from '../search/payload-text.ts';

/** The text index's mark: the highest entry rowid it has taken (undefined: the row was deleted by hand). */
export const TEXT_INDEX_MARK = `SELECT row FROM text_index_mark WHERE id = 1`;

/** Entries written before the text index takes them, at most (`SqliteJournalOptions.textIndexBatch`). */
export const TEXT_INDEX_BATCH = 256;
/** How long an entry waits for the text index at most, while the journal writes. */
export const TEXT_INDEX_WAIT_MS = 1_000;

type Unindexed = [row: number, payload: string, to: string | null, from: string | null];

/**
 * The text index (`messages_text`, FTS5) filled in batches behind the hot path. FTS5 writes a segment of
 * its own (several pages, its structure record and, later, merges) for every transaction that adds to
 * it, so an entry indexed in its own commit cost about a quarter of the CPU and the WAL a message takes
 * at 1,000 msg/s (bench/NOTES.md, "The text index in batches"). The entries above `text_index_mark` are
 * written and not yet indexed; a transaction that ends with `TEXT_INDEX_BATCH` of them, or with one that
 * waited `TEXT_INDEX_WAIT_MS`, indexes them all, read back from `messages` (hot in the cache), and moves
 * the mark to the highest rowid. A search reads the entries above the mark from `messages` itself
 * (message-search.ts), so it finds an entry as soon as it is written. Whatever connection commits, the
 * mark in the file says what is left: one that took over indexes the other's leftovers with its own.
 */
export class TextIndex {
  private readonly mark: Database.Statement;
  private readonly above: Database.Statement;
  private readonly insert: Database.Statement;
  private readonly remove: Database.Statement;
  private readonly remark: Database.Statement;
  private readonly highest: Database.Statement;
  /** Entries with a payload this connection wrote since it last indexed, and when the first was. */
  private waiting = 0;
  private since = 0;

  constructor(
    private readonly sqlite: Database.Database,
    private readonly batch = TEXT_INDEX_BATCH,
  ) {
    this.mark = sqlite.prepare(TEXT_INDEX_MARK).pluck();
    this.above = sqlite
      .prepare(
        `SELECT rowid, payload, to_name, from_name FROM messages WHERE rowid > ? AND payload IS NOT NULL`,
      )
      .raw();
    // The payload's words and the route's names, under the entry's rowid (journal/search).
    this.insert = sqlite.prepare(
      `INSERT INTO messages_text (rowid, text, to_name, from_name) VALUES (?, ?, ?, ?)`,
    );
    this.remove = sqlite.prepare(`DELETE FROM messages_text WHERE rowid = ?`);
    this.highest = sqlite.prepare(`SELECT max(rowid) FROM messages`).pluck();
    this.remark = sqlite.prepare(
      `INSERT INTO text_index_mark (id, row) VALUES (1, coalesce((SELECT max(rowid) FROM messages), 0))
       ON CONFLICT (id) DO UPDATE SET row = excluded.row`,
    );
  }

  /**
   * What the last run left (a batch at most, unless the index was rebuilt by hand), indexed in a
   * transaction of its own if there is any: as the journal opens, so that no search reads many entries
   * above the mark.
   */
  catchUp(): void {
    const mark = this.mark.get() as number | undefined;
    if (mark === undefined || ((this.highest.get() as number | null) ?? 0) > mark)
      this.sqlite.transaction(() => this.flush())();
  }

  /** An entry with a payload was written in this transaction. */
  written(): void {
    if (this.waiting++ === 0) this.since = Date.now();
  }

  /** At the end of a transaction: indexes what waits, if enough does or it waited long enough. */
  endOfTransaction(): void {
    if (this.waiting >= this.batch || (this.waiting > 0 && Date.now() - this.since >= TEXT_INDEX_WAIT_MS))
      this.flush();
  }

  /**
   * Indexes every entry above the mark, and moves the mark to the highest rowid. Without a mark (its row
   * deleted by hand) nothing is indexed again: the mark is put back at the highest rowid.
   */
  flush(): void {
    const mark = this.mark.get() as number | undefined;
    const rows = (mark === undefined ? [] : this.above.all(mark)) as Unindexed[];
    for (const [row, payload, to, from] of rows) this.insert.run(row, payloadText(payload), to, from);
    this.remark.run();
    this.waiting = 0;
  }

  /**
   * Before entries are deleted: everything is indexed first, so each deleted entry's words can go with
   * it (`unindex`), and `deleted` then puts the mark at the highest rowid left.
   */
  beforeDelete(): void {
    this.flush();
  }

  unindex(row: number): void {
    this.remove.run(row);
  }

  /**
   * After entries were deleted: if the highest went, SQLite gives its rowid to the next entry, which must
   * be above the mark to be indexed.
   */
  deleted(): void {
    this.remark.run();
  }
}
