// `npm run demo`: the demo organism under its supervisor, with traffic, and the console in front of it.
// Builds the console on first run and whenever its sources change, waits until both answer, then prints
// one line: where to open the console and how to sign in. Ctrl-C stops both.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildConsoleIfStale, root, startConsole, until } from './console-build.mjs';

const organism = join(root, 'examples/demo/organism.yaml');
const state = join(root, 'examples/demo/.organism');
/** A port from the environment variable `name`, or `fallback`; anything else stops the demo, saying so. */
function portFrom(name, fallback) {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const port = /^\d+$/.test(text) ? Number(text) : NaN;
  if (port >= 1 && port <= 65535) return port;
  console.error(`demo: ${name} must be a port number (1-65535), not ${JSON.stringify(text)}`);
  process.exit(2);
}
// examples/demo/organism.yaml's server.port unless ORGANISM_ENGINE_PORT moves it (`--port`).
const enginePort = portFrom('ORGANISM_ENGINE_PORT', 7070);
const engineUrl = `http://127.0.0.1:${enginePort}`;
const consolePort = portFrom('ORGANISM_CONSOLE_PORT', 3000);
const consoleUrl = `http://127.0.0.1:${consolePort}`;

/**
 * The demo's admin password: generated once and kept beside the demo's journal, so that this script can
 * say it on every start. A journal made before this file existed has its own admin, whose password was
 * printed on that first start.
 */
function demoAdmin() {
  mkdirSync(state, { recursive: true });
  const file = join(state, 'demo-admin-password');
  if (existsSync(file)) return { password: readFileSync(file, 'utf8').trim(), known: true };
  const known = !existsSync(join(state, 'journal.sqlite'));
  const password = randomBytes(12).toString('base64url');
  if (known) writeFileSync(file, `${password}\n`, { mode: 0o600 });
  return { password, known };
}

buildConsoleIfStale('.next', (line) => console.log(`demo: ${line}`));
const admin = demoAdmin();
// The engine's log (every hop, and the demo's deliberate failures) goes to a file, so that the terminal
// shows the one line a new user needs; `tail -f` it to watch the engine itself.
const logFile = join(state, 'engine.log');
const log = openSync(logFile, 'a');
const engine = spawn(
  process.execPath,
  [
    join(root, 'apps/engine/bin/organism.js'),
    'start',
    organism,
    '--port',
    String(enginePort),
    '--traffic',
    '--log-format',
    'pretty',
  ],
  { stdio: ['ignore', log, log], env: { ...process.env, ORGANISM_ADMIN_PASSWORD: admin.password } },
);
const web = startConsole(spawn, engineUrl, consolePort);
const children = [engine, web];

let stopping = false;
const stop = (signal) => {
  if (stopping) return;
  stopping = true;
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill(signal);
};
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
for (const c of children)
  c.on('exit', (code, signal) => {
    if (!stopping) {
      const what =
        c === engine
          ? `engine ended (${signal ?? code}); see ${logFile}`
          : `console ended (${signal ?? code})`;
      console.error(`demo: the ${what}; stopping`);
      stop('SIGTERM');
    }
    if (children.every((x) => x.exitCode !== null || x.signalCode !== null)) process.exit(0);
  });

try {
  await until('the engine', async () => (await fetch(`${engineUrl}/healthz`)).ok);
  await until('the console', async () => (await fetch(`${consoleUrl}/sign-in`)).ok);
  console.log(
    admin.known
      ? `\n  console ${consoleUrl}  —  sign in as admin / ${admin.password}   (engine log: ${logFile}; Ctrl-C stops both)\n`
      : `\n  console ${consoleUrl}  —  sign in as admin with the password printed when this demo's journal was made` +
          `\n  (or start afresh: stop, delete examples/demo/.organism, and run again)\n`,
  );
} catch (err) {
  console.error(`demo: ${err.message}`);
  stop('SIGTERM');
}
