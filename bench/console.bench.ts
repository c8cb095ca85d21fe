/**
 * The console's queries on a big journal: every list, filter and lookup the console makes, through the
 * engine's API router (the procedures the console calls, with their input schemas) on a real journal
 * seeded with 1,000,000 messages across 100,000 threads and 20 listeners (lib/console-seed.ts; cached
 * under bench/.cache, keyed by seed version and migrations). Each query runs 100 times with varied
 * parameters (listeners, codes, ids, cursors); the aim is p95 ≤ 100 ms on the server (lib/console-queries.ts).
 * The journal is the engine's SQLite file, or with BENCH_CONSOLE_DRIVER=postgres (`pnpm console:postgres`)
 * a PostgreSQL journal holding the same rows (lib/console-postgres.ts: the bench's own server, its data
 * kept under bench/.cache/postgres).
 * Run: pnpm bench:console   (or: cd bench && pnpm console). BENCH_CONSOLE_MESSAGES sets the size.
 */
import { fileURLToPath } from 'node:url';
import { createEngine } from '@organism/engine';
import type { Journal } from '../apps/engine/src/journal/index.ts';
import type { OpenDatabase } from '../apps/engine/src/journal/sqlite/open-database.ts';
import { PostgresJournal } from '../apps/engine/src/journal/postgres/postgres-journal.ts';
import { SqliteJournal } from '../apps/engine/src/journal/sqlite/sqlite-journal.ts';
import { recordPgQueries, seededPostgres } from './lib/console-postgres.ts';
import { runConsoleCases, sampleIds } from './lib/console-queries.ts';
import type { QueryRecorder } from './lib/console-queries.ts';
import { seededJournal } from './lib/console-seed.ts';

const ORGANISM = fileURLToPath(new URL('../examples/bench/organism.yaml', import.meta.url));
const N = Number(process.env.BENCH_CONSOLE_MESSAGES ?? 1_000_000);
const DRIVER = process.env.BENCH_CONSOLE_DRIVER ?? 'sqlite';
if (DRIVER !== 'sqlite' && DRIVER !== 'postgres')
  throw new Error(`BENCH_CONSOLE_DRIVER must be sqlite or postgres, not ${DRIVER}`);
const EXPLAIN = Boolean(process.env.BENCH_CONSOLE_EXPLAIN);

const { path, info } = seededJournal(N, (l) => console.log(l));
const sample = sampleIds(path, info);
let journal: Journal;
let explain: QueryRecorder | undefined;
let described: string;
if (DRIVER === 'postgres') {
  const { url, schema, seed } = await seededPostgres(path, info, (l) => console.log(l));
  const pgJournal = await PostgresJournal.open({ url, durability: 'fast', schema });
  journal = pgJournal;
  explain = EXPLAIN ? recordPgQueries(pgJournal.database.pool) : undefined;
  described = `PostgreSQL, schema ${schema}, ${(seed.bytes / 1e9).toFixed(2)} GB`;
} else {
  const sqliteJournal = new SqliteJournal({ path, durability: 'fast' });
  journal = sqliteJournal;
  explain = EXPLAIN ? recordQueries(sqliteJournal.database.sqlite) : undefined;
  described = `SQLite, ${(info.bytes / 1e9).toFixed(2)} GB`;
}
const engine = await createEngine(ORGANISM, { journal });
// BENCH_CONSOLE_EXPLAIN=1: the plan of every statement each query runs instead of its timing.
await runConsoleCases(
  {
    journal: described,
    engine,
    info,
    sample,
    explain,
    script: DRIVER === 'postgres' ? 'console-postgres' : 'console',
    prefix: DRIVER === 'postgres' ? 'console_pg_' : 'console_',
  },
  process.argv[2],
);
process.exit(0);

/** Records the statements run on `sqlite` between start() and stop(), each with its query plan. */
function recordQueries(sqlite: OpenDatabase['sqlite']): QueryRecorder {
  const prepare = sqlite.prepare.bind(sqlite);
  let seen: Map<string, unknown[]> | undefined;
  sqlite.prepare = ((source: string) => {
    const st = prepare(source);
    for (const m of ['all', 'get', 'run', 'iterate'] as const) {
      const call = st[m].bind(st) as (...a: unknown[]) => unknown;
      (st as unknown as Record<string, unknown>)[m] = (...args: unknown[]) => {
        if (seen && !seen.has(source)) seen.set(source, args);
        return call(...args);
      };
    }
    return st;
  }) as typeof sqlite.prepare;
  return {
    start: () => void (seen = new Map()),
    stop: () => {
      const out = [...(seen ?? [])].map(([source, args]) => ({
        sql: source,
        plan: plan(prepare(`EXPLAIN QUERY PLAN ${source}`).all(...args) as PlanRow[]),
      }));
      seen = undefined;
      return Promise.resolve(out);
    },
  };
}

interface PlanRow {
  id: number;
  parent: number;
  detail: string;
}

/** EXPLAIN QUERY PLAN's rows as the sqlite3 shell shows them, one indented line per step. */
function plan(rows: PlanRow[]): string {
  const depth = new Map<number, number>([[0, 0]]);
  return rows
    .map((r) => {
      const d = (depth.get(r.parent) ?? 0) + 1;
      depth.set(r.id, d);
      return `${'  '.repeat(d)}${r.detail}`;
    })
    .join('\n');
}
