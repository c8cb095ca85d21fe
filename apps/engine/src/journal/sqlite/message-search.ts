import { and, desc, lt, lte, or, sql } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import type { BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import type Database from 'better-sqlite3';
import { toSummary } from '../entry-record.ts';
import type { EntryRow } from '../entry-record.ts';
import { messages } from '../schema.ts';
import { CANDIDATES_COUNTED, collectHits, decodeSearchCursor } from '../search/search-request.ts';
import type { SearchPage, SearchPosition, SearchRequest } from '../search/search-request.ts';
import { toFts5 } from '../search/text-query.ts';
import { messageFilters } from './message-list.ts';

/** Entries read per query while a list search walks its index. */
const CHUNK = 256;

const COLUMNS = `m.id, m.thread_id AS threadId, m.parent_id AS parentId, m.from_name AS "from", m.to_name AS "to",
  m.root, m.kind, m.chain, m.payload, m.raw, m.state, m.attempts, m.error_code AS errorCode,
  m.error_detail AS errorDetail, m.next_attempt_at AS nextAttemptAt, m.egress, m.created_at AS createdAt,
  m.updated_at AS updatedAt`;

/**
 * `Journal.search` on SQLite. With a text query the candidates come from the FTS5 index `messages_text`
 * (its words, newest rowid first, each entry read by rowid and checked against the filter); without, from
 * the message list's own index walk (message-list.ts), a chunk at a time. Either way the loop stops at the
 * request's scan budget, so no request reads more than `scan` candidates, and counting what lies ahead
 * stops at CANDIDATES_COUNTED.
 */
export function searchMessages(
  db: BetterSQLite3Database,
  sqlite: Database.Database,
  req: SearchRequest,
): SearchPage {
  const from = decodeSearchCursor(req.cursor);
  if (req.text) {
    const match = toFts5(req.text);
    const below = from?.kind === 'text' ? from.row : Number.MAX_SAFE_INTEGER;
    // CROSS JOIN keeps the index's order as the outer loop: rows come newest first and lazily, so the
    // loop's early stop ends the query.
    const rows = sqlite
      .prepare(
        `SELECT f.rowid AS _row, ${COLUMNS} FROM messages_text f CROSS JOIN messages m ON m.rowid = f.rowid
         WHERE messages_text MATCH ? AND f.rowid < ? ORDER BY f.rowid DESC`,
      )
      .iterate(match, below) as IterableIterator<EntryRow & { _row: number }>;
    const page = collectHits(textCandidates(rows), req, toSummary);
    if (typeof rows.return === 'function') rows.return();
    const counted = sqlite
      .prepare(
        `SELECT count(*) AS n FROM (SELECT rowid FROM messages_text WHERE messages_text MATCH ? AND rowid < ?
         ORDER BY rowid DESC LIMIT ?)`,
      )
      .get(match, below, CANDIDATES_COUNTED + 1) as { n: number };
    return withCount(page, counted.n);
  }
  const start = from?.kind === 'list' ? from : undefined;
  const where = listWhere(req);
  const page = collectHits(listCandidates(db, where, start), req, toSummary);
  const n = db
    .select({ n: sql<number>`count(*)` })
    .from(
      db
        .select({ one: sql`1` })
        .from(messages)
        .where(and(...where, keyset(start)))
        .limit(CANDIDATES_COUNTED + 1)
        .as('c'),
    )
    .get();
  return withCount(page, n?.n ?? 0);
}

function withCount(page: Omit<SearchPage, 'candidates' | 'candidatesCapped'>, n: number): SearchPage {
  return {
    ...page,
    candidates: Math.min(n, CANDIDATES_COUNTED),
    candidatesCapped: n > CANDIDATES_COUNTED,
  };
}

function* textCandidates(
  rows: Iterable<EntryRow & { _row: number }>,
): Generator<{ row: EntryRow; position: SearchPosition }> {
  for (const r of rows) {
    const { _row, ...row } = r;
    yield { row: { ...row, egress: Boolean(row.egress) }, position: { kind: 'text', row: _row } };
  }
}

/** A participant list merges two index walks (message-list.ts); a search checks it on each entry. */
function listWhere(req: SearchRequest): SQL[] {
  const { participant, ...rest } = req.filter;
  return participant
    ? [...messageFilters(rest), sql`(${messages.to} = ${participant} OR ${messages.from} = ${participant})`]
    : messageFilters(req.filter);
}

function keyset(after: { at: number; id: string } | undefined) {
  return after
    ? and(lte(messages.createdAt, after.at), or(lt(messages.createdAt, after.at), lt(messages.id, after.id)))
    : undefined;
}

/** The filter's entries newest first, as the message list walks them, read CHUNK at a time. */
function* listCandidates(
  db: BetterSQLite3Database,
  where: SQL[],
  start: { at: number; id: string } | undefined,
): Generator<{ row: EntryRow; position: SearchPosition }> {
  let after = start;
  for (;;) {
    const rows = db
      .select()
      .from(messages)
      .where(and(...where, keyset(after)))
      .orderBy(desc(messages.createdAt), desc(messages.id))
      .limit(CHUNK)
      .all();
    for (const row of rows) yield { row, position: { kind: 'list', at: row.createdAt, id: row.id } };
    const last = rows.at(-1);
    if (rows.length < CHUNK || !last) return;
    after = { at: last.createdAt, id: last.id };
  }
}
