/**
 * The console benchmark's journal on PostgreSQL (issue 12): the same rows as its SQLite seed
 * (console-seed.ts), copied into a schema of a PostgreSQL the bench keeps under bench/.cache/postgres
 * (git-ignored), so that later runs start at once. The schema is made by the journal's own migrations
 * (openPostgres), then filled from the SQLite file in its order (so `messages.seq` and `transitions.seq`
 * are SQLite's rowids) with multi-row INSERTs of column arrays (`unnest`), the secondary indexes dropped
 * during the load and built once after it, then VACUUM ANALYZE (statistics, and the visibility map
 * index-only scans need). An entry's words are what the write path gives (pg-writes.ts):
 * `to_tsvector('simple', indexedWords(payload))`. Every entry is left unowned, as a journal no engine ran;
 * the engine that opens it adopts the few unfinished ones (the open threads of the last five minutes).
 *
 * The schema is named after the SQLite seed it copies (its file and its `now`) and the PostgreSQL
 * migrations, and marked done by a comment holding its figures only once it is complete: a seed or
 * schema change, or an interrupted copy, seeds it again; older schemas of the same size are dropped.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import pg from 'pg';
import { openPostgres } from '../../apps/engine/src/journal/postgres/open-postgres.ts';
import { indexedWords } from '../../apps/engine/src/journal/postgres/pg-search.ts';
import { DAY_MS, DAYS, PART, PgPartitions } from '../../apps/engine/src/journal/postgres/pg-partitions.ts';
import type { SeedInfo } from './console-seed.ts';
import type { QueryRecorder } from './console-queries.ts';
import { startKeptPostgres } from './postgres-server.ts';

/** Bump when the copy changes: the cached schemas are then seeded again. */
const PG_SEED_VERSION = 3;
const DATA_DIR = fileURLToPath(new URL('../.cache/postgres', import.meta.url));
const MESSAGE_BATCH = 5_000;
const TRANSITION_BATCH = 20_000;
const THREAD_BATCH = 20_000;

/** What the copy took, kept in the schema's comment. */
export interface PgSeedInfo {
  version: number;
  source: string;
  copyMs: number;
  indexMs: number;
  vacuumMs: number;
  bytes: number;
}

/** The bench's PostgreSQL (started on its kept folder) and the schema holding a copy of the seed at `path`. */
export async function seededPostgres(
  path: string,
  info: SeedInfo,
  log: (line: string) => void,
): Promise<{ url: string; schema: string; seed: PgSeedInfo }> {
  const t0 = performance.now();
  const { url } = await startKeptPostgres(DATA_DIR);
  log(`postgres: started on ${DATA_DIR} in ${((performance.now() - t0) / 1000).toFixed(1)} s (fsync on)`);
  const key = createHash('sha256')
    .update(`${PG_SEED_VERSION} ${basename(path)} ${info.now} ${migrationsKey()}`)
    .digest('hex')
    .slice(0, 10);
  const schema = `console_${info.messages}_${key}`;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const done = await client.query<{ comment: string | null }>(
      `SELECT obj_description(oid, 'pg_namespace') AS comment FROM pg_namespace WHERE nspname = $1`,
      [schema],
    );
    const comment = done.rows[0]?.comment;
    if (comment) {
      const seed = JSON.parse(comment) as PgSeedInfo;
      log(
        `journal: cached schema ${schema} (copied in ${((seed.copyMs + seed.indexMs + seed.vacuumMs) / 1000).toFixed(1)} s)`,
      );
      return { url, schema, seed };
    }
    // A copy of this size for an older seed or schema will not be used again; nor will an interrupted one.
    const stale = await client.query<{ nspname: string }>(
      `SELECT nspname FROM pg_namespace WHERE nspname LIKE $1`,
      [`console\\_${info.messages}\\_%`],
    );
    for (const { nspname } of stale.rows) await client.query(`DROP SCHEMA "${nspname}" CASCADE`);
    log(`journal: copying ${path} into schema ${schema} …`);
    const open = await openPostgres({ url, durability: 'fast', schema });
    // The seed's day and the day before have partitions, as on a journal that ran through them.
    const seedDay = Math.floor(info.now / DAY_MS);
    await new PgPartitions(open.pool, schema, () => info.now).extend(seedDay - 1, seedDay);
    await open.close();
    const seed = await copy(client, schema, path, log);
    await client.query(`COMMENT ON SCHEMA ${schema} IS '${JSON.stringify(seed).replaceAll("'", "''")}'`);
    return { url, schema, seed };
  } finally {
    await client.end();
  }
}

