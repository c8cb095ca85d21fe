import type { SearchValues } from './search-filters';

/**
 * What an empty answer says, fitted to the search made: words are looked up in the text index (fewer
 * words, a prefix); an XPath is evaluated on payloads with their namespaces removed (local names, their
 * case, the path from the root; a prefixed name is refused before anything is searched, so it is never
 * the reason); and only the filters actually set are offered to widen.
 */
export function noMatchAdvice(q: Partial<SearchValues>): string {
  const widen = [
    q.since || q.until ? 'a wider time range' : null,
    q.state ? 'any state' : null,
    q.to ? 'any listener' : null,
  ].filter((w) => w !== null);
  if (!q.xpath)
    return `No message has these words. Try ${anyOf(['fewer words', 'a prefix (wid*)', ...widen])}.`;
  const lead = q.text
    ? 'No message has these words and matches the XPath. Try fewer words, or the XPath alone; check'
    : 'No message matches the XPath. Check';
  const rest = widen.length ? ` Or try ${anyOf(widen)}.` : '';
  return `${lead} its element names, local names in their exact case (payloads are searched with their namespaces removed), and its path from the payload's root (//name finds an element at any depth).${rest}`;
}

/** "a, b or c". */
function anyOf(items: string[]): string {
  return items.length > 1 ? `${items.slice(0, -1).join(', ')} or ${items.at(-1)}` : (items[0] ?? '');
}
