/**
 * The raw PostgreSQL limits of issue 12, measured in the same run on the bench's own server (every
 * commit with `synchronous_commit = on`: it returns once its WAL is flushed), each in a schema of its
 * own, with `pg` and named (prepared) statements:
 *
 * - multi-row INSERT of the bench's ~1 KB record, 100 rows a statement (one transaction each), on one
 *   connection, one statement at a time (as the journal commits its batches), UUID primary key;
 * - a SKIP LOCKED claim + ack loop: a table of PENDING rows (~1 KB each) with a partial index on PENDING
 *   by (queue, seq), two workers on connections of their own each claiming 100 with `UPDATE … WHERE id
 *   IN (SELECT … FOR UPDATE SKIP LOCKED) RETURNING` and acking them (state ACKED) in a second transaction;
 *   bitmap scans off on their connections (TOOLCHAIN.md: the claim's plan flips under load otherwise);
 * - commits of one small row each, one after another: commits/s and each commit's time (p50/p99).
 *
 * BENCH_LIMIT_SECONDS sets how long each is measured (default 3).
 */
import pg from 'pg';
import { fmt, recordXml } from './figures.ts';
import type { Recorder } from './results.ts';

export const PG_LIMIT = {
  insertBatch: 'postgres_limit_insert_batch100',
  claimAck: 'postgres_limit_claim_ack_2workers',
  commit: 'postgres_limit_commit',
} as const;

const SECONDS = Number(process.env.BENCH_LIMIT_SECONDS ?? 3);
const WORKERS = 2;
const CLAIM_BATCH = 100;
/** PENDING rows queued for the claim loop, per second measured: more than two workers take here. */
const QUEUED_PER_SECOND = 50_000;

async function connect(url: string, schema: string, settings: string[] = []): Promise<pg.Client> {
  const client = new pg.Client({
    connectionString: url,
    options: [`-c search_path=${schema}`, '-c synchronous_commit=on', ...settings].join(' '),
  });
  await client.connect();
  return client;
}

