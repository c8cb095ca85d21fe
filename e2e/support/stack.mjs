// The stacks the e2e specs drive, one for each of Playwright's workers (e2e-env.mjs): the demo organism (a
// fresh copy, so its journal starts empty) under its supervisor with traffic, and the console's
// production build in front of it, on ports of their own. Playwright starts this as its webServer and
// stops it with SIGTERM.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { buildConsoleIfStale, root, startConsole, until } from '../../scripts/console-build.mjs';
import { stackOf, WORKERS } from './e2e-env.mjs';

const cli = join(root, 'apps/engine/bin/organism.js');
const children = [];
let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
const onExit = () => {
  stop();
  if (children.every((x) => x.exitCode !== null || x.signalCode !== null)) process.exit(0);
};
const started = (child) => {
  children.push(child);
  child.on('exit', onExit);
  return child;
};

buildConsoleIfStale('.next-e2e', (line) => console.log(`e2e: ${line}`));
const stacks = Array.from({ length: WORKERS }, (_, i) => stackOf(i));
rmSync(join(root, 'e2e/.run'), { recursive: true, force: true });

/** One worker's engine, on a fresh copy of the demo, with its operator and viewer. */
async function startEngine(stack) {
  mkdirSync(dirname(stack.demo), { recursive: true });
  cpSync(join(root, 'examples/demo'), stack.demo, {
    recursive: true,
    filter: (src) => !/[/\\](\.organism|node_modules)$/.test(src),
  });
  // Handlers import @organism/engine through the demo's node_modules: the copy shares them.
  symlinkSync(join(root, 'examples/demo/node_modules'), join(stack.demo, 'node_modules'));
  const organism = join(stack.demo, 'organism.yaml');
  started(
    spawn(
      process.execPath,
      [cli, 'start', organism, '--traffic=5', '--port', String(stack.enginePort), '--log-format', 'json'],
      {
        stdio: ['ignore', 'ignore', 'inherit'],
        env: { ...process.env, ORGANISM_ADMIN_PASSWORD: stack.password },
      },
    ),
  );
  await until(`the engine ${stack.index}`, async () => (await fetch(`${stack.engineUrl}/healthz`)).ok);
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
      stack.password,
      '-c',
      organism,
    ]);
    if (added.status !== 0) throw new Error(`e2e: could not add ${name}: ${added.stderr}`);
  }
}

// The engines first, side by side; then the consoles, the last one last: Playwright starts the specs once
// it answers (playwright.config.ts), when every stack is ready.
try {
  await Promise.all(stacks.map(startEngine));
  for (const stack of stacks) {
    started(startConsole(spawn, stack.engineUrl, stack.consolePort, '.next-e2e'));
    await until(`the console ${stack.index}`, async () => (await fetch(`${stack.consoleUrl}/sign-in`)).ok);
    console.log(`e2e: console ${stack.consoleUrl} → engine ${stack.engineUrl}`);
  }
} catch (err) {
  // A stack that did not start leaves none of the others running.
  console.error(`e2e: ${err instanceof Error ? err.message : String(err)}`);
  stop();
  process.exitCode = 1;
}
