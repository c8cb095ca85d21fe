/**
 * A PostgreSQL of the bench's own (scripts/postgres.mjs): Debian's server, durable (fsync on), on a free
 * loopback port, in a temp folder that is stopped and removed when this process exits, also on an
 * error or Ctrl-C, and by a watchdog (postgres-watchdog.mjs) if it is killed; or on a data folder the
 * bench keeps (startKeptPostgres: stopped the same way, never removed). Installed with apt when missing.
 */
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
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
  stopOnExit(dir, parent);
  const server = await startPostgres({ dir, port: 0, durable: true });
  return { url: server.url, scratch: parent };
}

/**
 * Starts the server on `dir`, a data folder that outlives the process (a cache: created with initdb when
 * empty, kept as it is otherwise); stopped, not removed, when this process exits. Resolves with its URL.
 */
export async function startKeptPostgres(dir: string): Promise<{ url: string }> {
  mkdirSync(dirname(dir), { recursive: true });
  stopOnExit(dir, undefined);
  const server = await startPostgres({ dir, port: 0, durable: true });
  return { url: server.url };
}

/** Stops the server on `dir` (and removes `parent`, if given) when this process exits, however it ends. */
function stopOnExit(dir: string, parent: string | undefined): void {
  let removed = false;
  const remove = (): void => {
    if (removed) return;
    removed = true;
    try {
      stopPostgres(dir);
    } catch (err) {
      console.error(`postgres: could not stop the server on ${dir}: ${String(err)}`);
    }
    if (parent) rmSync(parent, { recursive: true, force: true });
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
    [
      fileURLToPath(new URL('./postgres-watchdog.mjs', import.meta.url)),
      String(process.pid),
      dir,
      parent ?? '',
    ],
    { detached: true, stdio: 'ignore' },
  ).unref();
}
