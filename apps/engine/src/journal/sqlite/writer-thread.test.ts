import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { Log } from '@organism/shared';
import { delivery } from '../journal-contract.ts';
import { failure } from '../contract/fixtures.ts';
import { JournalError } from '../journal-error.ts';
import { journalFault } from '../journal-outage.ts';
import { SqliteJournal } from './sqlite-journal.ts';
import type { SqliteJournalOptions } from './sqlite-journal-options.ts';
import { revived, writerError } from './writer-protocol.ts';

const path = (): string => join(mkdtempSync(join(tmpdir(), 'journal-writer-')), 'journal.sqlite');

/** A log that keeps what it is told. */
function keptLog(): Log & { lines: string[] } {
  const lines: string[] = [];
  const keep = (_: unknown, msg: string): void => void lines.push(msg);
  return { lines, error: keep, warn: keep, info: keep, debug: () => {} };
}

let open: SqliteJournal[] = [];
const journal = (opts: Partial<SqliteJournalOptions> = {}): SqliteJournal => {
  const j = new SqliteJournal({ path: path(), durability: 'strict', ...opts });
  open.push(j);
  return j;
};
afterEach(async () => {
  await Promise.all(open.map((j) => j.close()));
  open = [];
});

async function until(check: () => boolean, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await sleep(10);
  }
}

/** One delivery through its whole life: intent, start, acknowledgement. */
async function deliver(j: SqliteJournal): Promise<void> {
  const d = delivery();
  await j.hooks.onIntent?.([d]);
  void j.hooks.onDispatched?.(d);
  await j.hooks.onAcknowledged?.(d, []);
}

