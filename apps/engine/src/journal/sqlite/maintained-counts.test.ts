import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { describe, expect, it } from 'vitest';
import { delivery } from '../journal-contract.ts';
import { olderJournal } from './migration-test-kit.ts';
import { SqliteJournal } from './sqlite-journal.ts';

const MIGRATIONS = join(dirname(fileURLToPath(import.meta.url)), '../../../drizzle');
const fresh = (): string => join(mkdtempSync(join(tmpdir(), 'journal-counts-')), 'journal.sqlite');
const failure = { code: 'HANDLER_ERROR' as const, message: 'the handler failed', detail: 'boom' };

/**
 * What the write statements keep (migration thread_status_participants_and_counts), against what the entries
 * say: per-state counts, each thread's open and failed entries, and who took part in each thread.
 */
function drift(sqlite: Database.Database): {
  counts: unknown[];
  threads: unknown[];
  participants: unknown[];
} {
  return {
    counts: sqlite
      .prepare(
        `SELECT c.state, c.n, CASE c.state
           WHEN 'REFUSED' THEN (SELECT count(*) FROM messages m WHERE m.state = 'FAILED' AND m.kind = 'rejected')
           ELSE (SELECT count(*) FROM messages m WHERE m.state = c.state) END AS actual
         FROM journal_counts c WHERE c.n <> actual`,
      )
      .all(),
    threads: sqlite
      .prepare(
        `SELECT * FROM (SELECT t.id, t.open, t.failed,
           (SELECT count(*) FROM messages m WHERE m.thread_id = t.id AND m.state IN ('PENDING','DISPATCHED')) AS o,
           (SELECT count(*) FROM messages m WHERE m.thread_id = t.id AND m.state = 'FAILED') AS f
         FROM threads t) WHERE open <> o OR failed <> f`,
      )
      .all(),
    participants: sqlite
      .prepare(
        `SELECT name, thread_id FROM (
           SELECT from_name AS name, thread_id FROM messages WHERE thread_id IS NOT NULL AND from_name IS NOT NULL
           UNION SELECT to_name, thread_id FROM messages WHERE thread_id IS NOT NULL AND to_name IS NOT NULL) m
         WHERE NOT EXISTS (SELECT 1 FROM threads t
           WHERE t.id = m.thread_id AND instr(t.participants, char(31) || m.name || char(31)) > 0)`,
      )
      .all(),
  };
}
const none = { counts: [], threads: [], participants: [] };

