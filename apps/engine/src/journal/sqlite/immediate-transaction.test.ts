import { once } from 'node:events';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { ImmediateTransaction } from './immediate-transaction.ts';
import { tempJournalPaths } from './temp-journal-paths.ts';

const path = tempJournalPaths('organism-immediate-');
const open: Database.Database[] = [];
afterEach(() => {
  for (const db of open.splice(0)) db.close();
});

/** A WAL database with one table, on a connection whose busy timeout is `timeoutMs`. */
function connect(file: string, timeoutMs: number): Database.Database {
  const db = new Database(file, { timeout: timeoutMs });
  db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE IF NOT EXISTS t (name TEXT)');
  open.push(db);
  return db;
}

const names = (db: Database.Database): string[] =>
  db.prepare('SELECT name FROM t ORDER BY rowid').pluck().all() as string[];

/**
 * Another connection on a thread of its own that takes the write lock, writes `theirs`, says so, and
 * commits `holdMs` later: this thread's tries for the lock block it meanwhile, as SQLite's busy handler did.
 */
async function holdWriteLock(file: string, holdMs: number): Promise<Worker> {
  const betterSqlite = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(
    `const { parentPort, workerData } = require('node:worker_threads');
     const Database = require(workerData.betterSqlite);
     const db = new Database(workerData.file);
     db.exec('BEGIN IMMEDIATE');
     db.prepare("INSERT INTO t (name) VALUES ('theirs')").run();
     parentPort.postMessage('locked');
     Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, workerData.holdMs);
     db.exec('COMMIT');
     db.close();`,
    { eval: true, workerData: { file, holdMs, betterSqlite } },
  );
  await once(worker, 'message');
  return worker;
}

describe('ImmediateTransaction', () => {
  it('commits what its function wrote', () => {
    const db = connect(path(), 2_000);
    new ImmediateTransaction(db).run(() => db.prepare("INSERT INTO t (name) VALUES ('ours')").run());
    expect(names(db)).toEqual(['ours']);
    expect(db.inTransaction).toBe(false);
  });

  it('rolls back and throws what its function threw', () => {
    const db = connect(path(), 2_000);
    const tx = new ImmediateTransaction(db);
    expect(() =>
      tx.run(() => {
        db.prepare("INSERT INTO t (name) VALUES ('ours')").run();
        throw new Error('the batch failed');
      }),
    ).toThrow('the batch failed');
    expect(names(db)).toEqual([]);
    expect(db.inTransaction).toBe(false);
  });

  it("waits for another connection's write lock, then writes after it", async () => {
    const file = path();
    const db = connect(file, 2_000);
    const tx = new ImmediateTransaction(db);
    const worker = await holdWriteLock(file, 80);
    tx.run(() => db.prepare("INSERT INTO t (name) VALUES ('ours')").run());
    await once(worker, 'exit');
    expect(names(db)).toEqual(['theirs', 'ours']);
    // The connection waits as before for everything else.
    expect(db.pragma('busy_timeout', { simple: true })).toBe(2_000);
  });

  it('gives up with SQLITE_BUSY past the busy timeout, and writes once the lock is free', () => {
    const file = path();
    const db = connect(file, 100);
    const holder = connect(file, 100);
    holder.exec('BEGIN IMMEDIATE');
    const tx = new ImmediateTransaction(db);
    const t0 = performance.now();
    expect(() => tx.run(() => db.prepare("INSERT INTO t (name) VALUES ('ours')").run())).toThrow(
      expect.objectContaining({ code: 'SQLITE_BUSY' }),
    );
    expect(performance.now() - t0).toBeGreaterThanOrEqual(100);
    expect(db.inTransaction).toBe(false);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(100);
    holder.exec('COMMIT');
    tx.run(() => db.prepare("INSERT INTO t (name) VALUES ('ours')").run());
    expect(names(db)).toEqual(['ours']);
  });

  it('throws at once an error other than a wait for the lock, and leaves a transaction it did not begin', () => {
    const db = connect(path(), 5_000);
    db.exec('BEGIN');
    const t0 = performance.now();
    expect(() => new ImmediateTransaction(db).run(() => undefined)).toThrow(/within a transaction/);
    expect(performance.now() - t0).toBeLessThan(5_000);
    expect(db.inTransaction).toBe(true);
    db.exec('ROLLBACK');
  });
});
