import Database from 'better-sqlite3';
import { describe, expect, it, vi } from 'vitest';
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
  const statements = new Statements(open.sqlite);
  const runner = new BatchRunner(open.sqlite, statements);
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
    statements,
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

  it('hand what they know of unfinished entries to the connection that takes the commits over', () => {
    const c = connections();
    const [open, started, done] = [delivery(), delivery(), delivery()];
    c.runner.run([
      ['add', newEntryRow(open, 1), 1],
      ['add', newEntryRow(started, 1), 1],
      ['add', newEntryRow(done, 1), 1],
    ]);
    c.runner.run([
      ['move', started.id, started.threadId, 'DISPATCHED', 1, 2, null, null],
      ['move', done.id, done.threadId, 'ACKED', 1, 2, null, null],
    ]);
    const known = c.statements.handOver();
    const rows = [open, started].map((d) => c.row(d.id)!.row);
    expect(known).toEqual({ ids: [open.id, started.id], states: ['PENDING', 'DISPATCHED'], rows });

    // The writer thread's statements, on the other connection.
    const theirs = new Statements(c.other);
    theirs.known(known);
    const read = vi.spyOn(theirs as unknown as { read: (id: string) => unknown }, 'read');
    new BatchRunner(c.other, theirs).run([
      ['move', open.id, open.threadId, 'DISPATCHED', 1, 3, null, null],
      ['move', started.id, started.threadId, 'ACKED', 1, 3, null, null],
    ]);
    expect(read).not.toHaveBeenCalled();
    expect(c.row(open.id)).toEqual({ row: rows[0], state: 'DISPATCHED', attempts: 1 });
    expect(c.logged(started.id)).toEqual(
      ['PENDING', 'DISPATCHED', 'ACKED'].map((state) => ({ row: rows[1], state })),
    );
    expect(c.thread(started.threadId)).toEqual({ messages: 1, open: 0, failed: 0, lastAt: 3 });

    // What they handed over is forgotten here: the next move reads the entry as the other left it.
    const ours = vi.spyOn(c.statements as unknown as { read: (id: string) => unknown }, 'read');
    c.runner.run([['move', open.id, open.threadId, 'ACKED', 1, 4, null, null]]);
    expect(ours).toHaveBeenCalledWith(open.id);
    expect(c.thread(open.threadId)).toEqual({ messages: 1, open: 0, failed: 0, lastAt: 4 });
    c.close();
  });
});
