// `npm run console -- [engine URL]`: the console in front of an engine that already runs (your organism's
// `organism start`, another machine's engine), without the demo. Builds the console on first run and
// whenever its sources change, starts it, and prints where to open it and whether the engine answers.
// The engine URL (or several, separated by commas, for engines sharing a PostgreSQL journal: the console
// fails over between them) is the argument, else ORGANISM_ENGINE_URL, else the demo's http://127.0.0.1:7070;
// ORGANISM_CONSOLE_PORT (3000) and ORGANISM_CONSOLE_HOST (127.0.0.1) say where the console listens.
// Ctrl-C stops it.
import { spawn } from 'node:child_process';
import { buildConsoleIfStale, startConsole, until } from './console-build.mjs';

const USAGE = `usage: npm run console -- [engine URL[,engine URL…]]   (default: $ORGANISM_ENGINE_URL, else http://127.0.0.1:7070)
  ORGANISM_CONSOLE_PORT  the console's port (3000)
  ORGANISM_CONSOLE_HOST  the address it listens on (127.0.0.1; 0.0.0.0 for every interface)`;

const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) {
  console.log(USAGE);
  process.exit(0);
}
if (args.length > 1 || args.some((a) => a.startsWith('-'))) {
  console.error(`console: one argument, the engine's URL, was expected; got ${args.join(' ')}\n${USAGE}`);
  process.exit(2);
}
const engineUrl = args[0] ?? process.env.ORGANISM_ENGINE_URL ?? 'http://127.0.0.1:7070';
const port = Number(process.env.ORGANISM_CONSOLE_PORT ?? 3000);
if (!Number.isInteger(port) || port < 1 || port > 65_535) {
  console.error(
    `console: ORGANISM_CONSOLE_PORT must be a port number (1–65535), not "${process.env.ORGANISM_CONSOLE_PORT}"`,
  );
  process.exit(2);
}
const host = process.env.ORGANISM_CONSOLE_HOST ?? '127.0.0.1';
const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
const consoleUrl = `http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${port}`;

buildConsoleIfStale('.next', (line) => console.log(`console: ${line}`));
// The console checks the URL itself as it starts (src/instrumentation.ts) and ends with why if it cannot use it.
const web = startConsole(spawn, engineUrl, port, '.next', host);
let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'])
  process.on(signal, () => {
    stopping = true;
    web.kill(signal);
  });
const ended = new Promise((resolve) => web.once('exit', (code, signal) => resolve(signal ?? code)));
ended.then((how) => {
  if (!stopping) console.error(`console: the console ended (${how})`);
  process.exit(stopping ? 0 : 1);
});

try {
  await Promise.race([
    until('the console', async () => (await fetch(`${consoleUrl}/sign-in`)).ok),
    ended.then(() => new Promise(() => {})),
  ]);
} catch (err) {
  console.error(`console: ${err.message}`);
  web.kill('SIGTERM');
  process.exit(1);
}
const engines = engineUrl.split(',').map((u) => u.trim());
const answers = await Promise.all(
  engines.map((url) =>
    fetch(`${url.replace(/\/+$/, '')}/healthz`, { signal: AbortSignal.timeout(3_000) }).then(
      (r) => `${url} answers (${r.status})`,
      () => `${url} does not answer yet`,
    ),
  ),
);
const away = answers.every((a) => a.endsWith('yet'))
  ? '\n  (the console says "engine away" until one does, and connects by itself then)'
  : '';
console.log(
  `\n  console ${consoleUrl}  —  ${engines.length > 1 ? 'engines' : 'engine'} ${answers.join(', ')}   (Ctrl-C stops the console)${away}\n`,
);
