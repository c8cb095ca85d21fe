import { and, desc, lt, lte, or, sql } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import type { BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import type Database from 'better-sqlite3';
import { toSummary } from '../entry-record.ts';
import type { EntryRow } from '../entry-record.ts';
import { messages } from '../schema.ts';
import { CANDIDATES_COUNTED, collectHits, decodeSearchCursor } from '../search/search-request.ts';
import type { Candidate, SearchPage, SearchRequest } from '../search/search-request.ts';
import { payloadText } from '../search/payload-text.ts';
import { matchesTokens, namePhrase, textTokens, toFts5 } from '../search/text-query.ts';
import type { TextQuery } from '../search/text-query.ts';
import type { MessageFilter } from '@organism/shared';
import { messageFilters } from './message-list.ts';
import { TEXT_INDEX_MARK } from './text-index.ts';

/**
 * Candidates read per query, at most; the event loop gets a turn between two. The first query reads only
 * what a page needs if every candidate is a hit (limit + 1), and each next one twice as many.
 */
const CHUNK = 256;
const chunkSizes = function* (limit: number): Generator<number, never> {
  for (let size = Math.min(CHUNK, limit + 1); ; size = Math.min(CHUNK, size * 2)) yield size;
};

const COLUMNS = `m.id, m.thread_id AS threadId, m.parent_id AS parentId, m.from_name AS "from", m.to_name AS "to",
  m.root, m.kind, m.chain, m.payload, m.raw, m.state, m.attempts, m.error_code AS errorCode,
  m.error_detail AS errorDetail, m.next_attempt_at AS nextAttemptAt, m.egress, m.created_at AS createdAt,
  m.updated_at AS updatedAt`;

/**
 * `Journal.search` on SQLite. With a text query the candidates come from the FTS5 index `messages_text`
 * (its words, newest rowid first, each entry read by rowid and checked against the filter); without, from
 * the message list's own index walk (message-list.ts). Either way candidates are read a chunk at a time,
 * with a turn of the event loop between chunks, and the loop stops at the request's scan budget, so no
 * request reads more than `scan` candidates (and a chunk past them) and counting what lies ahead stops at
 * CANDIDATES_COUNTED.
 */
export async function searchMessages(
  db: BetterSQLite3Database,
  sqlite: Database.Database,
  req: SearchRequest,
): Promise<SearchPage> {
  const from = decodeSearchCursor(req.cursor);
  if (req.text) {
    const match = ftsMatch(req.text, req.filter);
    const below = from?.kind === 'text' ? from.row : Number.MAX_SAFE_INTEGER;
    // The entries the text index has not taken yet (text-index.ts) come first: they are the newest.
    const mark = sqlite.prepare(TEXT_INDEX_MARK).pluck().get() as number | undefined;
    const indexedBelow = mark === undefined ? below : Math.min(below, mark + 1);
    const unindexed =
      mark === undefined || below <= mark + 1 ? [] : unindexedMatches(sqlite, req.text, mark, below);
    const page = await collectHits(
      textCandidates(sqlite, match, unindexed, indexedBelow, req.limit),
      req,
      toSummary,
    );
    const counted = sqlite
      .prepare(
        `SELECT count(*) AS n FROM (SELECT rowid FROM messages_text WHERE messages_text MATCH ? AND rowid < ?
         ORDER BY rowid DESC LIMIT ?)`,
      )
      .get(match, indexedBelow, CANDIDATES_COUNTED + 1) as { n: number };
    return withCount(page, unindexed.length + counted.n);
  }
  const start = from?.kind === 'list' ? from : undefined;
  const where = listWhere(req);
  const page = await collectHits(listCandidates(db, where, start, req.limit), req, toSummary);
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

/**
 * The MATCH expression: the phrases in the payload's text, and the route's names when the filter has them,
 * so the index itself narrows a search within a listener or a producer. A name's phrase also matches a
 * longer name holding it (`orders` in `orders-eu`); the filter's exact check on each row settles that.
 */
function ftsMatch(q: TextQuery, f: MessageFilter): string {
  const parts = [`text : (${toFts5(q)})`];
  const to = f.to ? namePhrase(f.to) : undefined;
  const from = f.from ? namePhrase(f.from) : undefined;
  const either = f.participant ? namePhrase(f.participant) : undefined;
  if (to) parts.push(`to_name : ${to}`);
  if (from) parts.push(`from_name : ${from}`);
  if (either) parts.push(`(to_name : ${either} OR from_name : ${either})`);
  return parts.join(' AND ');
}

/** A turn of the event loop between chunks: the pump's work goes on while a search runs. */
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function withCount(page: Omit<SearchPage, 'candidates' | 'candidatesCapped'>, n: number): SearchPage {
  return {
    ...page,
    candidates: Math.min(n, CANDIDATES_COUNTED),
    candidatesCapped: n > CANDIDATES_COUNTED,
  };
}

type RowAt = EntryRow & { _row: number };

const candidate = ({ _row, ...row }: RowAt): Candidate => ({
  row: { ...row, egress: Boolean(row.egress) },
  position: { kind: 'text', row: _row },
});

/**
 * The entries above the text index's mark and below `below` whose payload holds the text, newest first:
 * read from `messages` and matched as the memory journal matches (text-query.ts), which finds what FTS5
 * finds. A few hundred at most, the entries of the last second or so (text-index.ts).
 */
function unindexedMatches(sqlite: Database.Database, q: TextQuery, mark: number, below: number): RowAt[] {
  const rows = sqlite
    .prepare(
      `SELECT m.rowid AS _row, ${COLUMNS} FROM messages m
       WHERE m.rowid > ? AND m.rowid < ? AND m.payload IS NOT NULL ORDER BY m.rowid DESC`,
    )
    .all(mark, below) as RowAt[];
  return rows.filter((r) => matchesTokens(q, textTokens(payloadText(r.payload ?? ''))));
}

/**
 * The candidates of a text search, newest rowid first: `unindexed` (above the mark), then the text index's
 * entries below `below`, each read by rowid (CROSS JOIN keeps that order).
 */
async function* textCandidates(
  sqlite: Database.Database,
  match: string,
  unindexed: readonly RowAt[],
  below: number,
  limit: number,
): AsyncGenerator<Candidate> {
  for (const r of unindexed) yield candidate(r);
  const sizes = chunkSizes(limit);
  const chunk = sqlite.prepare(
    `SELECT f.rowid AS _row, ${COLUMNS} FROM messages_text f CROSS JOIN messages m ON m.rowid = f.rowid
     WHERE messages_text MATCH ? AND f.rowid < ? ORDER BY f.rowid DESC LIMIT ?`,
  );
  let next = below;
  for (;;) {
    const size = sizes.next().value;
    const rows = chunk.all(match, next, size) as RowAt[];
    for (const r of rows) yield candidate(r);
    const last = rows.at(-1);
    if (rows.length < size || !last) return;
    next = last._row;
    await turn();
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

/** The filter's entries newest first, as the message list walks them, a chunk at a time. */
async function* listCandidates(
  db: BetterSQLite3Database,
  where: SQL[],
  start: { at: number; id: string } | undefined,
  limit: number,
): AsyncGenerator<Candidate> {
  const sizes = chunkSizes(limit);
  let after = start;
  for (;;) {
    const size = sizes.next().value;
    const rows = db
      .select()
      .from(messages)
      .where(and(...where, keyset(after)))
      .orderBy(desc(messages.createdAt), desc(messages.id))
      .limit(size)
      .all();
    for (const row of rows) yield { row, position: { kind: 'list', at: row.createdAt, id: row.id } };
    const last = rows.at(-1);
    if (rows.length < size || !last) return;
    after = { at: last.createdAt, id: last.id };
    await turn();
  }
}
