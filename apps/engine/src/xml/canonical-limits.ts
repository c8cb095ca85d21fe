/**
 * What exclusive C14N cannot take from untrusted input, found in the text before libxml2 is asked to
 * canonicalize it: C14N (a step every message takes) sorts an element's attributes and namespaces in
 * time that grows with the square of their number and worse, about 11 ms for 1,000 on one element, 116
 * ms for 4,000 and 1.2 s for 9,000 on this machine, a 250 KB request holding the engine's thread for
 * seconds. At 256 an element costs about a tenth of a millisecond, as many ordinary ones do.
 */
export const MAX_ATTRIBUTES = 256;
/** Smallest text in which one element can hold more than MAX_ATTRIBUTES (` a=""` is 5 bytes each). */
const SCAN_FROM = (MAX_ATTRIBUTES + 1) * 5;

const LT = 0x3c;
const GT = 0x3e;
const EQ = 0x3d;
const BANG = 0x21;
const QUESTION = 0x3f;
const SLASH = 0x2f;
const QUOTE = 0x22;
const APOS = 0x27;

/**
 * The first element of well-formed `xml` with more than MAX_ATTRIBUTES attributes (its namespace
 * declarations included), with where it starts; undefined when none has. Text shorter than
 * SCAN_FROM bytes is not read: no element in it can have that many.
 */
export function attributeOverflow(
  xml: Uint8Array,
): { name: string; count: number; line: number; column: number } | undefined {
  if (xml.byteLength < SCAN_FROM) return undefined;
  const b = Buffer.from(xml.buffer, xml.byteOffset, xml.byteLength);
  const n = b.length;
  /** Where the start tag being read begins, or -1 outside one. */
  let tag = -1;
  let count = 0;
  // One pass, about 1 ms for 240 KB on this machine (parsing and canonicalizing it take about 10):
  // text is stepped over byte by byte (cheaper than a native call per tag), quoted values, comments, CDATA sections and processing instructions (which may hold '<', '>' and
  // '=') are jumped over whole.
  for (let i = 0; i < n; i++) {
    const c = b[i];
    if (tag < 0) {
      if (c !== LT) continue;
      const next = b[i + 1];
      if (next === BANG) {
        const end = b[i + 2] === 0x2d ? b.indexOf('-->', i + 4) : b.indexOf(']]>', i + 2);
        if (end < 0) return undefined;
        i = end + 2;
      } else if (next === QUESTION) {
        const end = b.indexOf('?>', i + 2);
        if (end < 0) return undefined;
        i = end + 1;
      } else if (next !== SLASH) {
        tag = i;
        count = 0;
      }
    } else if (c === GT) {
      if (count > MAX_ATTRIBUTES) return { name: nameAt(b, tag + 1), count, ...lineAndColumn(b, tag) };
      tag = -1;
    } else if (c === EQ) count++;
    else if (c === QUOTE || c === APOS) {
      i = b.indexOf(c, i + 1);
      if (i < 0) return undefined;
    }
  }
  return undefined;
}

/** The element name that starts at `from` (its first 200 bytes at most). */
function nameAt(b: Buffer, from: number): string {
  const head = b.toString('utf8', from, Math.min(b.length, from + 200));
  return /^[^\s/>]+/.exec(head)?.[0] ?? head;
}

/** Where byte `at` is: its line, and its column in bytes (as libxml2 counts them). */
function lineAndColumn(b: Buffer, at: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let n = b.indexOf(0x0a); n !== -1 && n < at; n = b.indexOf(0x0a, n + 1)) {
    line++;
    start = n + 1;
  }
  return { line, column: at - start + 1 };
}

const NS_DECL = /\sxmlns(?::([^\s=]+))?\s*=\s*(["'])(.*?)\2/gs;
/** An absolute URI starts with its scheme (RFC 3986). */
const ABSOLUTE = /^[A-Za-z][A-Za-z0-9+.-]*:/;

/**
 * The first namespace declared with a relative URI (`xmlns:q="orders"`), which C14N refuses (its
 * specification makes them an error), with its line; undefined when every one is absolute or empty.
 */
export function relativeNamespace(xml: string): { prefix: string; uri: string; line: number } | undefined {
  for (const m of xml.matchAll(NS_DECL)) {
    const uri = m[3] ?? '';
    if (uri === '' || ABSOLUTE.test(uri)) continue;
    const line = xml.slice(0, m.index).split('\n').length;
    return { prefix: m[1] ?? '', uri, line };
  }
  return undefined;
}
