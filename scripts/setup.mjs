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
run('pnpm install --frozen-lockfile --prefer-offline');
