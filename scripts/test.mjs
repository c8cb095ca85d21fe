// `npm test` (and CI, .ci/run): every check, in turn, stopping at the first that fails: the install
// (setup.mjs), typecheck, lint and the formatting check side by side, each package's tests, then the e2e
// specs. The Debian packages the tests need, when missing (Chromium's headless shell for the e2e specs,
// PostgreSQL for the PostgreSQL journal's tests), are installed meanwhile, one after the other: apt-get
// waits on the network and the disk for about 40 s a package, which on a fresh machine came in the middle
// of the run with a core idle. The tests wait for them only if they are not done by then.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Runs a command with the terminal as its output; resolves its exit code (1 if it died of a signal). */
const run = (command, args) =>
  new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, stdio: 'inherit' });
    child.on('error', (error) => {
      console.error(`test: could not run ${command}: ${error.message}`);
      resolve(1);
    });
    child.on('exit', (code) => resolve(code ?? 1));
  });

// Each script installs its package only when it is missing, and says nothing when it is there.
const packages = (async () => {
  const browser = await run(process.execPath, ['scripts/install-chromium.mjs', 'chromium-headless-shell']);
  const postgres = await run(process.execPath, [
    '--input-type=module',
    '-e',
    "(await import('./scripts/postgres.mjs')).postgresBin()",
  ]);
  return browser || postgres;
})();

const steps = [
  [process.execPath, ['scripts/setup.mjs']],
  // Side by side: ESLint's typed rules are the longest (a minute alone), Prettier's check needs no types.
  ['pnpm', ['run', '/^(typecheck|lint:code|lint:format)$/']],
  packages,
  ['pnpm', ['run', '-r', 'test']],
  ['pnpm', ['run', 'e2e']],
];
let code = 0;
for (const step of steps) {
  code = step instanceof Promise ? await step : await run(...step);
  if (code !== 0) break;
}
// A step that failed still lets apt-get finish rather than leave dpkg half done.
await packages;
process.exit(code);
