/**
 * `pnpm bench` (root) / `pnpm -C bench all`: every bench of issue 10 in turn, each in a process of its
 * own, as one run: they share BENCH_RUN_ID, so the limits measured first are the ones every later
 * figure is a ratio of, and all of them are merged into results/latest.json (or BENCH_RESULTS).
 * The soak runs BENCH_SOAK_SECONDS (default 120 here; 300 alone); BENCH_SKIP leaves scripts out
 * (comma-separated names: `BENCH_SKIP=console,soak`). A script that fails is reported and the run goes
 * on; the exit code says whether any failed.
 */
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';

const SCRIPTS: [name: string, file: string, args?: string[]][] = [
  ['limits', 'limits.bench.ts'],
  ['pump', 'pump.bench.ts'],
  ['journal', 'journal.bench.ts'],
  ['http', 'http.bench.ts'],
  ['events', 'events.bench.ts'],
  ['extensions', 'extensions.bench.ts'],
  ['isolation', 'isolation.bench.ts'],
  ['startup', 'startup.bench.ts'],
  ['soak', 'soak.bench.ts', ['--seconds', process.env.BENCH_SOAK_SECONDS ?? '120']],
  ['console', 'console.bench.ts'],
];
const skip = new Set((process.env.BENCH_SKIP ?? '').split(',').filter(Boolean));
const env = {
  ...process.env,
  BENCH_RUN_ID: process.env.BENCH_RUN_ID ?? new Date().toISOString(),
  BENCH_RESULTS: process.env.BENCH_RESULTS ?? fileURLToPath(new URL('results/latest.json', import.meta.url)),
};
const failed: string[] = [];
for (const [name, file, args = []] of SCRIPTS) {
  if (skip.has(name)) continue;
  console.log(`\n== ${name} (load average ${loadavg()[0]?.toFixed(2)})`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', file, ...args], { stdio: 'inherit', env });
  if (r.status !== 0) failed.push(`${name} (exit ${r.status ?? r.signal})`);
}
console.log(
  `\nrun ${env.BENCH_RUN_ID}: ${env.BENCH_RESULTS}${failed.length ? `; failed: ${failed.join(', ')}` : ''}`,
);
process.exit(failed.length ? 1 : 0);
