import { and, desc, eq, getTableColumns, gte, isNull, lte, ne, or, sql } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import type { NodePgDatabase } from 'drizzle-orm/node-postgres';
import { messageListInputSchema } from '@organism/shared';
import type { MessageFilter, MessageListInput, MessageSummary, Page } from '@organism/shared';
import { decodeCursor, encodeCursor } from '../cursor.ts';
import { oldestFirst, toSummary } from '../entry-record.ts';
import type { EntryRow } from '../entry-record.ts';
import { messages, transitions } from './schema.ts';
import { withImpliedState } from '../search/search-request.ts';
import { isUuid } from './uuid-range.ts';

const { seq: _seq, words: _words, part: _part, ...columns } = getTableColumns(messages);
/** An entry's columns, read as an EntryRow: all but the write order, the words and the partition. */
export const entryColumns = columns;
const { part: _tpart, ...logColumns } = getTableColumns(transitions);
/** A transition's columns, read as a Transition: all but the partition. */
export const transitionColumns = logColumns;

/** Where a keyset page of entries (or threads) goes on: the sort key of the last item shown. */
export interface Position {
  at: number;
  id: string;
}

/**
 * Whether a cursor's position is one the journal gives (a whole number of ms and a uuid). Any other
 * (a cursor altered by hand) could not even be compared with the columns: its page is empty.
 */
export function isPosition(p: Position): boolean {
  return Number.isSafeInteger(p.at) && isUuid(p.id);
}

/** Entries after `p` in the list's order (newest first), as a range on created_at that an index seeks. */
export function before(p: Position): SQL {
  return sql`(${messages.createdAt} <= ${p.at} AND (${messages.createdAt} < ${p.at} OR ${messages.id} < ${p.id}))`;
}

/** `n` as an int8 parameter: a filter may hold any number, a bigint column compares with integers only. */
export function int8(n: number): number {
  return Math.max(-Number.MAX_SAFE_INTEGER, Math.min(Number.MAX_SAFE_INTEGER, n));
}

/**
 * A filter's conditions, plain equalities: PostgreSQL keeps statistics and picks the index to walk
 * itself (SQLite's list had to be told, sqlite/message-list.ts). A thread id that is no uuid matches
 * nothing; time bounds are rounded inwards (created_at is a whole number of ms).
 */
export function messageFilters(filter: MessageFilter): SQL[] {
  const f = withImpliedState(filter);
  const out: (SQL | undefined)[] = [
    f.threadId ? (isUuid(f.threadId) ? eq(messages.threadId, f.threadId) : sql`false`) : undefined,
    f.to === null ? isNull(messages.to) : f.to ? eq(messages.to, f.to) : undefined,
    f.from ? eq(messages.from, f.from) : undefined,
    f.participant ? or(eq(messages.to, f.participant), eq(messages.from, f.participant)) : undefined,
    f.state ? eq(messages.state, f.state) : undefined,
    f.refused === undefined
      ? undefined
      : f.refused
        ? eq(messages.kind, 'rejected')
        : ne(messages.kind, 'rejected'),
    f.root ? eq(messages.root, f.root) : undefined,
    f.errorCode ? eq(messages.errorCode, f.errorCode) : undefined,
    f.since !== undefined ? gte(messages.createdAt, int8(Math.ceil(f.since))) : undefined,
    f.until !== undefined ? lte(messages.createdAt, int8(Math.floor(f.until))) : undefined,
  ];
  return out.filter((x): x is SQL => x !== undefined);
}

/** The list's order: newest first, then by id (descending), as `ORDER BY created_at DESC, id DESC`. */
const newestFirst = (a: EntryRow, b: EntryRow): number => oldestFirst(b, a);

/** Entries newest first, filtered, a keyset page at a time (`Journal.listMessages`). */
export async function listMessages(db: NodePgDatabase, raw: MessageListInput): Promise<Page<MessageSummary>> {
  const { limit, cursor, ...filter } = messageListInputSchema.parse(raw);
  const after = decodeCursor(cursor);
  if (after && !isPosition(after)) return { items: [], nextCursor: null };
  const page = (f: MessageFilter, extra?: SQL): Promise<EntryRow[]> =>
    db
      .select(entryColumns)
      .from(messages)
      .where(and(...messageFilters(f), extra, after && before(after)))
      .orderBy(desc(messages.createdAt), desc(messages.id))
      .limit(limit + 1);
  let rows: EntryRow[];
  const { participant: p, ...rest } = filter;
  if (p && filter.to === undefined && !filter.from) {
    // Either side: a page addressed to it and a page sent by it (each down its own index), merged;
    // an OR of the two would have PostgreSQL gather every entry of a busy listener and sort them.
    const [to, from] = await Promise.all([
      page({ ...rest, to: p }),
      page({ ...rest, from: p }, sql`${messages.to} IS DISTINCT FROM ${p}`),
    ]);
    rows = [...to, ...from].sort(newestFirst).slice(0, limit + 1);
  } else {
    rows = await page(filter);
  }
  const items = rows.slice(0, limit).map(toSummary);
  const last = items.at(-1);
  return {
    items,
    nextCursor: rows.length > limit && last ? encodeCursor(last.createdAt, last.id) : null,
  };
}
