import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { ThreadId } from '@organism/shared';
import { delivery, failure } from '../contract/fixtures.ts';
import { indexesOf, olderJournal } from './migration-test-kit.ts';
import { SqliteJournal } from './sqlite-journal.ts';
import { tempJournalPaths } from './temp-journal-paths.ts';

const path = tempJournalPaths('organism-thread-rows-');

const ids = async (j: SqliteJournal, threadId: string) =>
  (await j.listMessages({ threadId, limit: 50 })).items.map((m) => m.id);

describe("a thread's entries, found by the thread's rowid", () => {
  it('are listed newest first; a new thread that takes a pruned one’s rowid lists only its own', async () => {
    const file = path();
    const j = new SqliteJournal({ path: file, durability: 'fast', writerThread: 'never' });
    const reader = new Database(file, { readonly: true });
    const rowOf = (id: string) =>
      (reader.prepare('SELECT rowid AS r FROM threads WHERE id = ?').get(id) as { r: number } | undefined)?.r;

    const tid = (c: string) => `${c.repeat(8)}-0000-4000-8000-000000000000` as ThreadId;
    const [kept, gone, next] = [tid('a'), tid('b'), tid('c')];
    const k1 = delivery({ threadId: kept });
    const k2 = delivery({ threadId: kept });
    const g1 = delivery({ threadId: gone });
    await j.hooks.onIntent?.([k1, k2, g1]);
    await j.hooks.onAcknowledged?.(k1, []);
    await j.hooks.onFailed?.(k2, failure, { outputs: [] });
    await j.hooks.onAcknowledged?.(g1, []);
    await j.flush();
    expect(await ids(j, kept)).toEqual([k2.id, k1.id]);
    const goneRow = rowOf(gone);

    // Retention takes the ACKED entries; the thread left without any goes, the one with a dead letter stays.
    await new Promise((r) => setTimeout(r, 5));
    expect(await j.prune(Date.now())).toBe(2);
    expect(await ids(j, kept)).toEqual([k2.id]);
    expect(await ids(j, gone)).toEqual([]);
    expect(rowOf(gone)).toBeUndefined();
    expect((await j.listThreads({ limit: 10 })).items.map((t) => t.id)).toEqual([kept]);

    // The newest thread gone, SQLite gives its rowid to the next one.
    const n1 = delivery({ threadId: next });
    const n2 = delivery({ threadId: next });
    await j.hooks.onIntent?.([n1]);
    await j.hooks.onIntent?.([n2]);
    await j.flush();
    expect(rowOf(next)).toBe(goneRow);
    expect(await ids(j, next)).toEqual([n2.id, n1.id]);
    expect(await ids(j, gone)).toEqual([]);
    expect(await ids(j, kept)).toEqual([k2.id]);
    reader.close();
    await j.close();
  });

  it('a thread updated by the rowid the journal remembers is never another thread that took that rowid', async () => {
    const file = path();
    const j = new SqliteJournal({ path: file, durability: 'fast', writerThread: 'never' });
    const reader = new Database(file, { readonly: true });
    const threadRow = (id: string) =>
      reader
        .prepare('SELECT rowid AS row, messages, open, last_at AS lastAt FROM threads WHERE id = ?')
        .get(id) as { row: number; messages: number; open: number; lastAt: number } | undefined;
    const tid = (c: string) => `${c.repeat(8)}-0000-4000-8000-000000000000` as ThreadId;
    const [gone, next] = [tid('d'), tid('e')];

    // The journal writes `gone` and remembers its rowid; retention then takes its one entry, and the thread.
    const g1 = delivery({ threadId: gone });
    await j.hooks.onIntent?.([g1]);
    await j.hooks.onDispatched?.(g1);
    await j.hooks.onAcknowledged?.(g1, []);
    await j.flush();
    const goneRow = threadRow(gone)!.row;
    await new Promise((r) => setTimeout(r, 5));
    expect(await j.prune(Date.now())).toBe(1);
    expect(threadRow(gone)).toBeUndefined();

    // `next` takes that rowid, with two unfinished entries of its own.
    await j.hooks.onIntent?.([delivery({ threadId: next }), delivery({ threadId: next })]);
    await j.flush();
    const before = threadRow(next)!;
    expect(before).toMatchObject({ row: goneRow, messages: 2, open: 2 });

    // A late outcome of the pruned entry moves its thread again: `gone` is made anew, `next` is untouched.
    await new Promise((r) => setTimeout(r, 5));
    await j.hooks.onAcknowledged?.(g1, []);
    await j.flush();
    expect(threadRow(next)).toEqual(before);
    expect(threadRow(gone)).toMatchObject({ messages: 0, open: 0 });
    expect(threadRow(gone)!.row).not.toBe(goneRow);
    reader.close();
    await j.close();
  });

  it('in a journal an older engine wrote, once the migration gave its entries their thread’s rowid', async () => {
    const file = path();
    const old = olderJournal(file, '0013_messages_by_thread_row');
    const thread = old.prepare(`INSERT INTO threads (id, first_at, last_at, messages) VALUES (?, 1, 3, ?)`);
    thread.run('t-1', 2);
    thread.run('t-2', 1);
    const entry = old.prepare(
      `INSERT INTO messages (id, thread_id, to_name, kind, payload, state, created_at, updated_at)
       VALUES (?, ?, 'greeter', 'ingress', '<a/>', 'ACKED', ?, ?)`,
    );
    entry.run('m-1', 't-1', 1, 1);
    entry.run('m-2', 't-2', 2, 2);
    entry.run('m-3', 't-1', 3, 3);
    entry.run('m-4', null, 4, 4);
    old.close();

    const j = new SqliteJournal({ path: file, durability: 'fast', writerThread: 'never' });
    expect(await ids(j, 't-1')).toEqual(['m-3', 'm-1']);
    expect(await ids(j, 't-2')).toEqual(['m-2']);
    await j.close();

    const db = new Database(file, { readonly: true });
    expect(db.prepare('SELECT id, thread_row AS row FROM messages ORDER BY id').all()).toEqual([
      { id: 'm-1', row: 1 },
      { id: 'm-2', row: 2 },
      { id: 'm-3', row: 1 },
      { id: 'm-4', row: null },
    ]);
    const indexes = indexesOf(db, 'messages');
    expect(indexes).toContain('messages_thread_row_created');
    expect(indexes).not.toContain('messages_thread_created');
    db.close();
  });
});
