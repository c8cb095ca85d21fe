// Installs what the two README commands need on a machine that has only Node 20 and npm:
// pnpm (pinned, see TOOLCHAIN.md) and the workspace's dependencies. Idempotent and quiet when done.
import { execSync } from 'node:child_process';

const PNPM = '10.34.9';
const run = (cmd) => execSync(cmd, { stdio: 'inherit' });
const has = (cmd) => {
  try {
    return execSync(cmd, { stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
  } catch {
    return '';
  }
};

if (has('pnpm --version') !== PNPM) {
  console.log(`setup: installing pnpm@${PNPM}`);
  run(`npm install -g pnpm@${PNPM}`);
}
try {
  run('pnpm install --frozen-lockfile --prefer-offline');
} catch {
  // Most often a package.json changed without the lockfile: an organism added under examples/ with
  // "@organism/engine": "workspace:*" (docs/handler-guide.md). On a developer's machine the lockfile is
  // brought up to date, as a plain `pnpm install` would; CI installs only what the lockfile says.
  if (process.env.CI) {
    console.error(
      'setup: the install from pnpm-lock.yaml failed (above). If it says ERR_PNPM_OUTDATED_LOCKFILE, run `pnpm install` and commit pnpm-lock.yaml.',
    );
    process.exit(1);
  }
  console.log(
    'setup: the install from pnpm-lock.yaml failed (above); trying `pnpm install`, which updates pnpm-lock.yaml when a package.json changed (commit it with your change)',
  );
  try {
    run('pnpm install --prefer-offline');
  } catch {
    process.exit(1);
  }
}
