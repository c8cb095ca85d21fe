import type { MessageFilter, MessageSummary } from '@organism/shared';
import type { EntryRow } from '../entry-record.ts';
import type { TextQuery } from './text-query.ts';
import { notACursor } from '../cursor.ts';

/** Most candidates a search counts ahead of where it starts (`SearchPage.candidates`). */
export const CANDIDATES_COUNTED = 10_000;

/**
 * A search through the journal (`Journal.search`): the entries matching `filter` and, with `text`, whose
 * payload holds every phrase (the text index), newest first. It examines at most `scan` of them and
 * stops at `limit` hits, so a request costs a bounded amount whatever the journal's size; `nextCursor`
 * says where the next request goes on.
 */
export interface SearchRequest {
  filter: MessageFilter;
  text?: TextQuery;
  cursor?: string;
  limit: number;
  scan: number;
  /**
   * Decides the candidates that have a payload, a batch at a time (TEST_BATCH, in the search's order):
   * for each what matched (a hit) or null (not a hit). Without it every candidate is a hit. Entries
   * without a payload (refused input) are hits only when there is no test.
   */
  test?: (payloadsXml: string[]) => Promise<(string | null)[]>;
  /**
   * Whether the request has spent what its tests may cost (an XPath's steps, `XPATH_STEPS_PER_SEARCH`):
   * the page then ends there with a cursor to go on from, as at `scan`.
   */
  spent?: () => boolean;
  /** The caller went away: the search stops where it is (what it found is answered to no one). */
  signal?: AbortSignal;
}

/** Most candidates a test decides at once; fewer for large payloads (TEST_BATCH_CHARS). */
export const TEST_BATCH = 32;
/** Most payload text a test decides at once. */
const TEST_BATCH_CHARS = 256 * 1024;

export interface SearchHit {
  entry: MessageSummary;
  payloadXml: string | null;
  /** The envelope as received when it was kept (a signature), or the refused input. */
  raw: string | null;
  /** What `test` returned, when there was one. */
  match: string | null;
}

export interface SearchPage {
  hits: SearchHit[];
  /** Where the next request starts; null once every candidate was examined. */
  nextCursor: string | null;
  /** Candidates examined by this request (at most `scan`). */
  scanned: number;
  /** Candidates from where this request started, counted up to CANDIDATES_COUNTED. */
  candidates: number;
  /** Whether there are more candidates than `candidates` says. */
  candidatesCapped: boolean;
}

/** With a text query the order is the index's (newest written first); without, the list's (newest first). */
export type SearchPosition = { kind: 'text'; row: number } | { kind: 'list'; at: number; id: string };

export function encodeSearchCursor(p: SearchPosition): string {
  const text = p.kind === 'text' ? `t:${p.row}` : `l:${p.at}:${p.id}`;
  return Buffer.from(text).toString('base64url');
}

/**
 * Undefined for no cursor; a cursor of the other kind (a search with a text, then without) starts from the
 * newest. One no search made (garbage, or edited by hand) is refused (notACursor).
 */
export function decodeSearchCursor(cursor: string | undefined): SearchPosition | undefined {
  if (!cursor) return undefined;
  const text = Buffer.from(cursor, 'base64url').toString();
  const [kind, a, ...rest] = text.split(':');
  const n = Number(a);
  const position: SearchPosition | undefined = !Number.isFinite(n)
    ? undefined
    : kind === 't' && rest.length === 0
      ? { kind: 'text', row: n }
      : kind === 'l' && rest.length > 0
        ? { kind: 'list', at: n, id: rest.join(':') }
        : undefined;
  if (!position || encodeSearchCursor(position) !== cursor) throw notACursor();
  return position;
}

/**
 * A filter with the state that `refused: true` implies: refused input is always FAILED, so saying so
 * lets a list walk the index of FAILED entries instead of every entry's.
 */
export function withImpliedState(f: MessageFilter): MessageFilter {
  return f.refused && !f.state ? { ...f, state: 'FAILED' } : f;
}

/** Whether an entry passes a list or search filter (the memory journal; SQLite the same in SQL): empty strings mean "any". */
export function matchesFilter(r: EntryRow, f: MessageFilter): boolean {
  return (
    (!f.threadId || r.threadId === f.threadId) &&
    (f.to === undefined || f.to === '' || r.to === f.to) &&
    (!f.from || r.from === f.from) &&
    (!f.participant || r.to === f.participant || r.from === f.participant) &&
    (!f.state || r.state === f.state) &&
    (f.refused === undefined || (r.kind === 'rejected') === f.refused) &&
    (!f.root || r.root === f.root) &&
    (!f.errorCode || r.errorCode === f.errorCode) &&
    (f.since === undefined || r.createdAt >= f.since) &&
    (f.until === undefined || r.createdAt <= f.until)
  );
}

/**
 * The loop both journals run over their candidates, newest first: applies the filter (when the source
 * did not), the test, the limit and the scan and cost budgets, and says where it stopped. The SQLite
 * journal's sources read a chunk at a time and give the event loop a turn between chunks; a test decides
 * a batch of candidates at a time, elsewhere (an XPath in a worker thread: xml/xpath-workers.ts), so a
 * long search never holds up the pump.
 */
export async function collectHits(
  candidates: AsyncIterable<Candidate> | Iterable<Candidate>,
  req: SearchRequest,
  toSummary: (r: EntryRow) => MessageSummary,
): Promise<Omit<SearchPage, 'candidates' | 'candidatesCapped'>> {
  const hits: SearchHit[] = [];
  let scanned = 0;
  let last: SearchPosition | undefined;
  let exhausted = true;
  /** Candidates read and not yet decided, in order: a test decides them together. */
  let batch: Candidate[] = [];
  let batchChars = 0;
  /** Decides the batch in order; false once the limit is reached before its end (the rest not examined). */
  const settle = async (): Promise<boolean> => {
    const decided = batch;
    batch = [];
    batchChars = 0;
    const tested = req.test
      ? decided.filter((c) => c.row.payload !== null && matchesFilter(c.row, req.filter))
      : [];
    const matches =
      req.test && tested.length > 0 ? await req.test(tested.map((c) => c.row.payload ?? '')) : [];
    let next = 0;
    for (const [i, { row, position }] of decided.entries()) {
      scanned++;
      last = position;
      if (!matchesFilter(row, req.filter)) continue;
      let match: string | null = null;
      if (req.test) {
        if (row.payload === null) continue;
        match = matches[next++] ?? null;
        if (match === null) continue;
      }
      hits.push({ entry: toSummary(row), payloadXml: row.payload, raw: row.raw, match });
      if (hits.length >= req.limit && i < decided.length - 1) return false;
    }
    return true;
  };
  for await (const candidate of candidates) {
    if (
      scanned + batch.length >= req.scan ||
      hits.length >= req.limit ||
      req.spent?.() ||
      req.signal?.aborted
    ) {
      exhausted = false;
      break;
    }
    batch.push(candidate);
    batchChars += candidate.row.payload?.length ?? 0;
    if (!req.test || batch.length >= TEST_BATCH || batchChars >= TEST_BATCH_CHARS) {
      if (!(await settle())) {
        exhausted = false;
        break;
      }
    }
  }
  if (batch.length > 0 && !req.signal?.aborted && !(await settle())) exhausted = false;
  return {
    hits,
    nextCursor: !exhausted && last ? encodeSearchCursor(last) : null,
    scanned,
  };
}

/** One entry a search examines, with where it stands in the search's order. */
export interface Candidate {
  row: EntryRow;
  position: SearchPosition;
}
