/**
 * Retention on PostgreSQL (issue 12): dropping a day's partitions against deleting the same rows one by
 * one, as retention did before partitions (and still does in the kept partition). Starts a PostgreSQL of
 * its own (fsync on, removed at the end) and, in two schemas, fills a day that retention is due to remove
 * with BENCH_ROWS ACKED entries of 1 KB (default 300,000) with three transitions each and a thread per four
 * entries: in one schema in the day's partitions, in the other in the kept partition. Then it runs the
 * journal's retention on each while a writer commits one entry at a time through the same journal (as the
 * pump would), and prints how long retention took, the writer's latency meanwhile (p50, p99, max), and
 * what it left for vacuum (dead rows) and on disk.
 * Run: cd bench && pnpm retention:postgres.
 */
import { PostgresJournal } from '../apps/engine/src/journal/postgres/postgres-journal.ts';
import { DAY_MS } from '../apps/engine/src/journal/postgres/pg-partitions.ts';
import { delivery } from '../apps/engine/src/journal/contract/fixtures.ts';
import { num, report } from './lib/figures.ts';
import { startBenchPostgres } from './lib/postgres-server.ts';
import { Recorder } from './lib/results.ts';

const ROWS = Number(process.env.BENCH_ROWS ?? 300_000);
/** Ten days ago at noon: the day retention (3 days here) removes. */
const DAY = Math.floor(Date.now() / DAY_MS) - 10;
const NOON = DAY * DAY_MS + DAY_MS / 2;

type Way = 'drop' | 'delete';

interface Outcome {
  /** The writer's latencies before retention started. */
  idle: number[];
  /** How long each step of dropping took (ms), as the journal logs it. */
  steps?: unknown;
  seconds: number;
  removed: number;
  writes: number[];
  deadRows: number;
  bytesBefore: number;
  bytesAfter: number;
}

async function run(url: string, way: Way): Promise<Outcome> {
  const schema = `retention_${way}`;
  let steps: unknown;
  const clock = { now: NOON };
  const j = await PostgresJournal.open(
    { url, durability: 'strict', schema },
    {
      now: () => clock.now,
      log: {
        error: () => {},
        warn: () => {},
        info: (fields) => {
          steps = fields.ms;
        },
        debug: () => {},
      },
    },
  );
  const pool = j.database.pool;
  // The day's partitions exist (the journal opened on that day); the kept partition is part 0.
  const part = way === 'drop' ? DAY : 0;
  const t0 = performance.now();
  await pool.query(
    `INSERT INTO threads (id, first_at, last_at, messages, open, failed, participants)
     SELECT md5('t' || t)::uuid, $1::bigint, $1::bigint + 4, 4, 0, 0, '{client,greeter}'
     FROM generate_series(0, $2::int / 4) t`,
    [NOON, ROWS],
  );
  await pool.query(
    `INSERT INTO messages (id, thread_id, from_name, to_name, root, kind, chain, payload, state, attempts,
       created_at, updated_at, part)
     SELECT gen_random_uuid(), md5('t' || (g / 4))::uuid, 'client', 'greeter', 'greeting', 'ingress',
       '["client"]', '<greeting>' || repeat('x', 1000) || '</greeting>', 'ACKED', 1, $1::bigint + g / 4,
       $1::bigint + g / 4, $3
     FROM generate_series(0, $2::int - 1) g`,
    [NOON, ROWS, part],
  );
  await pool.query(
    `INSERT INTO transitions (message_id, thread_id, state, attempt, at, part)
     SELECT m.id, m.thread_id, s.state, s.attempt, m.created_at, $1
     FROM messages m CROSS JOIN (VALUES ('PENDING', 0), ('DISPATCHED', 1), ('ACKED', 1)) s(state, attempt)
     WHERE m.part = $1`,
    [part],
  );
  await pool.query(`UPDATE journal_counts SET n = n + $1 WHERE state = 'ACKED' AND shard = 0`, [ROWS]);
  await pool.query('VACUUM ANALYZE messages, transitions, threads');
  console.log(`${way}: ${num(ROWS)} entries filled in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const size = async (): Promise<number> => {
    const { rows } = await pool.query<{ b: string }>(
      `SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) AS b FROM pg_class c
       WHERE c.relnamespace = $1::regnamespace AND c.relkind = 'r'
         AND (c.relname LIKE 'messages%' OR c.relname LIKE 'transitions%')`,
      [schema],
    );
    return Number(rows[0]!.b);
  };
  const bytesBefore = await size();

  // Ten days later, with a retention of three days.
  clock.now = NOON + 10 * DAY_MS;
  await j.partitions.ensure();
  let writes: number[] = [];
  let retiring = true;
  const writer = (async () => {
    while (retiring) {
      const d = delivery({ createdAt: clock.now });
      const w0 = performance.now();
      await j.hooks.onIntent?.([d]);
      await j.hooks.onAcknowledged?.(d, []);
      writes.push(performance.now() - w0);
    }
  })();
  await new Promise((r) => setTimeout(r, 2_000));
  const idle = writes;
  writes = [];
  const r0 = performance.now();
  const removed = await j.prune(clock.now - 3 * DAY_MS);
  const seconds = (performance.now() - r0) / 1000;
  retiring = false;
  await writer;
  const dead = await pool.query<{ n: string }>(
    `SELECT coalesce(sum(n_dead_tup), 0) AS n FROM pg_stat_user_tables WHERE schemaname = $1`,
    [schema],
  );
  const outcome = {
    idle,
    steps,
    seconds,
    removed,
    writes,
    deadRows: Number(dead.rows[0]!.n),
    bytesBefore,
    bytesAfter: await size(),
  };
  await j.close();
  return outcome;
}

const pctl = (xs: number[], p: number): number =>
  [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) * p)] ?? NaN;

const rec = new Recorder('retention');
console.log(
  `retention — ${num(ROWS)} ACKED entries of a day past retention, dropped with their partitions or deleted row by row, strict, node ${process.version}`,
);
const server = await startBenchPostgres();
for (const way of ['drop', 'delete'] as const) {
  const o = await run(server.url, way);
  if (o.removed !== ROWS) throw new Error(`${way}: retention removed ${o.removed} entries, not ${ROWS}`);
  const label = way === 'drop' ? 'drop the day' : 'delete row by row';
  report(rec, `retention.${way}.seconds`, `${label}: retention took`, o.seconds, 's');
  report(rec, `retention.${way}.rowsPerSecond`, `${label}: entries removed`, ROWS / o.seconds, 'entries/s');
  report(rec, `retention.${way}.writeP99`, `${label}: a write meanwhile, p99`, pctl(o.writes, 0.99), 'ms');
  report(rec, `retention.${way}.writeMax`, `${label}: a write meanwhile, max`, Math.max(...o.writes), 'ms');
  console.log(
    `  writes before: p50 ${pctl(o.idle, 0.5).toFixed(1)} ms, max ${Math.max(...o.idle).toFixed(1)} ms; meanwhile: ${o.writes.length}, p50 ${pctl(o.writes, 0.5).toFixed(1)} ms${o.steps ? `; steps (ms) ${JSON.stringify(o.steps)}` : ''}; dead rows left for vacuum ${num(o.deadRows)}; messages + transitions ${(o.bytesBefore / 1e6).toFixed(0)} MB → ${(o.bytesAfter / 1e6).toFixed(0)} MB`,
  );
  report(rec, `retention.${way}.deadRows`, `${label}: dead rows left for vacuum`, o.deadRows, 'rows');
}