/** The PostgreSQL migrations, so a change to them copies into a fresh schema. */
function migrationsKey(): string {
  const journal = fileURLToPath(new URL('../../apps/engine/drizzle-pg/meta/_journal.json', import.meta.url));
  return createHash('sha256').update(readFileSync(journal)).digest('hex').slice(0, 10);
}

async function copy(
  client: pg.Client,
  schema: string,
  path: string,
  log: (line: string) => void,
): Promise<PgSeedInfo> {
  const t0 = performance.now();
  await client.query(`SET search_path = ${schema}`);
  await client.query('SET synchronous_commit = off');
  await client.query(`SET maintenance_work_mem = '1GB'`);
  // Load without the secondary indexes (the primary keys stay), then build each once.
  const indexes = await client.query<{ name: string; def: string }>(
    `SELECT indexname AS name, indexdef AS def FROM pg_indexes i
      WHERE schemaname = $1 AND tablename IN ('messages', 'transitions', 'threads')
        AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname AND c.connamespace = $1::regnamespace)`,
    [schema],
  );
  for (const ix of indexes.rows) await client.query(`DROP INDEX "${ix.name}"`);
  const sqlite = new Database(path, { readonly: true });
  try {
    await copyTable(client, sqlite, MESSAGES, MESSAGE_BATCH, log);
    await copyTable(client, sqlite, TRANSITIONS, TRANSITION_BATCH, log);
    await copyTable(client, sqlite, THREADS, THREAD_BATCH, log);
    const counts = sqlite.prepare('SELECT state, n FROM journal_counts').all() as {
      state: string;
      n: number;
    }[];
    for (const c of counts)
      await client.query('UPDATE journal_counts SET n = $2 WHERE state = $1', [c.state, c.n]);
  } finally {
    sqlite.close();
  }
  const copyMs = performance.now() - t0;
  log(`  rows copied in ${(copyMs / 1000).toFixed(1)} s`);
  const i0 = performance.now();
  // A partitioned table's index is defined `ON ONLY` the table; built on the table, it is built on each
  // partition too.
  for (const ix of indexes.rows) await client.query(ix.def.replace(' ON ONLY ', ' ON '));
  const indexMs = performance.now() - i0;
  log(`  ${indexes.rows.length} indexes built in ${(indexMs / 1000).toFixed(1)} s`);
  const v0 = performance.now();
  await client.query('VACUUM ANALYZE messages, transitions, threads, journal_counts');
  const vacuumMs = performance.now() - v0;
  const size = await client.query<{ bytes: string }>(
    `SELECT sum(pg_total_relation_size(c.oid))::text AS bytes FROM pg_class c
      WHERE c.relnamespace = $1::regnamespace AND c.relkind IN ('r', 'm')`,
    [schema],
  );
  const bytes = Number(size.rows[0]?.bytes ?? 0);
  log(`  VACUUM ANALYZE in ${(vacuumMs / 1000).toFixed(1)} s; ${(bytes / 1e9).toFixed(2)} GB`);
  return { version: PG_SEED_VERSION, source: basename(path), copyMs, indexMs, vacuumMs, bytes };
}

/** How one table is copied: its SQLite rows, read in rowid order, as PostgreSQL column arrays. */
interface TableCopy {
  table: string;
  /** SELECT … FROM the SQLite table, its first column the rowid, for `WHERE rowid > ?` paging. */
  select: string;
  /** INSERT … SELECT … FROM unnest($1::type[], …) WITH ORDINALITY: the columns in the select's order. */
  insert: string;
  /** A row's values as the insert's arrays take them (after the rowid). */
  row?: (r: unknown[]) => unknown[];
}

const MESSAGES: TableCopy = {
  table: 'messages',
  select: `SELECT rowid, id, thread_id, parent_id, from_name, to_name, root, kind, chain, payload, raw, state,
      attempts, error_code, error_detail, next_attempt_at, egress, created_at, updated_at FROM messages`,
  insert: `INSERT INTO messages (id, thread_id, parent_id, from_name, to_name, root, kind, chain, payload, raw,
      state, attempts, error_code, error_detail, next_attempt_at, egress, created_at, updated_at, words, part)
    SELECT id, thread_id, parent_id, from_name, to_name, root, kind, chain, payload, raw, state, attempts,
      error_code, error_detail, next_attempt_at, egress, created_at, updated_at,
      CASE WHEN text IS NULL THEN NULL ELSE to_tsvector('simple', text) END, ${PART('created_at')}
    FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
      $9::text[], $10::text[], $11::text[], $12::int[], $13::text[], $14::text[], $15::bigint[], $16::boolean[],
      $17::bigint[], $18::bigint[], $19::text[])
      WITH ORDINALITY AS x(id, thread_id, parent_id, from_name, to_name, root, kind, chain, payload, raw, state,
        attempts, error_code, error_detail, next_attempt_at, egress, created_at, updated_at, text, i)
    ${DAYS}
    ORDER BY i`,
  // egress is 0/1 in SQLite; the words as the write path indexes them (the seed's payloads are small).
  row: (r) => {
    r[15] = r[15] === 1;
    const payload = r[8] as string | null;
    r.push(payload === null ? null : indexedWords(payload));
    return r;
  },
};

