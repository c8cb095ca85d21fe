import { payloadText } from './payload-text.ts';
import { textTokens } from './text-query.ts';
import type { TextQuery } from './text-query.ts';

/** Characters of context a snippet keeps on each side of the first word found. */
const AROUND = 60;

/**
 * The payload's text around the first word of the query it holds (the start of the text when none is
 * found, as for an XPath-only hit), on one line, with an ellipsis where it was cut.
 */
export function textSnippet(payloadXml: string | null, q: TextQuery | null): string {
  if (payloadXml === null) return '';
  const text = payloadText(payloadXml).replace(/\s+/g, ' ').trim();
  let at = 0;
  if (q) {
    const wanted = q.phrases.flatMap((p) =>
      p.tokens.map((t, i) => ({ t, prefix: p.prefix && i === p.tokens.length - 1 })),
    );
    for (const m of text.matchAll(/[\p{L}\p{N}]+/gu)) {
      const word = textTokens(m[0])[0] ?? '';
      if (wanted.some((w) => (w.prefix ? word.startsWith(w.t) : word === w.t))) {
        at = m.index;
        break;
      }
    }
  }
  const start = Math.max(0, at - AROUND);
  const end = Math.min(text.length, at + AROUND * 2);
  return `${start > 0 ? '…' : ''}${text.slice(start, end)}${end < text.length ? '…' : ''}`;
}
