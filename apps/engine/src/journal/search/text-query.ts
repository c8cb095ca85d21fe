/**
 * A text query as the console types it: words that must all occur, `"quoted phrases"` whose words must
 * occur in that order, and a trailing `*` for a prefix (`acm*`). Matching ignores case and diacritics and
 * splits words where SQLite FTS5's `unicode61` tokenizer does (at anything but letters and digits), so
 * the SQLite journal (FTS5) and the memory journal (this file) find the same entries.
 */
export interface TextQuery {
  phrases: { tokens: string[]; prefix: boolean }[];
}

/** The words of `text` as the index sees them: lower case, without diacritics. */
export function textTokens(text: string): string[] {
  return fold(text).match(/[\p{L}\p{N}]+/gu) ?? [];
}

function fold(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
}

/** Null when `text` holds no letter or digit (nothing to look for). */
export function parseTextQuery(text: string): TextQuery | null {
  const phrases: TextQuery['phrases'] = [];
  for (const m of text.matchAll(/"([^"]*)"(\*?)|(\S+)/g)) {
    const word = m[1] ?? m[3] ?? '';
    const prefix = m[2] === '*' || (m[3] !== undefined && word.endsWith('*'));
    const tokens = textTokens(word);
    if (tokens.length > 0) phrases.push({ tokens, prefix });
  }
  return phrases.length > 0 ? { phrases } : null;
}

/** The FTS5 phrases: each one quoted (no user text is FTS5 syntax), all of them required. */
export function toFts5(q: TextQuery): string {
  return q.phrases.map((p) => `"${p.tokens.join(' ')}"${p.prefix ? ' *' : ''}`).join(' AND ');
}

/** A name (listener, producer) as an FTS5 phrase of its tokens, or undefined when it has none. */
export function namePhrase(name: string): string | undefined {
  const tokens = textTokens(name);
  return tokens.length > 0 ? `"${tokens.join(' ')}"` : undefined;
}

/** Whether a text's tokens hold every phrase of the query. */
export function matchesTokens(q: TextQuery, tokens: readonly string[]): boolean {
  return q.phrases.every((p) => {
    const last = p.tokens.length - 1;
    for (let i = 0; i + last < tokens.length; i++) {
      let ok = true;
      for (let j = 0; j <= last && ok; j++) {
        const t = tokens[i + j] ?? '';
        const want = p.tokens[j] ?? '';
        ok = j === last && p.prefix ? t.startsWith(want) : t === want;
      }
      if (ok) return true;
    }
    return false;
  });
}
