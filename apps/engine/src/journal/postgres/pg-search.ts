import { and, count, desc, lt, sql } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import type { NodePgDatabase } from 'drizzle-orm/node-postgres';
import type { MessageFilter } from '@organism/shared';
import { toSummary } from '../entry-record.ts';
import { payloadText } from '../search/payload-text.ts';
import { CANDIDATES_COUNTED, collectHits, decodeSearchCursor } from '../search/search-request.ts';
import type { Candidate, SearchPage, SearchRequest } from '../search/search-request.ts';
import { textTokens } from '../search/text-query.ts';
import type { TextQuery } from '../search/text-query.ts';
import { before, entryColumns, int8, isPosition, messageFilters } from './pg-message-list.ts';
import type { Position } from './pg-message-list.ts';
import { messages } from './schema.ts';

/**
 * Candidates read per query, at most. The first query reads only what a page needs if every candidate
 * is a hit (limit + 1), and each next one twice as many.
 */
const CHUNK = 256;

/**
 * What the write path gives `to_tsvector('simple', …)` for a payload (`messages.words`): its text's
 * words as a text query sees them (text-query.ts: lower case, without diacritics, split at anything
 * but letters and digits), one space apart. Folded here rather than by PostgreSQL, whose parser splits
 * differently (`o-2` is `o` and `-2`) and whose `simple` configuration keeps accents.
 */
export function indexedWords(payloadXml: string): string {
  return textTokens(payloadText(payloadXml)).join(' ');
}

/**
 * The text query as `to_tsquery('simple', …)` reads it: each phrase's words in order (`<->`), its last
 * one a prefix when asked (`:*`), every phrase required (`&`). A token holds only letters and digits,
 * so no user text is tsquery syntax.
 */
export function toTsquery(q: TextQuery): string {
  const phrase = (p: TextQuery['phrases'][number]): string =>
    p.tokens.map((t, i) => `'${t}'${p.prefix && i === p.tokens.length - 1 ? ':*' : ''}`).join(' <-> ');
  return q.phrases.map((p) => `(${phrase(p)})`).join(' & ');
}

/**
 * `Journal.search` on PostgreSQL. With a text query the candidates are the entries whose words match
 * (the GIN index on `messages.words`), on the filter's route (to, from, either side), newest written
 * (`seq`) first; the rest of the filter is checked on each by collectHits, as in SQLite (FTS5 narrows by
 * the route only). Without, they are the message list's entries (pg-message-list.ts), newest first.
 * Either way they are read a chunk at a time and the loop stops at the request's scan budget, while
 * the candidates ahead are counted (up to CANDIDATES_COUNTED) beside it.
 */
export async function searchMessages(db: NodePgDatabase, req: SearchRequest): Promise<SearchPage> {
  const from = decodeSearchCursor(req.cursor);
  let where: SQL | undefined;
  let candidates: AsyncIterable<Candidate>;
  let ahead: SQL | undefined;
  if (req.text) {
    where = and(
      sql`${messages.words} @@ to_tsquery('simple', ${toTsquery(req.text)})`,
      ...messageFilters(route(req.filter)),
    );
    const below = from?.kind === 'text' ? int8(Math.ceil(from.row)) : Number.MAX_SAFE_INTEGER;
    candidates = textCandidates(db, where, below, req.limit);
    ahead = lt(messages.seq, below);
  } else {
    const start = from?.kind === 'list' ? from : undefined;
    if (start && !isPosition(start))
      return { hits: [], nextCursor: null, scanned: 0, candidates: 0, candidatesCapped: false };
    where = and(...messageFilters(req.filter));
    candidates = listCandidates(db, where, start, req.limit);
    ahead = start && before(start);
  }
  const [page, n] = await Promise.all([
    collectHits(candidates, req, toSummary),
    countUpTo(db, and(where, ahead), CANDIDATES_COUNTED + 1),
  ]);
  return { ...page, candidates: Math.min(n, CANDIDATES_COUNTED), candidatesCapped: n > CANDIDATES_COUNTED };
}

/** The route part of a filter: what the text index narrows by in SQLite, and here in the query. */
function route(f: MessageFilter): MessageFilter {
  return { to: f.to, from: f.from, participant: f.participant };
}

/** How many entries match `where`, counting no further than `cap`. */
async function countUpTo(db: NodePgDatabase, where: SQL | undefined, cap: number): Promise<number> {
  const [row] = await db.select({ n: count() }).from(
    db
      .select({ one: sql`1` })
      .from(messages)
      .where(where)
      .limit(cap)
      .as('c'),
  );
  return row?.n ?? 0;
}

/** Chunk sizes: limit + 1 first, then twice the last, up to CHUNK. */
function* chunkSizes(limit: number): Generator<number, never> {
  for (let size = Math.min(CHUNK, limit + 1); ; size = Math.min(CHUNK, size * 2)) yield size;
}

/** The matching entries, newest `seq` first, below `below`. */
async function* textCandidates(
  db: NodePgDatabase,
  where: SQL | undefined,
  below: number,
  limit: number,
): AsyncGenerator<Candidate> {
  let next = below;
  for (const size of chunkSizes(limit)) {
    const rows = await db
      .select({ ...entryColumns, seq: messages.seq })
      .from(messages)
      .where(and(where, lt(messages.seq, next)))
      .orderBy(desc(messages.seq))
      .limit(size);
    for (const { seq, ...row } of rows) yield { row, position: { kind: 'text', row: seq } };
    const last = rows.at(-1);
    if (rows.length < size || !last) return;
    next = last.seq;
  }
}

/** The filter's entries newest first, as the message list walks them, after `start`. */
async function* listCandidates(
  db: NodePgDatabase,
  where: SQL | undefined,
  start: Position | undefined,
  limit: number,
): AsyncGenerator<Candidate> {
  let after = start;
  for (const size of chunkSizes(limit)) {
    const rows = await db
      .select(entryColumns)
      .from(messages)
      .where(and(where, after && before(after)))
      .orderBy(desc(messages.createdAt), desc(messages.id))
      .limit(size);
    for (const row of rows) yield { row, position: { kind: 'list', at: row.createdAt, id: row.id } };
    const last = rows.at(-1);
    if (rows.length < size || !last) return;
    after = { at: last.createdAt, id: last.id };
  }
}
