/**
 * The physical limits every figure is measured against, measured in the same run (TOOLCHAIN.md,
 * "Benchmarks": a constant from another day means nothing on these machines).
 *
 * - libxml2-wasm parse + XSD validate of the bench's ~1 KB record, on one worker thread and on one
 *   worker per core (each its own libxml2-wasm instance), all measuring at the same moment;
 * - SQLite (better-sqlite3, WAL) inserting 1 KB rows 100 per transaction, synchronous NORMAL and FULL;
 *   and commits of one small row each, NORMAL and FULL (FULL: the fsync latency, p50 and p99);
 * - an empty `node:http` handler (reads the body, answers 202 with a small JSON body) in a process of
 *   its own, driven by lib/http-load.ts with 64 keep-alive connections.
 *
 * BENCH_LIMIT_SECONDS sets how long each is measured (default 3).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { fmt, recordXml } from './figures.ts';
import { describeLoad, load } from './http-load.ts';
import type { LoadResult, Transport } from './http-load.ts';
import type { Recorder } from './results.ts';

export const LIMIT = {
  libxml1: 'libxml_parse_validate_1core',
  libxmlAll: 'libxml_parse_validate_all_cores',
  sqliteBatchNormal: 'sqlite_insert_batch100_normal',
  sqliteBatchFull: 'sqlite_insert_batch100_full',
  sqliteCommitNormal: 'sqlite_commit_normal',
  sqliteCommitFull: 'sqlite_commit_full',
  http: 'http_empty_handler_64conn',
  httpAgent: 'http_empty_handler_64conn_agent',
} as const;
export type LimitName = (typeof LIMIT)[keyof typeof LIMIT];

const SCHEMA = fileURLToPath(new URL('../../examples/bench/schemas/record.xsd', import.meta.url));
const SECONDS = Number(process.env.BENCH_LIMIT_SECONDS ?? 3);
export const CONNECTIONS = 64;

/** Documents per second parse + validated by `workers` threads at once (one libxml2-wasm each). */
export async function libxmlRate(workers: number, seconds = SECONDS): Promise<number> {
  const xsd = readFileSync(SCHEMA, 'utf8');
  const docs = Array.from({ length: 1000 }, (_, i) => recordXml(i));
  const started = Array.from(
    { length: workers },
    () =>
      new Worker(new URL('./libxml-worker.mjs', import.meta.url), {
        workerData: { xsd, docs, seconds, warmupSeconds: Math.min(1, seconds / 2) },
      }),
  );
  await Promise.all(started.map((w) => new Promise((r) => w.once('message', r))));
  const results = await Promise.all(
    started.map(
      (w) =>
        new Promise<{ docs: number; ms: number }>((resolve, reject) => {
          w.once('message', resolve);
          w.once('error', reject);
          w.postMessage('go');
        }),
    ),
  );
  await Promise.all(started.map((w) => w.terminate()));
  return results.reduce((sum, r) => sum + (r.docs / r.ms) * 1000, 0);
}

