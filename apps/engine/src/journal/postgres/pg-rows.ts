import type pg from 'pg';
import type { SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';

const dialect = new PgDialect();

/**
 * Runs a drizzle `sql` query on the pool and returns its rows, named as the query names them. Through
 * the pool rather than `db.execute`, whose type parsers give int8 (counts, times, sequence numbers) as
 * strings: the pool's give numbers (open-postgres.ts).
 */
export async function pgRows<T>(pool: pg.Pool, query: SQL): Promise<T[]> {
  const { sql, params } = dialect.sqlToQuery(query);
  return (await pool.query(sql, params)).rows as T[];
}
