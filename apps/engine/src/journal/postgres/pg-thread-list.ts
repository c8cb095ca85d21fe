import type pg from 'pg';
import { sql } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import { threadListInputSchema } from '@organism/shared';
import type { Page, ThreadListInput, ThreadStatus, ThreadSummary } from '@organism/shared';
import { decodeCursor, encodeCursor } from '../cursor.ts';
import { isPosition } from './pg-message-list.ts';
import { pgRows } from './pg-rows.ts';

/** A participant in at most this many entries has their threads read and sorted (see `fewEntries`). */
const FEW_ENTRIES = 5_000;

/** Each status as a condition on the thread's counts; failed matches its partial index. */
const THREAD_STATUS: Record<ThreadStatus, SQL> = {
  active: sql`t.open > 0`,
  failed: sql`t.open = 0 AND t.failed > 0`,
  completed: sql`t.open = 0 AND t.failed = 0`,
};

const COLUMNS = sql`t.id, t.first_at AS "firstAt", t.last_at AS "lastAt", t.messages, t.open, t.failed, t.participants`;

interface ThreadRecord {
  id: string;
  firstAt: number;
  lastAt: number;
  messages: number;
  open: number;
  failed: number;
  participants: string[];
}

/**
 * Threads newest first (`Journal.listThreads`), as sqlite/thread-list.ts chooses the rows to walk:
 * - active: the threads of the unfinished entries (few: the queue), through the state index;
 * - a participant with few entries: the threads of those entries, through its listener indexes;
 * - otherwise the threads newest first (failed ones through their partial index), each row checked.
 * The chosen set is sorted by last activity and paged by keyset.
 */
export async function listThreads(pool: pg.Pool, raw: ThreadListInput): Promise<Page<ThreadSummary>> {
  const input = threadListInputSchema.parse(raw);
  const after = decodeCursor(input.cursor);
  if (after && !isPosition(after)) return { items: [], nextCursor: null };
  const who = input.participant;
  let from = sql`threads t`;
  if (input.status === 'active') {
    from = sql`(SELECT DISTINCT thread_id AS id FROM messages
                 WHERE state IN ('PENDING', 'DISPATCHED') AND thread_id IS NOT NULL) c
               JOIN threads t ON t.id = c.id`;
  } else if (who !== undefined && (await fewEntries(pool, who))) {
    from = sql`(SELECT thread_id AS id FROM messages WHERE to_name = ${who} AND thread_id IS NOT NULL
                UNION SELECT thread_id FROM messages WHERE from_name = ${who} AND thread_id IS NOT NULL) c
               JOIN threads t ON t.id = c.id`;
  }
  const where: SQL[] = [];
  // `@>` rather than `= ANY`: a GIN index on participants, if one is added, answers it.
  if (who !== undefined) where.push(sql`t.participants @> ARRAY[${who}]::text[]`);
  if (after) where.push(sql`t.last_at <= ${after.at} AND (t.last_at < ${after.at} OR t.id < ${after.id})`);
  if (input.status) where.push(THREAD_STATUS[input.status]);
  const rows = await pgRows<ThreadRecord>(
    pool,
    sql`SELECT ${COLUMNS} FROM ${from} ${where.length > 0 ? sql`WHERE ${sql.join(where, sql` AND `)}` : sql``}
        ORDER BY t.last_at DESC, t.id DESC LIMIT ${input.limit + 1}`,
  );
  const items = rows.slice(0, input.limit).map(summary);
  const last = items.at(-1);
  return {
    items,
    nextCursor: rows.length > input.limit && last ? encodeCursor(last.lastAt, last.id) : null,
  };
}

/** Threads whose id lies in `range` (inclusive), by id, at most `limit`: `find`'s prefix search. */
export async function threadsInRange(
  pool: pg.Pool,
  range: { low: string; high: string },
  limit: number,
): Promise<ThreadSummary[]> {
  const rows = await pgRows<ThreadRecord>(
    pool,
    sql`SELECT ${COLUMNS} FROM threads t WHERE t.id BETWEEN ${range.low} AND ${range.high} ORDER BY t.id LIMIT ${limit}`,
  );
  return rows.map(summary);
}

function summary(r: ThreadRecord): ThreadSummary {
  return {
    id: r.id,
    status: r.open > 0 ? 'active' : r.failed > 0 ? 'failed' : 'completed',
    participants: [...r.participants].sort(),
    messages: r.messages,
    failed: r.failed,
    firstAt: r.firstAt,
    lastAt: r.lastAt,
  };
}

/**
 * Whether `name` sends or receives at most FEW_ENTRIES entries, counted up to that in each of its two
 * indexes: their threads are then cheaply gathered and sorted, where walking all threads for them is
 * not. A name in more entries is in so many threads that the newest-first walk soon fills a page.
 */
async function fewEntries(pool: pg.Pool, name: string): Promise<boolean> {
  const side = (col: SQL): SQL =>
    sql`(SELECT count(*) FROM (SELECT 1 FROM messages WHERE ${col} = ${name} LIMIT ${FEW_ENTRIES + 1}) x)`;
  const [row] = await pgRows<{ n: number }>(
    pool,
    sql`SELECT ${side(sql`to_name`)} + ${side(sql`from_name`)} AS n`,
  );
  return (row?.n ?? 0) <= FEW_ENTRIES;
}
