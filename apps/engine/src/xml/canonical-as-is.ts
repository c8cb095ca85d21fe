import { XmlDocument } from 'libxml2-wasm';
import type { CanonicalXml } from './canonical.ts';
import { canonicalizeDocument } from './canonical.ts';

/**
 * The exclusive canonical form of a document that libxml2 has parsed, when its text already is that
 * form (but for a leading XML declaration and whitespace around the root, which C14N drops): most
 * messages are written by programs that write it so, and reading the text once costs a tenth of
 * writing it again from libxml2's tree. Undefined when anything in the text may differ in canonical
 * form, and the caller canonicalizes the tree. The text must be one that parsed (well-formed, no DTD):
 * this is a check of form, not of well-formedness.
 *
 * Exclusive C14N (no comments) writes: start and end tags for every element (never `<a/>`), one space
 * before each attribute, `="` and `"` around its value; a namespace declaration only on an element
 * whose own name uses it, and only if its nearest ancestor did not declare the same binding; the
 * declarations first (the default one first), then the attributes sorted by namespace and name; in
 * text `&amp;`, `&lt;`, `&gt;` and `&#xD;` for `&`, `<`, `>` and a carriage return; in attribute
 * values `&amp;`, `&lt;`, `&quot;`, `&#x9;`, `&#xA;` and `&#xD;`; no comments, CDATA sections or
 * character references but those. Anything outside that narrower dialect gives undefined, also where
 * C14N would in fact give the same text back (a prefixed attribute, a processing instruction inside
 * the root): the fast path needs to be right, not complete. Equality with C14N is tested on generated
 * documents (canonical-as-is.test.ts).
 */
export function canonicalAsIs(raw: string | Uint8Array): CanonicalXml | undefined {
  let text: string;
  if (typeof raw === 'string') text = raw;
  else {
    // Bytes are UTF-8 to libxml2 unless a byte-order mark or the first bytes say otherwise (UTF-16 or
    // UCS-4 begin with a zero byte beside the `<`, which the scan refuses) or the declaration names
    // another encoding (refused below).
    if (raw[0] === 0xef || raw[0] === 0xfe || raw[0] === 0xff) return undefined;
    text = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('utf8');
  }
  probesLeft = PROBES_A_DOCUMENT;
  const start = prologEnd(text);
  if (start < 0) return undefined;
  const end = scanRoot(text, start);
  if (end < 0) return undefined;
  for (let i = end; i < text.length; i++) if (!isSpace(text.charCodeAt(i))) return undefined;
  return (start === 0 && end === text.length ? text : text.slice(start, end)) as CanonicalXml;
}

/** A declaration that says nothing C14N keeps: version 1.0, and UTF-8 if any encoding. */
const DECLARATION =
  /^<\?xml version=(["'])1\.0\1(?: encoding=(["'])utf-8\2)?(?: standalone=(["'])(?:yes|no)\3)? ?\?>/i;

/** Where the root begins: after a plain declaration and whitespace; -1 for anything else before it. */
function prologEnd(text: string): number {
  let i = 0;
  if (text.startsWith('<?')) {
    const decl = DECLARATION.exec(text);
    if (!decl) return -1;
    i = decl[0].length;
  }
  while (i < text.length && isSpace(text.charCodeAt(i))) i++;
  return i;
}

const isSpace = (c: number): boolean => c === 32 || c === 10 || c === 9 || c === 13;

/** Namespace bindings in scope: a stack of (prefix, uri) with the depth that declared each. */
interface Scope {
  prefixes: string[];
  uris: string[];
  depths: number[];
}

function lookup(scope: Scope, prefix: string): string | undefined {
  for (let k = scope.prefixes.length - 1; k >= 0; k--) if (scope.prefixes[k] === prefix) return scope.uris[k];
  return undefined;
}

/** The open elements' names, as where each begins in the text and its length (no strings cut). */
interface Open {
  starts: number[];
  lengths: number[];
}

/**
 * Scans the root element from `i` (its `<`): the index just past its end tag, or -1 when the text is
 * not in canonical form.
 */
function scanRoot(text: string, i: number): number {
  const open: Open = { starts: [], lengths: [] };
  const scope: Scope = { prefixes: [''], uris: [''], depths: [0] };
  const n = text.length;
  if (text.charCodeAt(i) !== 60 /* < */) return -1;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 60 /* < */) {
      const next = text.charCodeAt(i + 1);
      if (next === 47 /* / */) {
        const start = open.starts.pop();
        const length = open.lengths.pop() ?? 0;
        if (
          start === undefined ||
          !same(text, start, i + 2, length) ||
          text.charCodeAt(i + 2 + length) !== 62
        )
          return -1;
        i += length + 3;
        const depth = open.starts.length;
        while ((scope.depths[scope.depths.length - 1] ?? 0) > depth) {
          scope.prefixes.pop();
          scope.uris.pop();
          scope.depths.pop();
        }
        if (depth === 0) return i;
        continue;
      }
      if (next === 33 /* ! */ || next === 63 /* ? */) return -1;
      i = startTag(text, i, open, scope);
      if (i < 0) return -1;
      continue;
    }
    if (c === 38 /* & */) {
      const ref = reference(text, i, TEXT_REFERENCES);
      if (ref < 0) return -1;
      i = ref;
      continue;
    }
    // `>` is written `&gt;`; a carriage return is a line break once parsed, `&#xD;` if it was one.
    if (c === 62 || c === 13 || (c < 32 && c !== 10 && c !== 9)) return -1;
    i++;
  }
  return -1;
}

/** Whether the `length` characters at `a` and at `b` are the same. */
function same(text: string, a: number, b: number, length: number): boolean {
  for (let k = 0; k < length; k++) if (text.charCodeAt(a + k) !== text.charCodeAt(b + k)) return false;
  return true;
}

