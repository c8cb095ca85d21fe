// A PostgreSQL of the project's own: Debian's server on a data folder we choose, listening on 127.0.0.1
// only, trusted for local connections, stopped when we are done. Installs the Debian package when it is
// missing (as root with apt-get, else through sudo). Used by the engine's tests (PostgreSQL journal) and
// by hand:
//
//   node scripts/postgres.mjs start [folder] [port]   # prints the URL; default .organism/postgres, 5544
//   node scripts/postgres.mjs stop [folder]
import { execFileSync, execSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = process.getuid?.() === 0;
/** The superuser initdb creates; the URL connects as it. */
export const PG_USER = 'organism';

/** The newest Debian PostgreSQL's bin folder, installing the package when there is none. */
export function postgresBin() {
  const found = () => {
    const base = '/usr/lib/postgresql';
    if (!existsSync(base)) return undefined;
    const versions = readdirSync(base)
      .filter((v) => existsSync(join(base, v, 'bin', 'initdb')))
      .sort((a, b) => Number(b) - Number(a));
    return versions[0] ? join(base, versions[0], 'bin') : undefined;
  };
  const bin = found();
  if (bin) return bin;
  const sudo = ROOT ? '' : 'sudo ';
  console.log(`postgres: installing Debian's postgresql (${ROOT ? 'as root' : 'with sudo'}; about 30 s)`);
  try {
    execSync(`${sudo}apt-get update -qq && ${sudo}apt-get install -y -qq postgresql`, {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  } catch {
    throw new Error('postgres: could not install it; install the Debian package "postgresql" and retry');
  }
  const installed = found();
  if (!installed) throw new Error('postgres: installed, but no /usr/lib/postgresql/*/bin/initdb was found');
  return installed;
}

/** initdb refuses to run as root: as root, the server's files belong to (and it runs as) Debian's `postgres`. */
function owner() {
  if (!ROOT) return {};
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('postgres:'));
  if (!line)
    throw new Error('postgres: running as root needs the "postgres" user the Debian package creates');
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

function run(bin, tool, args, opts = {}) {
  return execFileSync(join(bin, tool), args, { ...owner(), stdio: ['ignore', 'pipe', 'pipe'], ...opts });
}

/** A free TCP port on loopback. */
export function freePort() {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => res(port));
    });
  });
}

/**
 * Starts PostgreSQL on `dir` (created with initdb when empty) on 127.0.0.1:`port` (a free one when 0).
 * `durable: false` turns fsync off: for a throwaway test cluster only. Returns its URL and `stop()`.
 */
export async function startPostgres({ dir, port = 0, durable = true }) {
  const bin = postgresBin();
  const ids = owner();
  if (!existsSync(join(dir, 'PG_VERSION'))) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (ids.uid !== undefined) chownSync(dir, ids.uid, ids.gid);
    run(bin, 'initdb', [
      '-D',
      dir,
      '-U',
      PG_USER,
      '--auth=trust',
      '-E',
      'UTF8',
      '--no-sync',
      '--no-instructions',
    ]);
  }
  const at = port || (await freePort());
  const settings = [
    `-c listen_addresses=127.0.0.1`,
    `-c port=${at}`,
    `-c unix_socket_directories=''`,
    `-c max_connections=200`,
    ...(durable ? [] : ['-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off']),
  ].join(' ');
  try {
    run(bin, 'pg_ctl', ['start', '-w', '-t', '60', '-D', dir, '-l', join(dir, 'server.log'), '-o', settings]);
  } catch (err) {
    const log = existsSync(join(dir, 'server.log'))
      ? readFileSync(join(dir, 'server.log'), 'utf8').slice(-2000)
      : '';
    throw new Error(`postgres: could not start on ${dir} (port ${at}): ${err.stderr ?? err}\n${log}`);
  }
  return {
    url: `postgres://${PG_USER}@127.0.0.1:${at}/postgres`,
    port: at,
    stop: () => stopPostgres(dir),
  };
}

/** Stops the server on `dir` (fast shutdown: sessions are ended, committed work is kept). */
export function stopPostgres(dir) {
  if (!existsSync(join(dir, 'postmaster.pid'))) return;
  run(postgresBin(), 'pg_ctl', ['stop', '-w', '-m', 'fast', '-D', dir]);
}

/** Stops it and removes its folder (a throwaway test cluster). */
export function removePostgres(dir) {
  stopPostgres(dir);
  rmSync(dir, { recursive: true, force: true });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [cmd, dirArg, portArg] = process.argv.slice(2);
  const dir = resolve(dirArg ?? join(fileURLToPath(new URL('..', import.meta.url)), '.organism', 'postgres'));
  if (cmd === 'start') {
    const { url } = await startPostgres({ dir, port: Number(portArg ?? 5544) });
    console.log(url);
  } else if (cmd === 'stop') {
    stopPostgres(dir);
  } else {
    console.error('usage: node scripts/postgres.mjs start|stop [folder] [port]');
    process.exit(2);
  }
}
