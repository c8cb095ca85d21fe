// The journal's checkpointer thread (checkpointer.ts): copies the WAL into the database file with
// PASSIVE checkpoints on a connection of its own, so the engine's thread never waits for one. PASSIVE
// never blocks the writer. Under steady commits a round never copies all of the WAL (frames arrive while
// it copies): it copies them again until few are left (checkpoint-round.mjs), and the engine finishes the
// round on its own connection (checkpointer.ts).
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { checkpointRound } from './checkpoint-round.mjs';

const db = new Database(workerData.path, { timeout: 5_000 });
db.pragma(`synchronous = ${workerData.strict ? 'FULL' : 'NORMAL'}`);
const timer = setInterval(() => {
  try {
    const round = checkpointRound(() => db.pragma('wal_checkpoint(PASSIVE)')[0]);
    parentPort?.postMessage({ type: 'checkpointed', ...round });
  } catch (err) {
    parentPort?.postMessage({ type: 'failed', message: err instanceof Error ? err.message : String(err) });
  }
}, workerData.intervalMs);
parentPort?.on('message', (message) => {
  if (message !== 'close') return;
  clearInterval(timer);
  db.close();
  parentPort?.close();
});
