import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { drizzle } from 'drizzle-orm/node-postgres';
import type { NodePgDatabase } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import { JournalError } from '../journal-error.ts';

const MIGRATIONS = join(dirname(fileURLToPath(import.meta.url)), '../../../drizzle-pg');
/** Held while migrating, so that engines starting together migrate one after the other. */
const MIGRATION_LOCK = 7_173_871_701;

/** PostgreSQL's `int8` (counts, sequence numbers, times in ms) read as numbers: they stay below 2^53. */
const int8 = (v: string): number => Number(v);
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary'): unknown =>
    oid === 20 ? int8 : (pg.types.getTypeParser(oid, format) as unknown)) as typeof pg.types.getTypeParser,
};

export interface PostgresSettings {
  /** `postgres://user:password@host:port/database` (libpq's URL form). */
  url: string;
  durability: 'strict' | 'fast';
  /**
   * The schema the journal's tables live in (created when missing). Default `public`. Each test
   * journal takes a fresh one; several organisms can share a database this way.
   */
  schema?: string;
  /** Connections in the pool. Default 8. */
  poolSize?: number;
}

export interface OpenPostgres {
  pool: pg.Pool;
  db: NodePgDatabase;
  schema: string;
  /** Where it is, without the password: for messages. */
  where: string;
  /** A connection of its own, set up as the pool's (not yet connected): for sessions that must last. */
  client(): pg.Client;
  close(): Promise<void>;
}

/** `url` without its password, for messages and logs. */
export function redactedUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(an unparsable URL)';
  }
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Connects to the journal's database and applies the committed migrations (drizzle-pg/), one engine at
 * a time under an advisory lock. Strict durability commits with `synchronous_commit = on` (a commit
 * returns once its WAL is flushed), fast with `off` (a crash of the server, not of the engine, may lose
 * the last few hundred ms). Every way this can fail (unreachable, refused, bad URL) becomes a
 * JournalError JOURNAL_UNAVAILABLE that says where and why.
 */
export async function openPostgres(settings: PostgresSettings): Promise<OpenPostgres> {
  const where = redactedUrl(settings.url);
  const schema = settings.schema ?? 'public';
  if (!SCHEMA_NAME.test(schema))
    throw new JournalError(
      'JOURNAL_UNAVAILABLE',
      `journal schema "${schema}" is not a plain lower-case name`,
    );
  const options = [
    `-c search_path=${schema}`,
    `-c synchronous_commit=${settings.durability === 'strict' ? 'on' : 'off'}`,
  ].join(' ');
  let pool: pg.Pool;
  const config = {
    connectionString: settings.url,
    options,
    types,
    connectionTimeoutMillis: 10_000,
    application_name: 'organism',
  };
  try {
    pool = new pg.Pool({ ...config, max: settings.poolSize ?? 8 });
  } catch (err) {
    throw unavailable(where, 'is not a PostgreSQL URL', err);
  }
  // An idle connection the server dropped must not take the process down: the next query reconnects.
  pool.on('error', () => {});
  // Nor may one the server ends while it is checked out between queries (a shutdown's 57P01): the
  // query that uses it next fails, and is the one that reports it.
  pool.on('connect', (client) => client.on('error', () => {}));
  try {
    const client = await pool.connect();
    try {
      await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
      try {
        await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
        await migrate(drizzle(client), { migrationsFolder: MIGRATIONS, migrationsSchema: schema });
      } finally {
        await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
      }
    } finally {
      client.release();
    }
  } catch (err) {
    await pool.end().catch(() => {});
    throw unavailable(where, 'cannot be used', err);
  }
  const client = (): pg.Client => {
    const c = new pg.Client(config);
    // The server going away is reported by the queries that need it; it must not crash the process.
    c.on('error', () => {});
    return c;
  };
  return { pool, db: drizzle(pool), schema, where, client, close: () => pool.end() };
}

function unavailable(where: string, what: string, cause: unknown): JournalError {
  const reason = cause instanceof Error ? `: ${cause.message || (cause as { code?: string }).code}` : '';
  return new JournalError('JOURNAL_UNAVAILABLE', `journal database ${where} ${what}${reason}`, { cause });
}