describe('counts the SQLite journal keeps instead of counting rows', () => {
  it('match the entries through every kind of write', async () => {
    const j = new SqliteJournal({ path: fresh(), durability: 'fast' });
    const sqlite = j.database.sqlite;
    const [a, b, c, d] = [delivery(), delivery(), delivery(), delivery()];
    if (!a || !b || !c || !d) throw new Error('setup');
    await j.hooks.onIntent?.([a, b, c, d]);
    expect(drift(sqlite)).toEqual(none);
    void j.hooks.onDispatched?.(a);
    const forward = delivery({ threadId: a.threadId, from: 'greeter', to: 'shouter', kind: 'forward' });
    await j.hooks.onAcknowledged?.(a, [forward]);
    await j.hooks.onFailed?.(b, failure, { retryAt: Date.now() + 60_000, outputs: [] });
    const err = delivery({
      threadId: c.threadId,
      from: 'greeter',
      to: 'client',
      kind: 'error',
      egress: true,
    });
    await j.hooks.onFailed?.(c, failure, { outputs: [err] });
    await j.hooks.onFailed?.(d, failure, { outputs: [] });
    j.hooks.onRejected?.({
      raw: '<x',
      threadId: a.threadId,
      from: 'client',
      error: { code: 'MALFORMED_XML', message: 'bad', problems: [{ message: 'bad' }] },
    });
    await j.flush();
    expect(drift(sqlite)).toEqual(none);
    expect((await j.stats()).counts).toEqual({ PENDING: 2, DISPATCHED: 0, ACKED: 2, FAILED: 3 });
    expect((await j.stats()).refused).toBe(1);
    // a's thread has an open forward (and a refusal): active, not failed.
    expect((await j.listThreads({ status: 'failed' })).items.map((t) => t.id).sort()).toEqual(
      [c.threadId, d.threadId].sort(),
    );

    await j.retry(c.id);
    await j.discard(d.id);
    await j.exhaust(b.id, 'its listener is gone');
    expect(drift(sqlite)).toEqual(none);
    expect((await j.stats()).counts).toEqual({ PENDING: 2, DISPATCHED: 0, ACKED: 2, FAILED: 2 });
    expect((await j.listThreads({ status: 'active' })).items.map((t) => t.id).sort()).toEqual(
      [a.threadId, c.threadId].sort(),
    );

    // A batch that fails leaves nothing counted, and what it seemed to write is written again later.
    const e = delivery({ to: 'listener-e' });
    await expect(j.hooks.onIntent?.([e, e])).rejects.toThrow();
    await j.hooks.onIntent?.([delivery({ threadId: e.threadId, to: 'listener-e' })]);
    expect(drift(sqlite)).toEqual(none);
    expect((await j.stats()).counts.PENDING).toBe(3);

    expect(await j.prune(Date.now() + 1)).toBe(2);
    expect(drift(sqlite)).toEqual(none);
    expect((await j.stats()).counts).toEqual({ PENDING: 3, DISPATCHED: 0, ACKED: 0, FAILED: 2 });
    // A thread lists each participant once, on whichever side it was.
    const { participants } = sqlite
      .prepare('SELECT participants FROM threads WHERE id = ?')
      .get(a.threadId) as {
      participants: string;
    };
    expect(participants.split('\u001f').sort()).toEqual(['', '', 'client', 'greeter', 'shouter']);
    await j.close();
  });

  it('match when a delivery is recorded, started, answered and retried within one transaction', async () => {
    const j = new SqliteJournal({ path: fresh(), durability: 'fast' });
    const sqlite = j.database.sqlite;
    const [a, b] = [delivery(), delivery()];
    if (!a || !b) throw new Error('setup');
    const reply = delivery({ threadId: a.threadId, from: a.to, to: a.from, kind: 'reply', egress: true });
    // Nothing awaited in between: the group commit writes all of it in one transaction.
    const intent = j.hooks.onIntent?.([a, b]);
    void j.hooks.onDispatched?.(a);
    const acked = j.hooks.onAcknowledged?.(a, [reply]);
    void j.hooks.onDispatched?.(b);
    const failed = j.hooks.onFailed?.(b, failure, { retryAt: Date.now() + 60_000, outputs: [] });
    await Promise.all([intent, acked, failed]);
    expect(drift(sqlite)).toEqual(none);
    expect((await j.stats()).counts).toEqual({ PENDING: 1, DISPATCHED: 0, ACKED: 2, FAILED: 0 });
    // Every transition is in the log, in the order it happened, although each entry was written once.
    const log = sqlite.prepare('SELECT message_id AS id, state FROM transitions ORDER BY seq').all() as {
      id: string;
      state: string;
    }[];
    expect(log).toEqual([
      { id: a.id, state: 'PENDING' },
      { id: b.id, state: 'PENDING' },
      { id: a.id, state: 'DISPATCHED' },
      // A hop's outputs come before its acknowledgement.
      { id: reply.id, state: 'ACKED' },
      { id: a.id, state: 'ACKED' },
      { id: b.id, state: 'DISPATCHED' },
      { id: b.id, state: 'FAILED' },
      { id: b.id, state: 'PENDING' },
    ]);
    const retry = await j.getMessage(b.id);
    expect([retry?.state, retry?.errorCode, retry?.attempts]).toEqual(['PENDING', 'HANDLER_ERROR', 1]);
    expect(sqlite.prepare('SELECT participants FROM threads WHERE id = ?').pluck().get(a.threadId)).toBe(
      `\u001f${a.from}\u001f${a.to}\u001f`,
    );
    await j.close();
  });

  it('match after a restart hands unfinished entries back and they finish', async () => {
    const path = fresh();
    const before = new SqliteJournal({ path, durability: 'fast' });
    const [a, b, c] = [delivery(), delivery(), delivery()];
    if (!a || !b || !c) throw new Error('setup');
    await before.hooks.onIntent?.([a, b, c]);
    void before.hooks.onDispatched?.(b);
    await before.close();

    const j = new SqliteJournal({ path, durability: 'fast' });
    const back = await j.unfinished();
    expect(back.map((e) => e.delivery.id).sort()).toEqual([a.id, b.id, c.id].sort());
    await j.recordRecovery({
      redeliver: [a, c].map((d) => ({ ...d, attempt: 1 })),
      exhaust: [{ delivery: b, detail: 'crashed' }],
    });
    void j.hooks.onDispatched?.(a);
    await j.hooks.onAcknowledged?.(a, []);
    await j.hooks.onFailed?.(c, failure, { outputs: [] });
    expect(drift(j.database.sqlite)).toEqual(none);
    expect((await j.stats()).counts).toEqual({ PENDING: 0, DISPATCHED: 0, ACKED: 1, FAILED: 2 });
    await j.close();
  });

  it('are filled in when a journal written before them is opened', async () => {
    const path = fresh();
    // The journal as the migrations before it left it, with entries written then.
    const older = mkdtempSync(join(tmpdir(), 'journal-migrations-'));
    cpSync(MIGRATIONS, older, { recursive: true });
    const meta = JSON.parse(readFileSync(join(older, 'meta/_journal.json'), 'utf8')) as {
      entries: { tag: string }[];
    };
    const at = meta.entries.findIndex((e) => e.tag.endsWith('_thread_status_participants_and_counts'));
    expect(at).toBeGreaterThan(0);
    for (const e of meta.entries.slice(at)) rmSync(join(older, `${e.tag}.sql`));
    meta.entries = meta.entries.slice(0, at);
    writeFileSync(join(older, 'meta/_journal.json'), JSON.stringify(meta));
    const sqlite = new Database(path);
    migrate(drizzle(sqlite), { migrationsFolder: older });
    // Rows as the journal wrote them then: entries, their threads, no counts.
    const now = Date.now();
    const entry = sqlite.prepare(
      `INSERT INTO messages (id, thread_id, from_name, to_name, root, kind, state, created_at, updated_at)
       VALUES (?, ?, ?, ?, 'greeting', 'ingress', ?, ?, ?)`,
    );
    const thread = sqlite.prepare(
      `INSERT INTO threads (id, first_at, last_at, messages) VALUES (?, ?, ?, 1)`,
    );
    const [a, b, c] = [delivery(), delivery(), delivery({ to: 'shouter' })];
    if (!a || !b || !c) throw new Error('setup');
    for (const [d, state] of [
      [a, 'ACKED'],
      [b, 'FAILED'],
      [c, 'PENDING'],
    ] as const) {
      entry.run(d.id, d.threadId, d.from, d.to, state, now, now);
      thread.run(d.threadId, now, now);
    }
    sqlite.close();

    const j = new SqliteJournal({ path, durability: 'fast' });
    expect(drift(j.database.sqlite)).toEqual(none);
    expect((await j.stats()).counts).toEqual({ PENDING: 1, DISPATCHED: 0, ACKED: 1, FAILED: 1 });
    const statuses = new Map((await j.listThreads({})).items.map((t) => [t.id, t.status]));
    expect(statuses).toEqual(
      new Map([
        [a.threadId, 'completed'],
        [b.threadId, 'failed'],
        [c.threadId, 'active'],
      ]),
    );
    expect((await j.listThreads({ participant: 'shouter' })).items.map((t) => t.id)).toEqual([c.threadId]);
    await j.close();
  });

  it('count refused input once a journal written before that count is opened', async () => {
    const path = fresh();
    const sqlite = olderJournal(path, '0016_refused_count');
    const now = Date.now();
    const entry = sqlite.prepare(
      `INSERT INTO messages (id, thread_id, from_name, to_name, root, kind, state, created_at, updated_at)
       VALUES (?, NULL, 'client', 'greeter', 'greeting', ?, 'FAILED', ?, ?)`,
    );
    for (const kind of ['rejected', 'rejected', 'ingress']) entry.run(delivery().id, kind, now, now);
    sqlite.prepare(`UPDATE journal_counts SET n = 3 WHERE state = 'FAILED'`).run();
    sqlite.close();

    const j = new SqliteJournal({ path, durability: 'fast' });
    expect(drift(j.database.sqlite)).toEqual(none);
    const s = await j.stats();
    expect([s.counts.FAILED, s.refused]).toEqual([3, 2]);
    await j.close();
  });

  it("match when the commits move between the engine's thread and the writer thread mid-delivery", async () => {
    const j = new SqliteJournal({ path: fresh(), durability: 'fast', writerThread: 'adaptive' });
    const until = Date.now() + 30_000;
    while (j.writerState !== 'standby' && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
    expect(j.writerState).toBe('standby');
    // Each delivery is recorded on one thread, started on the other and finished on the first: a side
    // that went on believing its own last write would count it out of PENDING, not DISPATCHED.
    const ds = Array.from({ length: 12 }, () => delivery());
    const places = ['engine', 'thread'] as const;
    for (let step = 0; step < ds.length + 2; step++) {
      j.placeWrites(places[step % 2]!);
      const [record, start, end] = [ds[step], ds[step - 1], ds[step - 2]];
      if (record) await j.hooks.onIntent?.([record]);
      if (start) void j.hooks.onDispatched?.(start);
      // Every third fails for good, the rest are acknowledged.
      if (end && ds.indexOf(end) % 3 === 0) await j.hooks.onFailed?.(end, failure, { outputs: [] });
      else if (end) await j.hooks.onAcknowledged?.(end, []);
      await j.flush();
      expect(j.writerState).toBe(step % 2 ? 'thread' : 'standby');
      expect(drift(j.database.sqlite)).toEqual(none);
    }
    expect((await j.stats()).counts).toEqual({ PENDING: 0, DISPATCHED: 0, ACKED: 8, FAILED: 4 });
    await j.close();
  });
});