function tempDb(sync: 'NORMAL' | 'FULL'): { db: Database.Database; done: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'organism-limits-'));
  const db = new Database(join(dir, 'limit.sqlite'));
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${sync}`);
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT NOT NULL)');
  return {
    db,
    done: () => {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** 1 KB rows per second, inserted 100 per transaction. */
export function sqliteBatchRate(sync: 'NORMAL' | 'FULL', seconds = SECONDS): number {
  const { db, done } = tempDb(sync);
  const insert = db.prepare('INSERT INTO t (body) VALUES (?)');
  const rows = Array.from({ length: 1000 }, (_, i) => recordXml(i));
  const batch = db.transaction((from: number) => {
    for (let k = 0; k < 100; k++) insert.run(rows[(from + k) % rows.length]);
  });
  const run = (ms: number): number => {
    const t0 = performance.now();
    let n = 0;
    while (performance.now() - t0 < ms) {
      batch(n);
      n += 100;
    }
    return (n / (performance.now() - t0)) * 1000;
  };
  run(300);
  const rate = run(seconds * 1000);
  done();
  return rate;
}

/** Transactions of one small row, one after another: per second, and each commit's time (ms). */
export function sqliteCommits(
  sync: 'NORMAL' | 'FULL',
  seconds = SECONDS,
): { perSecond: number; p50: number; p99: number; max: number } {
  const { db, done } = tempDb(sync);
  const insert = db.prepare('INSERT INTO t (body) VALUES (?)');
  const one = db.transaction(() => insert.run('a small row of about fifty bytes, as a state change'));
  for (let i = 0; i < 50; i++) one();
  const times: number[] = [];
  const t0 = performance.now();
  while (performance.now() - t0 < seconds * 1000) {
    const t = performance.now();
    one();
    times.push(performance.now() - t);
  }
  const elapsed = performance.now() - t0;
  done();
  const s = Float64Array.from(times).sort();
  const pick = (q: number): number => s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
  return { perSecond: (s.length / elapsed) * 1000, p50: pick(0.5), p99: pick(0.99), max: s.at(-1) ?? NaN };
}

/** The empty handler in a process of its own, driven as fast as it answers by `transport`. */
export async function httpEmptyRate(transport: Transport, seconds = SECONDS): Promise<LoadResult> {
  const child = spawn(process.execPath, [fileURLToPath(new URL('./empty-server.mjs', import.meta.url))], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      child.stdout.once('data', (d: Buffer) => resolve(Number(d.toString().trim())));
      child.once('exit', (code) => reject(new Error(`the empty server exited (${code})`)));
    });
    const opts = {
      url: `http://127.0.0.1:${port}`,
      path: '/messages',
      headers: { 'content-type': 'application/xml', authorization: 'Bearer org_bench' },
      bodies: Array.from({ length: 1000 }, (_, i) => recordXml(i)),
      connections: CONNECTIONS,
      transport,
    };
    await load({ ...opts, seconds: Math.min(1, seconds / 2) });
    return await load({ ...opts, seconds });
  } finally {
    child.kill('SIGTERM');
  }
}

/**
 * Measures (and prints, and records) the given limits unless this run measured them already; returns
 * every limit the run has. `force` measures them again (the limits bench at the start of a run).
 */
export async function ensureLimits(
  rec: Recorder,
  names: readonly LimitName[],
  force = false,
): Promise<Record<string, number>> {
  const want = (name: LimitName): boolean => names.includes(name) && (force || rec.limit(name) === undefined);
  const put = (name: LimitName, value: number, unit: string, note = ''): void => {
    rec.recordLimit(name, value);
    console.log(`limit ${name.padEnd(38)} ${fmt(value).padStart(10)} ${unit}${note}`);
  };
  if (want(LIMIT.libxml1)) put(LIMIT.libxml1, await libxmlRate(1), 'docs/s');
  if (want(LIMIT.libxmlAll)) {
    const cores = availableParallelism();
    put(LIMIT.libxmlAll, await libxmlRate(cores), 'docs/s', `  (${cores} workers)`);
  }
  if (want(LIMIT.sqliteBatchNormal)) put(LIMIT.sqliteBatchNormal, sqliteBatchRate('NORMAL'), 'rows/s');
  if (want(LIMIT.sqliteBatchFull)) put(LIMIT.sqliteBatchFull, sqliteBatchRate('FULL'), 'rows/s');
  for (const [name, sync] of [
    [LIMIT.sqliteCommitNormal, 'NORMAL'],
    [LIMIT.sqliteCommitFull, 'FULL'],
  ] as const) {
    if (!want(name)) continue;
    const c = sqliteCommits(sync);
    put(
      name,
      c.perSecond,
      'commits/s',
      `  (one commit: p50 ${c.p50.toFixed(3)} ms, p99 ${c.p99.toFixed(3)} ms, max ${c.max.toFixed(2)} ms)`,
    );
    rec.figure(`${name}.p50`, c.p50, 'ms');
    rec.figure(`${name}.p99`, c.p99, 'ms');
  }
  for (const [name, transport] of [
    [LIMIT.http, 'raw'],
    [LIMIT.httpAgent, 'agent'],
  ] as const) {
    if (!want(name)) continue;
    const r = await httpEmptyRate(transport);
    put(name, r.perSecond, 'req/s', `  (${transport}: ${describeLoad(r)})`);
  }
  return rec.read()?.limits ?? {};
}
