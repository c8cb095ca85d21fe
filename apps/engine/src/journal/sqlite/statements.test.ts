import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { delivery } from '../contract/fixtures.ts';
import { newEntryRow } from '../entry-record.ts';
import { openDatabase } from './open-database.ts';
import { Statements } from './statements.ts';
import { tempJournalPaths } from './temp-journal-paths.ts';
import { BatchRunner } from './write-ops.ts';

const path = tempJournalPaths('organism-statements-');

/** The journal's statements on a connection of their own, and a second connection to the same file. */
function connections() {
  const file = path();
  const open = openDatabase(file, 'fast');
  const runner = new BatchRunner(open.sqlite, new Statements(open.sqlite));
  const other = new Database(file);
  other.pragma('busy_timeout = 2000');
  const row = (id: string) =>
    other.prepare('SELECT rowid AS row, state, attempts FROM messages WHERE id = ?').get(id) as
      { row: number; state: string; attempts: number } | undefined;
  const logged = (id: string) =>
    other
      .prepare('SELECT message_row AS row, state FROM transitions WHERE message_id = ? ORDER BY seq')
      .all(id) as { row: number | null; state: string }[];
  const thread = (id: string) =>
    other.prepare('SELECT messages, open, failed, last_at AS lastAt FROM threads WHERE id = ?').get(id) as
      { messages: number; open: number; failed: number; lastAt: number } | undefined;
  return {
    runner,
    other,
    row,
    logged,
    thread,
    close() {
      other.close();
      open.close();
    },
  };
}

describe("the journal's statements", () => {
  it('move an entry by the rowid it was written at, and log its transitions under it', () => {
    const c = connections();
    const d = delivery();
    c.runner.run([['add', newEntryRow(d, 1), 1]]);
    c.runner.run([['move', d.id, d.threadId, 'DISPATCHED', 1, 2, null, null]]);
    c.runner.run([['move', d.id, d.threadId, 'ACKED', 1, 3, null, null]]);
    const { row } = c.row(d.id)!;
    expect(c.row(d.id)).toEqual({ row, state: 'ACKED', attempts: 1 });
    expect(c.logged(d.id)).toEqual(['PENDING', 'DISPATCHED', 'ACKED'].map((state) => ({ row, state })));
    expect(c.thread(d.threadId)).toEqual({ messages: 1, open: 0, failed: 0, lastAt: 3 });
    c.close();
  });

  it('never write to a rowid another connection gave to another entry since', () => {
    const c = connections();
    const gone = delivery();
    c.runner.run([['add', newEntryRow(gone, 1), 1]]);
    const { row } = c.row(gone.id)!;
    // Behind these statements' back, the entry is deleted and its rowid given to another.
    c.other.prepare('DELETE FROM messages WHERE id = ?').run(gone.id);
    const next = delivery();
    c.other
      .prepare(
        `INSERT INTO messages (rowid, id, thread_id, to_name, kind, payload, state, attempts, created_at, updated_at)
         VALUES (?, ?, ?, 'greeter', 'ingress', '<a/>', 'PENDING', 0, 5, 5)`,
      )
      .run(row, next.id, next.threadId);

    c.runner.run([['move', gone.id, gone.threadId, 'DISPATCHED', 2, 6, null, null]]);
    expect(c.row(next.id)).toEqual({ row, state: 'PENDING', attempts: 0 });
    expect(c.logged(gone.id)).toEqual([
      { row, state: 'PENDING' },
      { row: null, state: 'DISPATCHED' },
    ]);

    // An entry they did not write is found by id once, then by the rowid it has.
    c.runner.run([['move', next.id, next.threadId, 'DISPATCHED', 1, 7, null, null]]);
    c.runner.run([['move', next.id, next.threadId, 'ACKED', 1, 8, null, null]]);
    expect(c.row(next.id)).toEqual({ row, state: 'ACKED', attempts: 1 });
    expect(c.logged(next.id)).toEqual([
      { row, state: 'DISPATCHED' },
      { row, state: 'ACKED' },
    ]);
    c.close();
  });

  it("make a thread's row again when an entry of a thread that is gone moves", () => {
    const c = connections();
    const d = delivery();
    c.runner.run([['add', newEntryRow(d, 1), 1]]);
    expect(c.thread(d.threadId)).toEqual({ messages: 1, open: 1, failed: 0, lastAt: 1 });
    c.other.prepare('DELETE FROM threads WHERE id = ?').run(d.threadId);
    c.runner.run([['move', d.id, d.threadId, 'ACKED', 1, 4, null, null]]);
    expect(c.thread(d.threadId)).toEqual({ messages: 0, open: -1, failed: 0, lastAt: 4 });
    c.close();
  });
});