const TRANSITIONS: TableCopy = {
  table: 'transitions',
  select: `SELECT seq, message_id, thread_id, state, attempt, error_code, detail, at FROM transitions`,
  insert: `INSERT INTO transitions (message_id, thread_id, state, attempt, error_code, detail, at, part)
    SELECT message_id, thread_id, state, attempt, error_code, detail, at, ${PART('at')}
    FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::int[], $5::text[], $6::text[], $7::bigint[])
      WITH ORDINALITY AS x(message_id, thread_id, state, attempt, error_code, detail, at, i)
    ${DAYS}
    ORDER BY i`,
};

// SQLite keeps the participants as one string, each name followed by U+001F and the first preceded by it.
const THREADS: TableCopy = {
  table: 'threads',
  select: `SELECT rowid, id, first_at, last_at, messages, open, failed, participants FROM threads`,
  insert: `INSERT INTO threads (id, first_at, last_at, messages, open, failed, participants)
    SELECT id, first_at, last_at, messages, open, failed, string_to_array(btrim(participants, chr(31)), chr(31))
    FROM unnest($1::uuid[], $2::bigint[], $3::bigint[], $4::int[], $5::int[], $6::int[], $7::text[])
      AS x(id, first_at, last_at, messages, open, failed, participants)`,
};

/**
 * Copies a table a batch at a time, in rowid order, one INSERT in flight while the next batch is read
 * and built.
 */
async function copyTable(
  client: pg.Client,
  sqlite: Database.Database,
  t: TableCopy,
  batch: number,
  log: (line: string) => void,
): Promise<void> {
  const t0 = performance.now();
  const read = sqlite.prepare(`${t.select} WHERE rowid > ? ORDER BY rowid LIMIT ${batch}`).raw();
  let last = 0;
  let rows = 0;
  let inFlight: Promise<unknown> | undefined;
  let lastLog = performance.now();
  for (;;) {
    const page = read.all(last) as unknown[][];
    if (page.length === 0) break;
    last = page.at(-1)![0] as number;
    const columns: unknown[][] = [];
    for (const r of page) {
      const values = t.row ? t.row(r.slice(1)) : r.slice(1);
      for (let c = 0; c < values.length; c++) (columns[c] ??= []).push(values[c]);
    }
    await inFlight;
    inFlight = client.query(t.insert, columns);
    rows += page.length;
    if (performance.now() - lastLog > 10_000) {
      lastLog = performance.now();
      log(`  … ${t.table}: ${rows.toLocaleString('en-US')}`);
    }
  }
  await inFlight;
  log(
    `  ${t.table}: ${rows.toLocaleString('en-US')} rows in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
}

/**
 * Records the statements run through `pool.query` between start() and stop() (the journal's reads), each
 * with its plan as EXPLAIN (ANALYZE, BUFFERS) gives it for the parameters of its first run (EXPLAIN alone
 * for a statement that writes).
 */
export function recordPgQueries(pool: pg.Pool): QueryRecorder {
  type Query = (
    text: string | pg.QueryConfig,
    values?: unknown[],
  ) => Promise<pg.QueryResult<Record<string, string>>>;
  const original = pool.query.bind(pool);
  const query: Query = (text, values) => original<Record<string, string>>(text, values);
  let seen: Map<string, unknown[]> | undefined;
  (pool as unknown as { query: Query }).query = (q, values) => {
    const text = typeof q === 'string' ? q : q.text;
    const args = values ?? (typeof q === 'string' ? [] : ((q.values as unknown[] | undefined) ?? []));
    if (seen && !seen.has(text)) seen.set(text, args);
    return query(q, values);
  };
  return {
    start: () => void (seen = new Map()),
    stop: async () => {
      const out: { sql: string; plan: string }[] = [];
      for (const [sql, args] of seen ?? []) {
        const reads = /^[\s(]*(select|with)\b/i.test(sql) && !/\b(insert|update|delete)\b/i.test(sql);
        const { rows } = await query(`EXPLAIN ${reads ? '(ANALYZE, BUFFERS) ' : ''}${sql}`, args);
        out.push({ sql, plan: rows.map((r) => `  ${r['QUERY PLAN']}`).join('\n') });
      }
      seen = undefined;
      return out;
    },
  };
}