/** The order of the names at `a` and at `b` (lengths `la`, `lb`), by UTF-16 unit: < 0, 0 or > 0. */
function compare(text: string, a: number, la: number, b: number, lb: number): number {
  for (let k = 0; k < la && k < lb; k++) {
    const d = text.charCodeAt(a + k) - text.charCodeAt(b + k);
    if (d !== 0) return d;
  }
  return la - lb;
}

const TEXT_REFERENCES = ['&amp;', '&lt;', '&gt;', '&#xD;'];
const ATTRIBUTE_REFERENCES = ['&amp;', '&lt;', '&quot;', '&#x9;', '&#xA;', '&#xD;'];

/** Just past the reference at `i` if it is one C14N writes, else -1. */
function reference(text: string, i: number, allowed: readonly string[]): number {
  for (const r of allowed) if (text.startsWith(r, i)) return i + r.length;
  return -1;
}

/** The end of a name from `i`: the first space, `=`, `>` or `/`. */
function nameEnd(text: string, i: number): number {
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 61 || c === 62 || c === 47 || c === 9 || c === 10 || c === 13) return i;
  }
  return i;
}

/**
 * Scans the start tag at `i`, pushing its name and namespace binding: just past its `>`, or -1. Its
 * attributes must be unprefixed, sorted and ASCII-named (so that JavaScript's order is C14N's), after
 * at most one declaration: of the default namespace on an unprefixed element, of its own prefix on a
 * prefixed one, and never one that changes nothing.
 */
function startTag(text: string, i: number, open: Open, scope: Scope): number {
  const nameStart = i + 1;
  const end = nameEnd(text, nameStart);
  if (end === nameStart) return -1;
  let colon = nameStart;
  while (colon < end && text.charCodeAt(colon) !== 58 /* : */) colon++;
  const prefix = colon === end ? '' : text.slice(nameStart, colon);
  let declared: string | undefined;
  let last = -1;
  let lastLength = 0;
  i = end;
  for (;;) {
    const c = text.charCodeAt(i);
    if (c === 62 /* > */) break;
    if (c !== 32) return -1; // `/>`, or a tab or line break inside the tag
    const at = i + 1;
    const eq = nameEnd(text, at);
    if (text.charCodeAt(eq) !== 61 || text.charCodeAt(eq + 1) !== 34 /* =" */) return -1;
    const valueEnd = attributeValueEnd(text, eq + 2);
    if (valueEnd < 0) return -1;
    if (text.startsWith('xmlns', at) && (eq === at + 5 || text.charCodeAt(at + 5) === 58) /* : */) {
      if (declared !== undefined || last >= 0) return -1;
      const expected = prefix === '' ? at + 5 : at + 6 + prefix.length;
      if (eq !== expected || (prefix !== '' && !text.startsWith(prefix, at + 6))) return -1;
      declared = text.slice(eq + 2, valueEnd);
    } else {
      if (!plainName(text, at, eq)) return -1;
      if (last >= 0 && compare(text, last, lastLength, at, eq - at) >= 0) return -1;
      last = at;
      lastLength = eq - at;
    }
    i = valueEnd + 1;
  }
  const depth = open.starts.length + 1;
  if (declared !== undefined) {
    if (declared === lookup(scope, prefix) || !knownGoodNamespace(declared, prefix)) return -1;
    scope.prefixes.push(prefix);
    scope.uris.push(declared);
    scope.depths.push(depth);
  } else if (prefix !== '' && lookup(scope, prefix) === undefined) return -1;
  open.starts.push(nameStart);
  open.lengths.push(end - nameStart);
  return i + 1;
}

/** The index of the `"` closing the attribute value from `i`, or -1 when a character in it may change. */
function attributeValueEnd(text: string, i: number): number {
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 34) return i;
    if (c === 38) {
      i = reference(text, i, ATTRIBUTE_REFERENCES);
      if (i < 0) return -1;
      continue;
    }
    // Tabs and line breaks in a value are read as spaces; C14N writes them as references.
    if (c < 32) return -1;
    i++;
  }
  return -1;
}

/** Whether the name from `start` to `end` is unprefixed and ASCII. */
function plainName(text: string, start: number, end: number): boolean {
  if (end === start) return false;
  for (let k = start; k < end; k++) {
    const c = text.charCodeAt(k);
    if (c > 126 || c === 58 /* : */) return false;
  }
  return true;
}

/**
 * True when libxml2 writes this declaration as given. A namespace that is not an absolute URI makes
 * its C14N fail, and the slow path must say so; each one is tried once, on a document of its own.
 */
function knownGoodNamespace(uri: string, prefix: string): boolean {
  if (uri.includes('&') || uri.includes('<')) return false;
  if (prefix === 'xml' || prefix === 'xmlns') return false;
  if (uri === '') return prefix === '';
  let good = namespaces.get(uri);
  if (good === undefined) {
    if (probesLeft <= 0) return false;
    probesLeft--;
    good = probe(uri);
    if (namespaces.size < MAX_NAMESPACES) namespaces.set(uri, good);
  }
  return good;
}

const MAX_NAMESPACES = 1024;
const namespaces = new Map<string, boolean>();
/**
 * New namespaces tried for one document: a document declaring hundreds (or, once the cache is full,
 * any unknown one) would otherwise cost a parse each, far more than C14N of it.
 */
const PROBES_A_DOCUMENT = 4;
let probesLeft = 0;

function probe(uri: string): boolean {
  const xml = `<a xmlns="${uri}"></a>`;
  let doc: XmlDocument | undefined;
  try {
    doc = XmlDocument.fromString(xml);
    return canonicalizeDocument(doc) === xml;
  } catch {
    return false;
  } finally {
    doc?.dispose();
  }
}
