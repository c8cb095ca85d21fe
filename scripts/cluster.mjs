// `npm run cluster`: the demo organism on PostgreSQL with three engines and the console, to try
// fail-over by hand (docs/scale-out.md). Starts Debian's PostgreSQL on loopback in a folder of the demo's
// own (installing it when missing), three supervised engines on ports 7071–7073 sharing its journal (the
// first with the demo's traffic), and the console in front of them (it talks to one at a time and fails
// over to the next that answers). Ctrl-C stops everything.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildConsoleIfStale, root, startConsole, until } from './console-build.mjs';
import { startPostgres } from './postgres.mjs';

const demo = join(root, 'examples/demo');
const state = join(demo, '.organism');
const ports = [7071, 7072, 7073];
const engineUrl = (port) => `http://127.0.0.1:${port}`;
const consolePort = Number(process.env.ORGANISM_CONSOLE_PORT ?? 3000);
const consoleUrl = `http://127.0.0.1:${consolePort}`;

mkdirSync(state, { recursive: true });
// The cluster's own admin password, kept beside its database so that every start can say it.
const passwordFile = join(state, 'cluster-admin-password');
if (!existsSync(passwordFile))
  writeFileSync(passwordFile, `${randomBytes(12).toString('base64url')}\n`, { mode: 0o600 });
const password = readFileSync(passwordFile, 'utf8').trim();

console.log('cluster: starting PostgreSQL…');
const postgres = await startPostgres({ dir: join(state, 'postgres'), port: 0, durable: true });
// The demo's organism with its journal in PostgreSQL: beside the demo's, so its relative paths hold.
const config = join(demo, '.cluster.yaml');
writeFileSync(
  config,
  `# Written by scripts/cluster.mjs on every start: the demo organism (organism.yaml) on PostgreSQL.\n` +
    readFileSync(join(demo, 'organism.yaml'), 'utf8') +
    `\njournal:\n  driver: postgres\n  url: \${ORGANISM_CLUSTER_PG_URL}\n  schema: demo\n  durability: strict\n`,
);

buildConsoleIfStale('.next', (line) => console.log(`cluster: ${line}`));
const log = openSync(join(state, 'cluster.log'), 'a');
const env = {
  ...process.env,
  ORGANISM_CLUSTER_PG_URL: postgres.url,
  ORGANISM_ADMIN_PASSWORD: password,
};
const startEngine = (port, traffic) =>
  spawn(
    process.execPath,
    [
      join(root, 'apps/engine/bin/organism.js'),
      'start',
      config,
      '--port',
      String(port),
      '--log-format',
      'pretty',
      ...(traffic ? ['--traffic'] : []),
    ],
    { stdio: ['ignore', log, log], env },
  );

const children = [];
let stopping = false;
const stop = (signal) => {
  if (stopping) return;
  stopping = true;
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill(signal);
};
const watch = (child, what) => {
  children.push(child);
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(
        `cluster: ${what} ended (${signal ?? code}); see ${join(state, 'cluster.log')}; stopping`,
      );
      stop('SIGTERM');
    }
    if (children.every((x) => x.exitCode !== null || x.signalCode !== null)) {
      postgres.stop();
      process.exit(0);
    }
  });
};
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));

try {
  // The first engine migrates the schema and makes the admin; the others join it.
  watch(startEngine(ports[0], true), `engine ${ports[0]}`);
  await until(`the engine on ${ports[0]}`, async () => (await fetch(`${engineUrl(ports[0])}/healthz`)).ok);
  for (const port of ports.slice(1)) watch(startEngine(port, false), `engine ${port}`);
  watch(startConsole(spawn, ports.map(engineUrl).join(','), consolePort), 'the console');
  for (const port of ports.slice(1))
    await until(`the engine on ${port}`, async () => (await fetch(`${engineUrl(port)}/healthz`)).ok);
  await until('the console', async () => (await fetch(`${consoleUrl}/sign-in`)).ok);
  console.log(
    `\n  console ${consoleUrl}  —  sign in as admin / ${password}` +
      `\n  engines ${ports.map(engineUrl).join(', ')} on ${postgres.url.replace(/\/\/[^@]*@/, '//')}` +
      `\n  try fail-over: kill -9 an engine's process (organism run …); its work moves to another engine,` +
      `\n  and its supervisor starts it again. Logs: ${join(state, 'cluster.log')}. Ctrl-C stops everything.\n`,
  );
} catch (err) {
  console.error(`cluster: ${err.message}`);
  stop('SIGTERM');
}
