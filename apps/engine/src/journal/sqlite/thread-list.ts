import type Database from 'better-sqlite3';
import { threadListInputSchema } from '@organism/shared';
import type { Page, ThreadListInput, ThreadStatus, ThreadSummary } from '@organism/shared';
import { decodeCursor, encodeCursor } from '../cursor.ts';

/** A participant in at most this many entries has their threads read and sorted (see `fewEntries`). */
const FEW_ENTRIES = 5_000;

/** Each status as a condition on the thread's counts; failed matches its partial index. */
const THREAD_STATUS: Record<ThreadStatus, string> = {
  active: 't.open > 0',
  failed: 't.open = 0 AND t.failed > 0',
  completed: 't.open = 0 AND t.failed = 0',
};

const COLUMNS = `t.id, t.first_at AS firstAt, t.last_at AS lastAt, t.messages, t.open, t.failed, t.participants`;

interface ThreadRecord {
  id: string;
  firstAt: number;
  lastAt: number;
  messages: number;
  open: number;
  failed: number;
  participants: string;
}

/**
 * Threads newest first. Status and participants come from the thread's own row (kept by the write
 * statements). Which rows are walked is chosen here, and written in SQL so that SQLite takes it:
 * - active: the threads of the unfinished entries (few: the queue), through the state index;
 * - a participant with few entries: the threads of those entries, through its listener indexes;
 * - otherwise the threads newest first (failed ones through their partial index), each row checked.
 * The chosen set is sorted by last activity and paged by keyset.
 */
export function listThreads(sqlite: Database.Database, raw: ThreadListInput): Page<ThreadSummary> {
  const input = threadListInputSchema.parse(raw);
  const after = decodeCursor(input.cursor);
  const who = input.participant;
  const where: string[] = [];
  const args: (string | number)[] = [];
  let from = 'threads t';
  if (input.status === 'active') {
    from = `(SELECT DISTINCT thread_id AS id FROM messages
              WHERE state IN ('PENDING', 'DISPATCHED') AND thread_id IS NOT NULL) c
            CROSS JOIN threads t ON t.id = c.id`;
  } else if (who !== undefined && fewEntries(sqlite, who)) {
    from = `(SELECT thread_id AS id FROM messages WHERE to_name = ? AND thread_id IS NOT NULL
              UNION SELECT thread_id FROM messages WHERE from_name = ? AND thread_id IS NOT NULL) c
            CROSS JOIN threads t ON t.id = c.id`;
    args.push(who, who);
  }
  if (who !== undefined) {
    where.push(`instr(t.participants, char(31) || ? || char(31)) > 0`);
    args.push(who);
  }
  if (after) {
    where.push('t.last_at <= ? AND (t.last_at < ? OR t.id < ?)');
    args.push(after.at, after.at, after.id);
  }
  if (input.status) where.push(THREAD_STATUS[input.status]);
  const rows = sqlite
    .prepare(
      `SELECT ${COLUMNS} FROM ${from} ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY t.last_at DESC, t.id DESC LIMIT ?`,
    )
    .all(...args, input.limit + 1) as ThreadRecord[];
  const items = rows.slice(0, input.limit).map(summary);
  const last = items.at(-1);
  return {
    items,
    nextCursor: rows.length > input.limit && last ? encodeCursor(last.lastAt, last.id) : null,
  };
}

/** Threads by id, in the order given (unknown ids left out). */
export function threadSummaries(sqlite: Database.Database, ids: string[]): ThreadSummary[] {
  if (ids.length === 0) return [];
  const rows = sqlite
    .prepare(`SELECT ${COLUMNS} FROM threads t WHERE t.id IN (SELECT value FROM json_each(?))`)
    .all(JSON.stringify(ids)) as ThreadRecord[];
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.flatMap((id) => {
    const r = byId.get(id);
    return r ? [summary(r)] : [];
  });
}

function summary(r: ThreadRecord): ThreadSummary {
  return {
    id: r.id,
    status: r.open > 0 ? 'active' : r.failed > 0 ? 'failed' : 'completed',
    participants: r.participants
      .split('\u001f')
      .filter((p) => p !== '')
      .sort(),
    messages: r.messages,
    failed: r.failed,
    firstAt: r.firstAt,
    lastAt: r.lastAt,
  };
}

/**
 * Whether `name` is on either side of at most FEW_ENTRIES entries: then reading their threads and
 * sorting them is cheap, while walking every thread to find them is not. Otherwise it is in enough
 * threads that walking them newest first finds a page soon. Reads at most 2 × (FEW_ENTRIES + 1) keys.
 */
function fewEntries(sqlite: Database.Database, name: string): boolean {
  const count = (col: string): number =>
    (
      sqlite
        .prepare(`SELECT count(*) AS n FROM (SELECT 1 FROM messages WHERE ${col} = ? LIMIT ?)`)
        .get(name, FEW_ENTRIES + 1) as { n: number }
    ).n;
  return count('to_name') + count('from_name') <= FEW_ENTRIES;
}
