// Stops a bench's PostgreSQL once the bench's process is gone, however it went (a process of its own,
// detached: it outlives a SIGKILL, which tsx sends to a child that does not answer Ctrl-C within 60 ms,
// as in a synchronous SQLite loop), and removes its folder unless it is kept (an empty argument).
// Harmless after a normal end: nothing is left to stop.
//
//   node postgres-watchdog.mjs <bench pid> <data folder> <folder to remove, or ''>
import { rmSync } from 'node:fs';
import { stopPostgres } from '../../scripts/postgres.mjs';

const [pid, dir, parent] = process.argv.slice(2);
const alive = () => {
  try {
    process.kill(Number(pid), 0);
    return true;
  } catch {
    return false;
  }
};
const timer = setInterval(() => {
  if (alive()) return;
  clearInterval(timer);
  try {
    stopPostgres(dir);
  } finally {
    if (parent) rmSync(parent, { recursive: true, force: true });
  }
}, 500);
