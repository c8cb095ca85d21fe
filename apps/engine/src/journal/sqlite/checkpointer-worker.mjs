// The journal's checkpointer thread (checkpointer.ts): copies the WAL into the database file with
// PASSIVE checkpoints on a connection of its own, so the engine's thread never waits for one. PASSIVE
// never blocks the writer; the writer starts the WAL over once a checkpoint has copied all of it.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

const db = new Database(workerData.path, { timeout: 5_000 });
db.pragma(`synchronous = ${workerData.strict ? 'FULL' : 'NORMAL'}`);
const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
    parentPort?.postMessage({ type: 'checkpointed' });
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
