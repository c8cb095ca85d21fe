import { messageStates } from '@organism/shared';
import type { MessageSearchInput } from '@organism/shared';
import { createSerializer, parseAsIsoDateTime, parseAsString, parseAsStringLiteral } from 'nuqs';
import type { inferParserType } from 'nuqs';
import { stateFilter } from '@/lib/outcome';

/**
 * The search as it lives in the URL (`/search?to=orders&xpath=/order[…]&state=ACKED&since=…`), so a search
 * can be shared, reloaded and exported. `to` is the listener; the keys are those of the export.
 */
export const searchParsers = {
  to: parseAsString,
  text: parseAsString,
  xpath: parseAsString,
  // Not REJECTED: refused input has no payload to search.
  state: parseAsStringLiteral(messageStates),
  since: parseAsIsoDateTime,
  until: parseAsIsoDateTime,
};
export type SearchValues = inferParserType<typeof searchParsers>;

/** What `messages.search` takes, from the URL's values: absent keys left out. */
export function toSearchInput(v: Partial<SearchValues>): Omit<MessageSearchInput, 'limit' | 'cursor'> {
  return {
    ...(v.to ? { to: v.to } : {}),
    ...(v.text ? { text: v.text } : {}),
    ...(v.xpath ? { xpath: v.xpath } : {}),
    ...stateFilter(v.state),
    ...(v.since ? { since: v.since.getTime() } : {}),
    ...(v.until ? { until: v.until.getTime() } : {}),
  };
}

const serialize = createSerializer(searchParsers);

/** A link to the search page with a search filled in (a listener page's "Search payloads"). */
export function searchHref(v: Partial<SearchValues>): string {
  return serialize('/search', v);
}
