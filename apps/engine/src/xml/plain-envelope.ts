import type { CanonicalXml } from './canonical.ts';
import { ATTRIBUTE, decodeCanonical, tagEnd } from './canonical-scan.ts';

/** Prefix ('' for the default) to namespace, as in scope at an element. */
type Scope = ReadonlyMap<string, string>;

interface StartTag {
  qname: string;
  /** The attributes' text, from the space before the first. */
  attrs: string;
  /** Just past the tag's `>`. */
  end: number;
}

const NO_BINDINGS: Scope = new Map();

/**
 * The `<meta>` fields of a plain envelope (name → text), read from the envelope's canonical text
 * without walking libxml2's tree: that walk, a JS object per node and a crossing of the WASM boundary
 * per property, cost about as much as parsing the document.
 *
 * Plain: the root is `{ns}message`; its children are `{ns}meta`, then exactly one more element (the
 * payload), with nothing but spaces and line breaks between them; each child of `<meta>` is of
 * namespace `ns`, holds only text, and appears once; none of these carries an attribute but namespace
 * declarations. Anything else (a processing instruction beside the payload, foreign elements in
 * `<meta>`, a character reference between the children, an attribute on `<meta>`) gives undefined,
 * and the caller walks the tree, which says what is wrong and where. Whether `<meta>` is valid is
 * still for the envelope's schema to say (pump/envelope/plain-meta.ts says it for the schema where it
 * surely would).
 */
export function plainEnvelopeFields(xml: CanonicalXml, ns: string): Map<string, string> | undefined {
  // A processing instruction before the root comes first in the canonical text.
  if (xml.charCodeAt(0) !== 60 /* < */ || xml.charCodeAt(1) === 63 /* ? */) return undefined;
  const root = startTag(xml, 0);
  if (!root) return undefined;
  const rootScope = declare(root.attrs, NO_BINDINGS);
  if (!rootScope || localIn(root.qname, rootScope, ns) !== 'message') return undefined;
  const close = `</${root.qname}>`;
  if (!xml.endsWith(close)) return undefined;
  const stop = xml.length - close.length;
  let fields: Map<string, string> | undefined;
  let payloads = 0;
  for (let i = root.end; ;) {
    const lt = xml.indexOf('<', i);
    if (lt < 0 || !blank(xml, i, lt)) return undefined;
    if (lt === stop) break;
    const next = xml.charCodeAt(lt + 1);
    if (next === 47 /* / */ || next === 63 /* ? */) return undefined;
    const child = startTag(xml, lt);
    if (!child) return undefined;
    if (fields) {
      payloads++;
      i = skipElement(xml, child.end);
      if (i < 0) return undefined;
      continue;
    }
    const scope = declare(child.attrs, rootScope);
    if (!scope || localIn(child.qname, scope, ns) !== 'meta') return undefined;
    const meta = metaFields(xml, child, scope, ns);
    if (!meta) return undefined;
    fields = meta.fields;
    i = meta.end;
  }
  return payloads === 1 ? fields : undefined;
}

/** `<meta>`'s fields, and where its end tag ends; undefined unless each is of `ns`, text only, and once. */
function metaFields(
  xml: string,
  meta: StartTag,
  scope: Scope,
  ns: string,
): { fields: Map<string, string>; end: number } | undefined {
  const close = `</${meta.qname}>`;
  const fields = new Map<string, string>();
  for (let i = meta.end; ;) {
    const lt = xml.indexOf('<', i);
    if (lt < 0 || !blank(xml, i, lt)) return undefined;
    if (xml.startsWith(close, lt)) return { fields, end: lt + close.length };
    const next = xml.charCodeAt(lt + 1);
    if (next === 47 /* / */ || next === 63 /* ? */) return undefined;
    const field = startTag(xml, lt);
    const own = field && declare(field.attrs, scope);
    const name = own && localIn(field.qname, own, ns);
    if (!field || !name || fields.has(name)) return undefined;
    const end = xml.indexOf('<', field.end);
    if (end < 0 || !xml.startsWith(`</${field.qname}>`, end)) return undefined;
    fields.set(name, decodeCanonical(xml.slice(field.end, end)));
    i = end + field.qname.length + 3;
  }
}

function startTag(xml: string, lt: number): StartTag | undefined {
  const gt = tagEnd(xml, lt);
  if (gt < 0) return undefined;
  const space = xml.indexOf(' ', lt);
  const nameEnd = space >= 0 && space < gt ? space : gt;
  return { qname: xml.slice(lt + 1, nameEnd), attrs: xml.slice(nameEnd, gt), end: gt + 1 };
}

/** The scope inside a start tag: `outer` with the tag's namespace declarations; undefined when it has other attributes. */
function declare(attrs: string, outer: Scope): Scope | undefined {
  if (!attrs) return outer;
  let scope: Map<string, string> | undefined;
  for (const [, key = '', value = ''] of attrs.matchAll(ATTRIBUTE)) {
    if (key === 'xmlns' || key.startsWith('xmlns:')) {
      scope ??= new Map(outer);
      scope.set(key.slice(6), decodeCanonical(value));
    } else return undefined;
  }
  return scope ?? outer;
}

/** The local name of `qname` when its namespace in `scope` is `ns`. */
function localIn(qname: string, scope: Scope, ns: string): string | undefined {
  const colon = qname.indexOf(':');
  const uri = scope.get(colon < 0 ? '' : qname.slice(0, colon));
  return uri === ns ? qname.slice(colon + 1) : undefined;
}

/** Just past the end tag of the element whose start tag ends at `from`, or -1. */
function skipElement(xml: string, from: number): number {
  let depth = 1;
  for (let i = from; ;) {
    const lt = xml.indexOf('<', i);
    if (lt < 0) return -1;
    const next = xml.charCodeAt(lt + 1);
    if (next === 63 /* ? */) {
      const end = xml.indexOf('?>', lt + 2);
      if (end < 0) return -1;
      i = end + 2;
      continue;
    }
    const gt = tagEnd(xml, lt);
    if (gt < 0) return -1;
    depth += next === 47 /* / */ ? -1 : 1;
    i = gt + 1;
    if (depth === 0) return i;
  }
}

/** Only spaces, tabs and line feeds from `from` to `to` (a carriage return is a reference in C14N). */
function blank(xml: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = xml.charCodeAt(i);
    if (c !== 32 && c !== 10 && c !== 9) return false;
  }
  return true;
}
