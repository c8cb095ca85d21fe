import { toSummary } from '../entry-record.ts';
import type { EntryRow } from '../entry-record.ts';
import {
  CANDIDATES_COUNTED,
  collectHits,
  decodeSearchCursor,
  matchesFilter,
} from '../search/search-request.ts';
import type { SearchPage, SearchPosition, SearchRequest } from '../search/search-request.ts';
import { payloadText } from '../search/payload-text.ts';
import { matchesTokens, textTokens } from '../search/text-query.ts';
import type { TextQuery } from '../search/text-query.ts';

/**
 * `Journal.search` over the memory journal's entries, in the SQLite journal's orders: with a text query,
 * newest written first (insertion order stands for SQLite's rowid), the text matched on the payload's
 * tokens; without, the list's order (created, then id, newest first).
 */
export async function searchEntries(entries: Map<string, EntryRow>, req: SearchRequest): Promise<SearchPage> {
  const from = decodeSearchCursor(req.cursor);
  const candidates: { row: EntryRow; position: SearchPosition }[] = [];
  if (req.text) {
    const text = req.text;
    const rows = [...entries.values()];
    // An entry's position is its insertion rank from 1, standing for SQLite's rowid.
    const below = from?.kind === 'text' ? from.row : Number.MAX_SAFE_INTEGER;
    for (let i = Math.min(rows.length, below - 1) - 1; i >= 0; i--) {
      const row = rows[i];
      // The index holds the route's names too: a text search within a listener or producer is narrowed by it.
      if (row && onRoute(row, req.filter) && hasText(row, text))
        candidates.push({ row, position: { kind: 'text', row: i + 1 } });
    }
  } else {
    const start = from?.kind === 'list' ? from : undefined;
    for (const row of entries.values()) {
      if (!matchesFilter(row, req.filter)) continue;
      if (start && !(row.createdAt < start.at || (row.createdAt === start.at && row.id < start.id))) continue;
      candidates.push({ row, position: { kind: 'list', at: row.createdAt, id: row.id } });
    }
    candidates.sort((a, b) => b.row.createdAt - a.row.createdAt || (a.row.id < b.row.id ? 1 : -1));
  }
  const page = await collectHits(candidates, req, toSummary);
  return {
    ...page,
    candidates: Math.min(candidates.length, CANDIDATES_COUNTED),
    candidatesCapped: candidates.length > CANDIDATES_COUNTED,
  };
}

function onRoute(row: EntryRow, f: SearchRequest['filter']): boolean {
  return (
    (!f.to || row.to === f.to) &&
    (!f.from || row.from === f.from) &&
    (!f.participant || row.to === f.participant || row.from === f.participant)
  );
}

function hasText(row: EntryRow, q: TextQuery): boolean {
  return row.payload !== null && matchesTokens(q, textTokens(payloadText(row.payload)));
}
