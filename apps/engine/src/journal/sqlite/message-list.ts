import { and, desc, eq, gte, isNull, lt, lte, or, sql } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import type { BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import { messageListInputSchema } from '@organism/shared';
import type { MessageFilter, MessageListInput, MessageSummary, Page } from '@organism/shared';
import { decodeCursor, encodeCursor } from '../cursor.ts';
import { toSummary } from '../entry-record.ts';
import type { EntryRow } from '../entry-record.ts';
import { messages, threads } from '../schema.ts';
import { withImpliedState } from '../search/search-request.ts';

type LeadingFilter = 'threadId' | 'errorCode' | 'state' | 'to' | 'from' | 'participant' | 'root';

/**
 * The filter whose index a message list walks: the one that likely matches the fewest entries. A
 * thread has a handful; entries with an error code, and those not ACKED, are a small part of a healthy
 * journal; then a listener on one side, then a root. ACKED entries are most of the journal, and with
 * no filter (or only a time range) the list walks `messages_created`.
 */
function leadingFilter(f: MessageFilter): LeadingFilter | undefined {
  if (f.threadId) return 'threadId';
  if (f.errorCode) return 'errorCode';
  if (f.state && f.state !== 'ACKED') return 'state';
  if (f.to || f.to === null) return 'to';
  if (f.from) return 'from';
  if (f.participant) return 'participant';
  if (f.root) return 'root';
  if (f.state) return 'state';
  return undefined;
}

/**
 * A filter's conditions. Only the leading filter is a plain equality; every other one is written
 * `+column = ?`, which SQLite cannot answer from an index. Without statistics SQLite guesses which
 * index to walk, and a wrong guess (all ACKED entries, then a sort) reads the whole journal; this way
 * each list walks the one index that matches fewest entries, newest first, and checks the other
 * filters on the index entry (each index carries to, from and root) before reading a row.
 */
export function messageFilters(filter: MessageFilter): SQL[] {
  const f = withImpliedState(filter);
  const lead = leadingFilter(f);
  const is = (key: LeadingFilter, col: SQLiteColumn, value: string): SQL =>
    key === lead ? eq(col, value) : sql`+${col} = ${value}`;
  const out: (SQL | undefined)[] = [
    f.threadId ? thread(f.threadId, lead === 'threadId') : undefined,
    f.to === null
      ? lead === 'to'
        ? isNull(messages.to)
        : sql`+${messages.to} IS NULL`
      : f.to
        ? is('to', messages.to, f.to)
        : undefined,
    f.from ? is('from', messages.from, f.from) : undefined,
    f.participant && lead !== 'participant'
      ? sql`(+${messages.to} = ${f.participant} OR +${messages.from} = ${f.participant})`
      : undefined,
    f.state ? is('state', messages.state, f.state) : undefined,
    f.refused === undefined ? undefined : refused(f.refused),
    f.root ? is('root', messages.root, f.root) : undefined,
    f.errorCode ? is('errorCode', messages.errorCode, f.errorCode) : undefined,
    f.since !== undefined ? gte(messages.createdAt, f.since) : undefined,
    f.until !== undefined ? lte(messages.createdAt, f.until) : undefined,
  ];
  return out.filter((x): x is SQL => x !== undefined);
}

/** Refused input (kind `rejected`) or everything else; checked on the row, never walked. */
function refused(only: boolean): SQL {
  return only ? sql`+${messages.kind} = 'rejected'` : sql`+${messages.kind} <> 'rejected'`;
}

/**
 * A thread's entries: leading, by the thread's rowid (schema.ts, `thread_row`), whose index gives them
 * newest first, and by its id, which tells them from a pruned thread's that had the same rowid.
 */
function thread(id: string, leading: boolean): SQL {
  const byId = sql`+${messages.threadId} = ${id}`;
  if (!leading) return byId;
  return sql`${messages.threadRow} = (SELECT rowid FROM ${threads} WHERE ${threads.id} = ${id}) AND ${byId}`;
}

/** Entries newest first, filtered, a keyset page at a time. */
export function listMessages(db: BetterSQLite3Database, raw: MessageListInput): Page<MessageSummary> {
  const { limit, cursor, ...filter } = messageListInputSchema.parse(raw);
  const after = decodeCursor(cursor);
  // Keyset: entries before the cursor's (createdAt, id), as a range on createdAt the index can seek.
  const keyset = after
    ? and(lte(messages.createdAt, after.at), or(lt(messages.createdAt, after.at), lt(messages.id, after.id)))
    : undefined;
  const page = (f: MessageFilter, extra?: SQL): EntryRow[] =>
    db
      .select()
      .from(messages)
      .where(and(...messageFilters(f), extra, keyset))
      .orderBy(desc(messages.createdAt), desc(messages.id))
      .limit(limit + 1)
      .all();
  let rows: EntryRow[];
  if (filter.participant && leadingFilter(withImpliedState(filter)) === 'participant') {
    // Either side: one page addressed to it and one sent by it (each from its own index), merged.
    const { participant: p, ...rest } = filter;
    rows = [...page({ ...rest, to: p }), ...page({ ...rest, from: p }, sql`${messages.to} IS NOT ${p}`)]
      .sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
      .slice(0, limit + 1);
  } else {
    rows = page(filter);
  }
  const items = rows.slice(0, limit).map((r) => toSummary(r));
  const last = items.at(-1);
  return {
    items,
    nextCursor: rows.length > limit && last ? encodeCursor(last.createdAt, last.id) : null,
  };
}
