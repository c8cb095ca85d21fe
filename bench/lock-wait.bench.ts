/**
 * How long a journal batch waits for the write lock another connection holds (the command line adding a
 * user, a tool that checkpoints the file with TRUNCATE, the other journal connection's write), beside how
 * long that connection held it: the limit, since no writer can start before the lock is free. A
 * connection on a thread of its own takes the lock (BEGIN IMMEDIATE), holds it for 3, 9, 20 or 45 ms and
 * commits; this thread's write waits for it, once through SQLite's busy handler (better-sqlite3's
 * `transaction().immediate()`, as the journal's batches did until 2026-12-06) and once through the
 * journal's `ImmediateTransaction`, which tries again at most half a millisecond apart.
 * Run: cd bench && pnpm lock-wait   (BENCH_LOCK_ROUNDS sets the waits per hold, default 10).
 */
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { ImmediateTransaction } from '../apps/engine/src/journal/sqlite/immediate-transaction.ts';
import { median } from './lib/figures.ts';

const ROUNDS = Number(process.env.BENCH_LOCK_ROUNDS ?? 10);
const HOLDS_MS = [3, 9, 20, 45];

const dir = mkdtempSync(join(tmpdir(), 'organism-lock-wait-'));
process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
const path = join(dir, 'journal.sqlite');
const db = new Database(path, { timeout: 2_000 });
db.pragma('journal_mode = WAL');
db.exec('CREATE TABLE t (x INTEGER)');
const insert = db.prepare('INSERT INTO t (x) VALUES (1)');

// [0]: the hold asked for in ms + 1 (0: idle, -1: stop); [1]: 1 once the holder has the lock.
const signal = new Int32Array(new SharedArrayBuffer(8));
const holder = new Worker(
  `const { workerData } = require('node:worker_threads');
   const Database = require(workerData.betterSqlite);
   const db = new Database(workerData.path);
   const s = workerData.signal;
   for (;;) {
     Atomics.wait(s, 0, 0);
     const asked = Atomics.load(s, 0);
     if (asked === -1) break;
     db.exec('BEGIN IMMEDIATE');
     Atomics.store(s, 1, 1);
     Atomics.notify(s, 1);
     const t0 = performance.now();
     while (performance.now() - t0 < asked - 1);
     db.exec('COMMIT');
     Atomics.store(s, 0, 0);
   }
   db.close();`,
  {
    eval: true,
    workerData: { path, signal, betterSqlite: createRequire(import.meta.url).resolve('better-sqlite3') },
  },
);

/** This thread's write while the holder keeps the lock `holdMs`: how long it took, in ms. */
function waitBehind(holdMs: number, write: () => void): number {
  Atomics.store(signal, 1, 0);
  Atomics.store(signal, 0, holdMs + 1);
  Atomics.notify(signal, 0);
  Atomics.wait(signal, 1, 0);
  const t0 = performance.now();
  write();
  const took = performance.now() - t0;
  // Until the holder is idle again (it committed before this write could start).
  while (Atomics.load(signal, 0) !== 0) Atomics.wait(signal, 0, Atomics.load(signal, 0), 1);
  return took;
}

const ways: [string, () => void][] = [
  ["SQLite's busy handler", () => db.transaction(() => insert.run()).immediate()],
  [
    'ImmediateTransaction',
    (
      (tx) => () =>
        tx.run(() => insert.run())
    )(new ImmediateTransaction(db)),
  ],
];
console.log(`a write behind another connection's write lock — ${ROUNDS} waits each, node ${process.version}`);
for (const holdMs of HOLDS_MS) {
  const cells = ways.map(([name, write]) => {
    const waits = Array.from({ length: ROUNDS }, () => waitBehind(holdMs, write));
    const m = median(waits);
    return `${name} ${m.toFixed(1)} ms (×${(m / holdMs).toFixed(2)}, max ${Math.max(...waits).toFixed(1)})`;
  });
  console.log(`lock held ${String(holdMs).padStart(2)} ms: ${cells.join(' · ')}`);
}
Atomics.store(signal, 0, -1);
Atomics.notify(signal, 0);
await once(holder, 'exit');
db.close();