describe("the journal's writer thread", () => {
  it('takes over the writes once the journal is busy, and every write lands whichever thread made it', async () => {
    const j = journal({ durability: 'fast' });
    // Entries started on the engine's thread and finished on the writer thread.
    const early = Array.from({ length: 50 }, () => delivery());
    await j.hooks.onIntent?.(early);
    expect(j.writerState).toBe('inline');
    // 4,096 writes (about 1,400 deliveries) make the journal busy enough to start it.
    for (let round = 0; round < 14; round++) await Promise.all(Array.from({ length: 100 }, () => deliver(j)));
    expect(j.writerState).not.toBe('inline');
    await until(() => j.writerState === 'thread');
    for (const d of early) void j.hooks.onDispatched?.(d);
    for (const d of early) await j.hooks.onAcknowledged?.(d, []);
    for (let i = 0; i < 100; i++) await deliver(j);
    const { counts } = await j.stats();
    expect(counts).toMatchObject({ ACKED: 1_550, PENDING: 0, DISPATCHED: 0 });
    expect((await j.getMessage(early[0]!.id))?.transitions.map((t) => t.state)).toEqual([
      'PENDING',
      'DISPATCHED',
      'ACKED',
    ]);
  });

  it("early: starts as the journal opens, and the engine's thread commits until it is ready", async () => {
    const j = journal({ writerThread: 'early' });
    expect(j.writerState).toBe('starting');
    // Before the thread is ready, a write does not wait for it.
    await deliver(j);
    expect(j.writerState).toBe('starting');
    await until(() => j.writerState === 'thread');
    await deliver(j);
    expect((await j.stats()).counts).toMatchObject({ ACKED: 2, PENDING: 0 });
  });

  it("adaptive: commits on the engine's thread while it has time to spare, on the writer thread while it is busy", async () => {
    const j = journal({ durability: 'fast', writerThread: 'adaptive' });
    await until(() => j.writerState === 'standby');
    await deliver(j);
    expect(j.writerState).toBe('standby');
    // The engine's event loop busy without a pause (each turn spins 100 ms): the next tick moves the
    // commits to the writer thread.
    let busy = true;
    const spin = (): void => {
      const end = performance.now() + 100;
      while (performance.now() < end);
      if (busy) setImmediate(spin);
    };
    spin();
    await until(() => j.writerState === 'thread', 5_000);
    busy = false;
    await deliver(j);
    // Quiet again: after a few seconds with both event loops mostly idle, they come back.
    await until(() => j.writerState === 'standby', 10_000);
    await deliver(j);
    expect((await j.stats()).counts).toMatchObject({ ACKED: 3, PENDING: 0, DISPATCHED: 0 });
  });

  it("adaptive, strict: the writer thread takes the commits as it is ready (fsync would hold the engine's event loop)", async () => {
    const j = journal({ durability: 'strict', writerThread: 'adaptive' });
    await until(() => j.writerState === 'thread');
    await deliver(j);
    expect((await j.stats()).counts.ACKED).toBe(1);
  });

  for (const writerThread of ['always', 'never'] as const) {
    it(`${writerThread === 'always' ? 'thread' : 'inline'}: a redelivery's start is a promise that resolves once committed, and only a redelivery's`, async () => {
      const file = path();
      const j = journal({ path: file, writerThread });
      const [again, fresh] = [delivery(), delivery()];
      await j.hooks.onIntent?.([again, fresh]);
      await j.recordRecovery({ redeliver: [again], exhaust: [] });
      const onDisk = new Database(file, { readonly: true });
      const state = (id: string): unknown =>
        (onDisk.prepare('SELECT state FROM messages WHERE id = ?').get(id) as { state: string }).state;
      const start = j.hooks.onDispatched?.(again);
      expect(start).toBeInstanceOf(Promise);
      // The engine's thread goes on while it is committed: nothing is written before this turn ends.
      expect(state(again.id)).toBe('PENDING');
      await start;
      expect(state(again.id)).toBe('DISPATCHED');
      // Any other start (and the same delivery's next one) goes with the next batch, waited on by no one.
      expect(j.hooks.onDispatched?.(fresh)).toBeUndefined();
      expect(j.hooks.onDispatched?.(again)).toBeUndefined();
      onDisk.close();
    });
  }

  it("fails a batch that SQLite refused with SQLite's error and code, and nothing else", async () => {
    const j = journal({ writerThread: 'always' });
    const d = delivery();
    await j.hooks.onIntent?.([d]);
    // The same id twice: the table's key refuses it, on the writer thread's connection.
    const refused = await Promise.resolve(j.hooks.onIntent?.([d])).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(refused).toMatchObject({ code: 'SQLITE_CONSTRAINT_PRIMARYKEY' });
    expect(String(refused)).toContain('UNIQUE constraint failed: messages.id');
    await deliver(j);
    expect(j.writerState).toBe('thread');
    expect((await j.stats()).counts).toMatchObject({ PENDING: 1, ACKED: 1 });
  });

  it("goes on writing on the engine's thread when the writer thread dies, and says so", async () => {
    const log = keptLog();
    const j = journal({ writerThread: 'always', log });
    await deliver(j);
    await j.killWriterThread();
    await until(() => j.writerState === 'inline');
    expect(log.lines).toContainEqual(
      expect.stringContaining("writer thread failed; the engine's thread writes"),
    );
    await deliver(j);
    await deliver(j);
    expect((await j.stats()).counts).toMatchObject({ ACKED: 3, PENDING: 0 });
  });

  it('prunes a chunk per transaction, and ends with the sweep of threads left without entries', async () => {
    const j = journal({ writerThread: 'always', pruneChunk: 100 });
    for (let i = 0; i < 250; i++) await deliver(j);
    // A dead letter discarded leaves its thread without entries: the prune's last chunk sweeps it.
    const dead = delivery();
    await j.hooks.onIntent?.([dead]);
    await j.hooks.onFailed?.(dead, failure, { outputs: [] });
    await j.discard(dead.id);
    const kept = delivery();
    await j.hooks.onIntent?.([kept]);
    let transactions = 0;
    const unwatch = j.watchWrites(() => transactions++);
    expect(await j.prune(Date.now() + 1)).toBe(250);
    unwatch();
    expect(transactions).toBe(3);
    expect((await j.stats()).counts).toMatchObject({ ACKED: 0, PENDING: 1 });
    expect((await j.listThreads({})).items.map((t) => t.id)).toEqual([kept.threadId]);
  });

  it('brings an outage on the writer thread back as JOURNAL_UNAVAILABLE, with the SQLite code', () => {
    const full = Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
    const back = revived(writerError(full));
    expect(back).toMatchObject({ message: 'database or disk is full', code: 'SQLITE_FULL' });
    const fault = journalFault(back, 'record the message');
    expect(fault).toBeInstanceOf(JournalError);
    expect(fault).toMatchObject({ code: 'JOURNAL_UNAVAILABLE' });
    expect((fault as Error).message).toContain('SQLITE_FULL');
  });
});
