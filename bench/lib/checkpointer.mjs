// A second SQLite connection on a journal file, on a thread of its own, that runs
// `PRAGMA wal_checkpoint(TRUNCATE)` every `everyMs` until told to stop; posts each checkpoint's time
// and how many were busy (journal.bench.ts: dispatch latency while a checkpoint runs).
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

const { path, everyMs } = workerData;
const db = new Database(path);
db.pragma('busy_timeout = 5000');
const times = [];
let busy = 0;
const timer = setInterval(() => {
  const t0 = performance.now();
  const [row] = db.pragma('wal_checkpoint(TRUNCATE)');
  times.push(performance.now() - t0);
  if (row?.busy) busy++;
}, everyMs);
parentPort.once('message', () => {
  clearInterval(timer);
  db.close();
  parentPort.postMessage({ times, busy });
});
