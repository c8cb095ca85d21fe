import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { delivery, failure } from '../contract/fixtures.ts';
import { indexesOf, olderJournal } from './migration-test-kit.ts';
import { SqliteJournal } from './sqlite-journal.ts';
import { tempJournalPaths } from './temp-journal-paths.ts';

const path = tempJournalPaths('organism-transitions-');

const states = (ts: { messageId: string; state: string }[] | undefined) =>
  ts?.map((t) => `${t.messageId.slice(0, 4)} ${t.state}`);

describe("an entry's transitions, found by its rowid", () => {
  it('are its own when it takes the rowid of a discarded entry, whose transitions stay in the log', async () => {
    const file = path();
    const j = new SqliteJournal({ path: file, durability: 'fast', writerThread: 'never' });
    const reader = new Database(file, { readonly: true });
    const rowOf = (id: string) =>
      (reader.prepare('SELECT rowid AS r FROM messages WHERE id = ?').get(id) as { r: number } | undefined)
        ?.r;

    const [kept, gone, next] = [delivery(), delivery(), delivery()];
    await j.hooks.onIntent?.([kept, gone]);
    await j.hooks.onAcknowledged?.(kept, []);
    await j.hooks.onFailed?.(gone, failure, { outputs: [] });
    await j.flush();
    const goneRow = rowOf(gone.id);
    await j.discard(gone.id);
    // The newest entry gone, SQLite gives its rowid to the next one: the case the id check is for.
    await j.hooks.onIntent?.([next]);
    await j.hooks.onDispatched?.(next);
    await j.hooks.onAcknowledged?.(next, []);
    await j.flush();
    expect(rowOf(next.id)).toBe(goneRow);

    expect(states((await j.getMessage(next.id))?.transitions)).toEqual(
      ['PENDING', 'DISPATCHED', 'ACKED'].map((s) => `${next.id.slice(0, 4)} ${s}`),
    );
    expect(states((await j.getMessage(kept.id))?.transitions)).toEqual(
      ['PENDING', 'ACKED'].map((s) => `${kept.id.slice(0, 4)} ${s}`),
    );
    const log = await j.transitions(0, 100);
    expect(log.filter((t) => t.messageId === gone.id).map((t) => t.state)).toEqual([
      'PENDING',
      'FAILED',
      'DISCARDED',
    ]);
    reader.close();
    await j.close();
  });

  it('in a journal an older engine wrote, once the migration gave its transitions their rowids', async () => {
    const file = path();
    const old = olderJournal(file, '0012_transitions_by_message_row');
    const entry = old.prepare(
      `INSERT INTO messages (id, thread_id, to_name, kind, payload, state, created_at, updated_at)
       VALUES (?, 't-1', 'greeter', 'ingress', '<a/>', ?, ?, ?)`,
    );
    const log = old.prepare(
      `INSERT INTO transitions (message_id, thread_id, state, attempt, at) VALUES (?, 't-1', ?, 1, ?)`,
    );
    entry.run('m-1', 'ACKED', 1, 3);
    entry.run('m-2', 'PENDING', 2, 2);
    log.run('m-1', 'PENDING', 1);
    log.run('m-2', 'PENDING', 2);
    log.run('m-gone', 'DISCARDED', 2);
    log.run('m-1', 'DISPATCHED', 3);
    log.run('m-1', 'ACKED', 3);
    old.close();

    const j = new SqliteJournal({ path: file, durability: 'fast', writerThread: 'never' });
    expect((await j.getMessage('m-1'))?.transitions.map((t) => t.state)).toEqual([
      'PENDING',
      'DISPATCHED',
      'ACKED',
    ]);
    expect((await j.getMessage('m-2'))?.transitions.map((t) => t.state)).toEqual(['PENDING']);
    // New transitions of an old entry join it.
    await j.hooks.onDispatched?.(delivery({ id: 'm-2' as never, threadId: 't-1' as never, to: 'greeter' }));
    await j.flush();
    expect((await j.getMessage('m-2'))?.transitions.map((t) => t.state)).toEqual(['PENDING', 'DISPATCHED']);
    await j.close();

    const db = new Database(file, { readonly: true });
    expect(
      db.prepare('SELECT message_id AS id, message_row AS row FROM transitions ORDER BY seq').all(),
    ).toEqual([
      { id: 'm-1', row: 1 },
      { id: 'm-2', row: 2 },
      { id: 'm-gone', row: null },
      { id: 'm-1', row: 1 },
      { id: 'm-1', row: 1 },
      { id: 'm-2', row: 2 },
    ]);
    // The index on message_id (random ids) is gone; the one on the rowid reads an entry's history.
    const indexes = indexesOf(db, 'transitions');
    expect(indexes).toContain('transitions_message_row');
    expect(indexes).not.toContain('transitions_message');
    db.close();
  });
});
