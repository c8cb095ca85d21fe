// Builds the console (`next build`) when its sources have changed since the last build into the same
// folder, and starts it in front of an engine: the engine URL is read as the console runs, so one build
// serves any engine. Shared by `npm run demo`, `npm run console`, `npm run cluster`, e2e and the benches.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const web = join(root, 'apps/web');

const SOURCES = [
  'apps/web/src',
  'apps/web/next.config.ts',
  'apps/web/postcss.config.mjs',
  'apps/web/package.json',
  'apps/web/tsconfig.json',
  'packages/shared/src',
  'pnpm-lock.yaml',
];

function sourceHash() {
  const hash = createHash('sha256');
  const walk = (path) => {
    if (statSync(path).isDirectory()) {
      for (const name of readdirSync(path).sort()) if (name !== 'node_modules') walk(join(path, name));
    } else hash.update(relative(root, path)).update(readFileSync(path));
  };
  for (const p of SOURCES) walk(join(root, p));
  return hash.digest('hex');
}

/** The environment the console builds and runs with: its build folder, and (to run) the engine it serves. */
export function consoleEnv(distDir = '.next', engineUrl = undefined) {
  const env = { ...process.env, NEXT_TELEMETRY_DISABLED: '1', ORGANISM_CONSOLE_DIST: distDir };
  if (engineUrl !== undefined) env.ORGANISM_ENGINE_URL = engineUrl;
  return env;
}

/** Builds into `apps/web/<distDir>` unless that build is current; exits the process if the build fails. */
export function buildConsoleIfStale(distDir = '.next', log = console.log) {
  const out = join(web, distDir);
  const stamp = join(out, 'organism-sources.sha256');
  const wanted = sourceHash();
  if (existsSync(join(out, 'BUILD_ID')) && existsSync(stamp) && readFileSync(stamp, 'utf8') === wanted)
    return;
  log('building the console (first run, or its sources changed; about a minute)…');
  // Next's own progress is noise to someone who asked for the demo: shown only when the build fails.
  const built = spawnSync(process.execPath, [join(web, 'node_modules/next/dist/bin/next'), 'build'], {
    cwd: web,
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
    env: consoleEnv(distDir),
  });
  if (built.status !== 0) {
    console.error(`${built.stdout}${built.stderr}\nthe console did not build; see above`);
    process.exit(1);
  }
  writeFileSync(stamp, wanted);
}

/**
 * Starts the console's server (apps/web/server.mjs, Next.js's handler as `next start` serves it) for the
 * build in `distDir`, serving the engine at `engineUrl` on `host`:`port`; its own output is dropped but
 * for errors. `stderr` 'pipe' hands its errors to the caller instead.
 */
export function startConsole(
  spawn,
  engineUrl,
  port,
  distDir = '.next',
  host = '127.0.0.1',
  stderr = 'inherit',
) {
  return spawn(process.execPath, [join(web, 'server.mjs'), '-p', String(port), '-H', host], {
    cwd: web,
    stdio: ['ignore', 'ignore', stderr],
    env: consoleEnv(distDir, engineUrl),
  });
}

/** Resolves once `check` says yes; throws after `ms`. */
export async function until(what, check, ms = 120_000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${what} did not come up within ${ms / 1000} s`);
}
