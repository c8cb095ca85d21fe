/**
 * What reading canonical XML by hand relies on. Exclusive C14N writes a narrow dialect: no
 * declaration, DOCTYPE, comments or CDATA; attributes in double quotes, one space before each; empty
 * elements as start/end pairs; `<` only as markup (escaped in text and attribute values), `>` also
 * inside attribute values; only the character references below.
 */

/** One attribute of a start tag: ` name="value"`. */
export const ATTRIBUTE = / ([^\s=]+)="([^"]*)"/g;

const REFERENCES: Record<string, string> = {
  '&amp;': '&',
  '&lt;': '<',
  '&gt;': '>',
  '&quot;': '"',
  '&#xD;': '\r',
  '&#x9;': '\t',
  '&#xA;': '\n',
};

/** Text or an attribute value with its character references replaced. */
export const decodeCanonical = (s: string): string =>
  s.includes('&') ? s.replace(/&[^;]+;/g, (r) => REFERENCES[r] ?? r) : s;

/**
 * The index of the `>` that ends the tag opening at `lt`, or -1. C14N leaves `>` unescaped inside
 * attribute values (their quotes are escaped), so a `>` ends the tag only outside quotes.
 */
export function tagEnd(xml: string, lt: number): number {
  let quoted = false;
  for (let i = lt + 1; i < xml.length; i++) {
    const c = xml.charCodeAt(i);
    if (c === 34 /* " */) quoted = !quoted;
    else if (c === 62 /* > */ && !quoted) return i;
  }
  return -1;
}
