/**
 * How long the `organism` command takes to start, beside the floor of this machine in the same run: a
 * bare Node process (`node -e 0`, spawned and exited) and one with tsx's loader registered (what every
 * `organism` process pays first, since handlers and the engine are TypeScript). Timed from the spawn:
 * `organism --help`, `user list` and `check` to their exit; `organism run` and `organism start` (the
 * supervisor, which then starts `run`) to their first 200 from /healthz; and a supervised restart
 * (`organism.restart` from the API, nothing in flight) from the request to /healthz answering again,
 * with how long it did not answer. On a copy of examples/bench with a fresh journal each time.
 * Run: pnpm bench   (or: cd bench && pnpm startup). BENCH_STARTS sets the runs of each (default 5).
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ADMIN, copyBenchOrganism, freePort, signIn } from './lib/engine-process.ts';
import { fmt, median } from './lib/figures.ts';
import { Recorder } from './lib/results.ts';

const CLI = fileURLToPath(new URL('../apps/engine/bin/organism.js', import.meta.url));
const RUNS = Number(process.env.BENCH_STARTS ?? 5);
const NODE_START = 'node_process_start';
const env = { ...process.env, ORGANISM_ADMIN_USER: ADMIN.name, ORGANISM_ADMIN_PASSWORD: ADMIN.password };
const rec = new Recorder('startup');

/** A fresh copy of examples/bench with its journal beside it, on a free port; its organism.yaml. */
async function organism(): Promise<{ config: string; url: string; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'organism-bench-startup-'));
  const port = await freePort();
  const journal = `journal:\n  path: ${join(dir, 'journal.sqlite')}\n  durability: fast\nserver:\n  port: ${port}`;
  return { config: copyBenchOrganism(dir, journal), url: `http://127.0.0.1:${port}`, dir };
}

/** ms from the spawn of `node <args>` to its exit (which must be 0). */
async function toExit(args: string[]): Promise<number> {
  const t0 = performance.now();
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr.on('data', (b: Buffer) => (err += b.toString()));
  const code = await new Promise<number | null>((r) => child.once('exit', r));
  if (code !== 0) throw new Error(`node ${args.join(' ')} exited ${code}: ${err}`);
  return performance.now() - t0;
}

/** Polls /healthz every 5 ms until it answers 200 (`up`) or stops answering 200 (`down`). */
async function healthz(url: string, want: 'up' | 'down', child?: ChildProcess): Promise<void> {
  const deadline = performance.now() + 60_000;
  for (;;) {
    if (child && child.exitCode !== null) throw new Error(`the engine exited (${child.exitCode})`);
    if (performance.now() > deadline) throw new Error(`/healthz was not ${want} within 60 s`);
    const ok = await fetch(`${url}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok === (want === 'up')) return;
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** ms from the spawn of `organism <command> <config>` to its first 200 from /healthz; then stopped. */
async function toHealthy(command: 'run' | 'start'): Promise<number> {
  const o = await organism();
  const t0 = performance.now();
  const child = spawn(process.execPath, [CLI, command, o.config, '--quiet', '--log-level', 'warn'], {
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    await healthz(o.url, 'up', child);
    return performance.now() - t0;
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(o.dir, { recursive: true, force: true });
  }
}

/** A supervised engine restarted `RUNS` times from the API: ms to healthy again, and ms not answering. */
async function restarts(): Promise<{ back: number[]; away: number[] }> {
  const o = await organism();
  const child = spawn(process.execPath, [CLI, 'start', o.config, '--quiet', '--log-level', 'warn'], {
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const back: number[] = [];
  const away: number[] = [];
  try {
    await healthz(o.url, 'up', child);
    for (let i = 0; i < RUNS; i++) {
      const cookie = await signIn(o.url);
      const t0 = performance.now();
      const res = await fetch(`${o.url}/trpc/organism.restart`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie },
        body: JSON.stringify({ drainMs: 0 }),
      });
      if (!res.ok) throw new Error(`organism.restart answered ${res.status}: ${await res.text()}`);
      await healthz(o.url, 'down', child);
      const gone = performance.now();
      await healthz(o.url, 'up', child);
      back.push(performance.now() - t0);
      away.push(performance.now() - gone);
    }
    return { back, away };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(o.dir, { recursive: true, force: true });
  }
}

async function times(measure: () => Promise<number>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < RUNS; i++) out.push(await measure());
  return out;
}

const bare = await times(() => toExit(['-e', '0']));
const floor = median(bare);
rec.recordLimit(NODE_START, 1000 / floor);
const tsx = await times(() => toExit(['--import', 'tsx', '-e', '0']));

const copy = await organism();
const rows: [key: string, label: string, ms: number[]][] = [
  ['startup.node_with_tsx', 'node with tsx registered, to exit', tsx],
  ['startup.cli_help', 'organism --help, to exit', await times(() => toExit([CLI, '--help']))],
  [
    'startup.cli_user_list',
    'organism user list, to exit',
    await times(() => toExit([CLI, 'user', 'list', '-c', copy.config])),
  ],
  ['startup.cli_check', 'organism check, to exit', await times(() => toExit([CLI, 'check', copy.config]))],
  ['startup.run_healthy', 'organism run, to /healthz 200', await times(() => toHealthy('run'))],
  ['startup.start_healthy', 'organism start, to /healthz 200', await times(() => toHealthy('start'))],
];
rmSync(copy.dir, { recursive: true, force: true });
const restart = await restarts();
rows.push(['startup.restart_healthy', 'restart from the API, to /healthz 200', restart.back]);

console.log(
  `startup — median of ${RUNS} (min–max), against a bare node process: ${floor.toFixed(0)} ms (${bare
    .map((t) => t.toFixed(0))
    .join(', ')})`,
);
for (const [key, label, ms] of rows) {
  const m = median(ms);
  // Recorded as starts a second, so that the ratio to the bare process's is the share of it this is.
  const f = rec.figure(key, 1000 / m, 'starts/s', { limit: NODE_START });
  rec.figure(`${key}.ms`, m, 'ms');
  console.log(
    `${label.padEnd(40)} ${fmt(m).padStart(6)} ms (${fmt(Math.min(...ms))}–${fmt(Math.max(...ms))})  ` +
      `${(1 / (f.ratio ?? NaN)).toFixed(1)}× a bare node process`,
  );
}
const away = median(restart.away);
rec.figure('startup.restart_away.ms', away, 'ms');
console.log(
  `${'restart from the API: /healthz not 200'.padEnd(40)} ${fmt(away).padStart(6)} ms (${fmt(
    Math.min(...restart.away),
  )}–${fmt(Math.max(...restart.away))})`,
);
rec.done();
