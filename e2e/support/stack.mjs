// The stack the e2e specs drive: the demo organism (a fresh copy, so its journal starts empty) under its
// supervisor with traffic, and the console's production build in front of it, on ports of their own.
// Playwright starts this as its webServer and stops it with SIGTERM.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { buildConsoleIfStale, root, startConsole, until } from '../../scripts/console-build.mjs';
import { E2E } from './e2e-env.mjs';

const work = join(root, 'e2e/.run');
const organism = join(work, 'demo/organism.yaml');
const cli = join(root, 'apps/engine/bin/organism.js');

buildConsoleIfStale('.next-e2e', (line) => console.log(`e2e: ${line}`));
rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });
cpSync(join(root, 'examples/demo'), join(work, 'demo'), {
  recursive: true,
  filter: (src) => !/[/\\](\.organism|node_modules)$/.test(src),
});
// Handlers import @organism/engine through the demo's node_modules: the copy shares them.
symlinkSync(join(root, 'examples/demo/node_modules'), join(work, 'demo/node_modules'));

const engine = spawn(
  process.execPath,
  [cli, 'start', organism, '--traffic=5', '--port', String(E2E.enginePort), '--log-format', 'json'],
  { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, ORGANISM_ADMIN_PASSWORD: E2E.password } },
);
// Playwright starts the specs once the console answers: it starts last, when the engine is ready.
let web;
const running = () => [engine, web].filter(Boolean);
let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  for (const c of running()) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
const onExit = () => {
  stop();
  if (running().every((x) => x.exitCode !== null || x.signalCode !== null)) process.exit(0);
};
engine.on('exit', onExit);

await until('the engine', async () => (await fetch(`${E2E.engineUrl}/healthz`)).ok);
for (const [name, role] of [
  ['operator', 'operator'],
  ['viewer', 'viewer'],
]) {
  const added = spawnSync(process.execPath, [
    cli,
    'user',
    'add',
    name,
    '--role',
    role,
    '--password',
    E2E.password,
    '-c',
    organism,
  ]);
  if (added.status !== 0) throw new Error(`e2e: could not add ${name}: ${added.stderr}`);
}
web = startConsole(spawn, E2E.engineUrl, E2E.consolePort, '.next-e2e');
web.on('exit', onExit);
await until('the console', async () => (await fetch(`${E2E.consoleUrl}/sign-in`)).ok);
console.log(`e2e: console ${E2E.consoleUrl} → engine ${E2E.engineUrl}`);
