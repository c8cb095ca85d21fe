/**
 * A PostgreSQL of the bench's own (scripts/postgres.mjs): Debian's server, durable (fsync on), on a free
 * loopback port, in a temp folder that is stopped and removed when this process exits, also on an
 * error or Ctrl-C, and by a watchdog (postgres-watchdog.mjs) if it is killed. Installed with apt when
 * missing.
 */
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startPostgres, stopPostgres } from '../../scripts/postgres.mjs';

/**
 * Starts the server; resolves with its URL (the superuser, database `postgres`) and a folder for the
 * bench's other scratch files, removed with the server's.
 */
export async function startBenchPostgres(): Promise<{ url: string; scratch: string }> {
  const parent = mkdtempSync(join(tmpdir(), 'organism-bench-pg-'));
  // As root the server runs as Debian's `postgres` user, which must reach its folder inside this one.
  chmodSync(parent, 0o755);
  const dir = join(parent, 'data');
  let removed = false;
  const remove = (): void => {
    if (removed) return;
    removed = true;
    try {
      stopPostgres(dir);
    } catch (err) {
      console.error(`postgres: could not stop the server on ${dir}: ${String(err)}`);
    }
    rmSync(parent, { recursive: true, force: true });
  };
  // 'exit' runs on a normal end and on an uncaught error; a signal ends the process without it unless
  // we exit ourselves. Ctrl-C reaches this process twice (from the terminal, and relayed by tsx): the
  // handlers stay, so that the second does not kill it while it stops the server.
  process.once('exit', remove);
  let signalled = false;
  const exitOn = (code: number) => (): void => {
    if (signalled) return;
    signalled = true;
    process.exit(code);
  };
  process.on('SIGINT', exitOn(130));
  process.on('SIGTERM', exitOn(143));
  spawn(
    process.execPath,
    [fileURLToPath(new URL('./postgres-watchdog.mjs', import.meta.url)), String(process.pid), parent, dir],
    { detached: true, stdio: 'ignore' },
  ).unref();
  const server = await startPostgres({ dir, port: 0, durable: true });
  return { url: server.url, scratch: parent };
}
