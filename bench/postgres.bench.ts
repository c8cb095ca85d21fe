/**
 * The PostgreSQL journal (issue 12) against its raw limits: starts a PostgreSQL of its own (fsync on, in
 * a temp folder, removed at the end), measures on it multi-row INSERT (100 rows of 1 KB a transaction),
 * a SKIP LOCKED claim + ack loop with two workers and one commit's time (lib/postgres-limits.ts), then
 * the engine in process with a `PostgresJournal`, strict and fast, as journal.bench.ts measures its one
 * hop (the bench organism, a closed loop of 512 producers, msg/s), each beside the same run on SQLite.
 * Run: cd bench && pnpm postgres. BENCH_MESSAGES sets the messages per run (default 20,000),
 * BENCH_ROUNDS the runs of each (alternating SQLite and PostgreSQL; the median is kept, default 1).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createEngine } from '@organism/engine';
import { PostgresJournal } from '../apps/engine/src/journal/postgres/postgres-journal.ts';
import { closedLoop, envelopeXml, median, num, recordXml, report } from './lib/figures.ts';
import { LIMIT, ensureLimits } from './lib/limits.ts';
import { PG_LIMIT, measurePostgresLimits } from './lib/postgres-limits.ts';
import { startBenchPostgres } from './lib/postgres-server.ts';
import { Recorder } from './lib/results.ts';

const ORGANISM = fileURLToPath(new URL('../examples/bench/organism.yaml', import.meta.url));
const N = Number(process.env.BENCH_MESSAGES ?? 20_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 1);
const IN_FLIGHT = 512;

type Store = 'sqlite' | 'postgres';
let schemas = 0;

/**
 * One hop to the sink, msg/s, on a fresh SQLite file in `scratch` (removed with the server's folder,
 * also if this process is killed) or a fresh schema of the bench's PostgreSQL at `url`.
 */
async function throughput(
  store: Store,
  durability: 'strict' | 'fast',
  at: { url: string; scratch: string },
): Promise<number> {
  const dir = store === 'sqlite' ? mkdtempSync(join(at.scratch, 'sqlite-')) : undefined;
  const engine = await createEngine(ORGANISM, {
    durability,
    ...(dir
      ? { journalPath: join(dir, 'journal.sqlite') }
      : { journal: await PostgresJournal.open({ url: at.url, durability, schema: `bench_${++schemas}` }) }),
  });
  await engine.start();
  const messages = Array.from({ length: 1000 }, (_, i) => envelopeXml('sink', i));
  const rate = await closedLoop(engine, messages, N, IN_FLIGHT);
  await engine.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
  return rate;
}

const rec = new Recorder('postgres');
console.log(
  `postgres — journaled one hop on PostgreSQL beside SQLite, ${N} messages of ${Buffer.byteLength(recordXml(0))} bytes, ${IN_FLIGHT} producers in flight, ${ROUNDS} round(s), node ${process.version}`,
);
const t0 = performance.now();
const server = await startBenchPostgres();
console.log(`postgres: started in ${((performance.now() - t0) / 1000).toFixed(1)} s (fsync on)`);
await ensureLimits(rec, [LIMIT.libxml1, LIMIT.sqliteBatchNormal, LIMIT.sqliteBatchFull]);
await measurePostgresLimits(rec, server.url);

const aim = '≥ 50% of the 1-core XML limit';
for (const d of ['strict', 'fast'] as const) {
  const runs: Record<Store, number[]> = { sqlite: [], postgres: [] };
  for (let r = 0; r < ROUNDS; r++) {
    for (const store of ['sqlite', 'postgres'] as const) runs[store].push(await throughput(store, d, server));
  }
  const sqlite = median(runs.sqlite);
  const postgres = median(runs.postgres);
  const sqliteLimit = d === 'fast' ? LIMIT.sqliteBatchNormal : LIMIT.sqliteBatchFull;
  report(rec, `journal_one_hop_sqlite_${d}`, `${d}, one hop, SQLite`, sqlite, 'msg/s', {
    limit: LIMIT.libxml1,
    also: [sqliteLimit],
    aim,
  });
  report(rec, `journal_one_hop_postgres_${d}`, `${d}, one hop, PostgreSQL`, postgres, 'msg/s', {
    limit: LIMIT.libxml1,
    also: [PG_LIMIT.insertBatch, PG_LIMIT.claimAck],
    aim,
  });
  report(rec, `journal_one_hop_postgres_${d}.vs_sqlite`, '  PostgreSQL ÷ SQLite', postgres / sqlite, 'ratio');
  if (ROUNDS > 1)
    console.log(
      `  runs: SQLite ${runs.sqlite.map(num).join(', ')}; PostgreSQL ${runs.postgres.map(num).join(', ')} msg/s`,
    );
}
rec.done();