/** A fresh schema and a connection to it; `end()` closes the connection (the schema stays). */
async function fresh(url: string, schema: string): Promise<pg.Client> {
  const admin = await connect(url, 'public');
  await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE; CREATE SCHEMA ${schema}`);
  await admin.end();
  return connect(url, schema);
}

/** 1 KB rows per second, inserted 100 per statement (one transaction each) on one connection. */
export async function pgInsertBatchRate(url: string, seconds = SECONDS): Promise<number> {
  const c = await fresh(url, 'limit_insert');
  try {
    await c.query('CREATE TABLE t (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), body text NOT NULL)');
    const rows = Array.from({ length: 1000 }, (_, i) => recordXml(i));
    const values = Array.from({ length: 100 }, (_, k) => `($${k + 1})`).join(', ');
    const insert = { name: 'insert100', text: `INSERT INTO t (body) VALUES ${values}` };
    const run = async (ms: number): Promise<number> => {
      const t0 = performance.now();
      let n = 0;
      while (performance.now() - t0 < ms) {
        await c.query({ ...insert, values: rows.slice(n % 1000, (n % 1000) + 100) });
        n += 100;
      }
      return (n / (performance.now() - t0)) * 1000;
    };
    await run(300);
    return await run(seconds * 1000);
  } finally {
    await c.end();
  }
}

const CLAIM = `UPDATE q SET state = 'CLAIMED' WHERE id IN (
    SELECT id FROM q WHERE queue = $1 AND state = 'PENDING' ORDER BY seq LIMIT ${CLAIM_BATCH} FOR UPDATE SKIP LOCKED)
  RETURNING id, body`;
const ACK = `UPDATE q SET state = 'ACKED' WHERE id = ANY($1::uuid[])`;

/**
 * Rows claimed and acked per second by two workers. `exhausted` says the queue ran dry before the time
 * was up (the rate is then over the time it lasted); `plan` is the claim's plan before the run.
 */
export async function pgClaimAckRate(
  url: string,
  seconds = SECONDS,
): Promise<{ perSecond: number; exhausted: boolean; plan: string }> {
  const schema = 'limit_claim';
  const c = await fresh(url, schema);
  const queued = Math.ceil(QUEUED_PER_SECOND * (seconds + 0.5));
  let plan = '';
  try {
    await c.query(`CREATE TABLE q (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), queue text NOT NULL,
      seq bigserial NOT NULL, state text NOT NULL, body text NOT NULL)`);
    await c.query(`CREATE INDEX q_pending ON q (queue, seq) WHERE state = 'PENDING'`);
    for (let n = 0; n < queued; n += 10_000) {
      await c.query(
        `INSERT INTO q (queue, state, body) SELECT 'sink', 'PENDING', $1 FROM generate_series(1, $2)`,
        [recordXml(n), Math.min(10_000, queued - n)],
      );
    }
    // Hint bits set and statistics gathered now, not by the first claims.
    await c.query('VACUUM (ANALYZE) q');
    await c.query('SET enable_bitmapscan = off');
    const explained = await c.query<{ 'QUERY PLAN': string }>(`EXPLAIN (COSTS OFF) ${CLAIM}`, ['sink']);
    plan = explained.rows.map((r) => r['QUERY PLAN'].trim()).join(' / ');
  } finally {
    await c.end();
  }
  const workers = await Promise.all(
    Array.from({ length: WORKERS }, () => connect(url, schema, ['-c enable_bitmapscan=off'])),
  );
  try {
    let acked = 0;
    let exhausted = false;
    const t0 = performance.now();
    let t1 = t0;
    await Promise.all(
      workers.map(async (w) => {
        while (!exhausted && performance.now() - t0 < seconds * 1000) {
          const { rows } = await w.query<{ id: string; body: string }>({
            name: 'claim',
            text: CLAIM,
            values: ['sink'],
          });
          if (rows.length === 0) {
            exhausted = true;
            break;
          }
          await w.query({ name: 'ack', text: ACK, values: [rows.map((r) => r.id)] });
          acked += rows.length;
          t1 = performance.now();
        }
      }),
    );
    return { perSecond: (acked / (t1 - t0)) * 1000, exhausted, plan };
  } finally {
    await Promise.all(workers.map((w) => w.end()));
  }
}

/** Transactions of one small row, one after another: per second, and each commit's time (ms). */
export async function pgCommits(
  url: string,
  seconds = SECONDS,
): Promise<{ perSecond: number; p50: number; p99: number; max: number }> {
  const c = await fresh(url, 'limit_commit');
  try {
    await c.query('CREATE TABLE t (id bigserial PRIMARY KEY, body text NOT NULL)');
    const one = {
      name: 'commit1',
      text: 'INSERT INTO t (body) VALUES ($1)',
      values: ['a small row of about fifty bytes, as a state change'],
    };
    for (let i = 0; i < 50; i++) await c.query(one);
    const times: number[] = [];
    const t0 = performance.now();
    while (performance.now() - t0 < seconds * 1000) {
      const t = performance.now();
      await c.query(one);
      times.push(performance.now() - t);
    }
    const elapsed = performance.now() - t0;
    const s = Float64Array.from(times).sort();
    const pick = (q: number): number => s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
    return { perSecond: (s.length / elapsed) * 1000, p50: pick(0.5), p99: pick(0.99), max: s.at(-1) ?? NaN };
  } finally {
    await c.end();
  }
}

/**
 * Measures, prints and records the three limits on the server at `url`: `postgres_limit_*` as limits
 * (per second), the commit's time as figures `postgres_commit_p50` and `postgres_commit_p99` (ms).
 */
export async function measurePostgresLimits(rec: Recorder, url: string): Promise<void> {
  const put = (name: string, value: number, unit: string, note = ''): void => {
    rec.recordLimit(name, value);
    console.log(`limit ${name.padEnd(38)} ${fmt(value).padStart(10)} ${unit}${note}`);
  };
  put(PG_LIMIT.insertBatch, await pgInsertBatchRate(url), 'rows/s', '  (1 connection)');
  const claim = await pgClaimAckRate(url);
  put(PG_LIMIT.claimAck, claim.perSecond, 'acks/s', claim.exhausted ? '  (the queue ran dry first)' : '');
  if (!/Index Scan using q_pending/.test(claim.plan)) console.log(`  claim plan: ${claim.plan}`);
  const c = await pgCommits(url);
  put(
    PG_LIMIT.commit,
    c.perSecond,
    'commits/s',
    `  (one commit: p50 ${c.p50.toFixed(3)} ms, p99 ${c.p99.toFixed(3)} ms, max ${c.max.toFixed(2)} ms)`,
  );
  rec.figure('postgres_commit_p50', c.p50, 'ms');
  rec.figure('postgres_commit_p99', c.p99, 'ms');
}
