import { XmlC14NMode } from 'libxml2-wasm';
import type { XmlDocument, XmlElement } from 'libxml2-wasm';

declare const canonical: unique symbol;
/** XML produced by exclusive C14N of a parsed document: well-formed by construction, safe to embed. */
export type CanonicalXml = string & { readonly [canonical]: true };

const EXCLUSIVE = { mode: XmlC14NMode.XML_C14N_EXCLUSIVE_1_0 } as const;

/** Exclusive C14N (no comments) of a whole document: the stored, hashed form of an envelope. */
export function canonicalizeDocument(doc: XmlDocument): CanonicalXml {
  return doc.canonicalizeToString(EXCLUSIVE) as CanonicalXml;
}

/**
 * Exclusive C14N of one element. libxml2-wasm does this through a JS visibility callback for every
 * node of the document, which is several times slower than the whole-document form: prefer
 * `canonicalLastChild` when the document is already canonicalized.
 */
export function canonicalizeElement(element: XmlElement): CanonicalXml {
  return element.canonicalizeToString(EXCLUSIVE) as CanonicalXml;
}

const ROOT_START = /^<([^\s>]+)((?: [^\s=]+="[^"]*")*)>/;
const NS_DECL = / xmlns(?::([^\s=]+))?="([^"]*)"/g;
const SKIPPABLE_HEAD = /^(?:\s+|<\?[^]*?\?>)*/;

/** Drops trailing whitespace and processing instructions (a `$`-anchored regex would rescan the string). */
function trimTail(s: string): string {
  let end = s.length;
  for (;;) {
    while (end > 0 && /\s/.test(s[end - 1] ?? '')) end--;
    if (!s.endsWith('?>', end)) return s.slice(0, end);
    const open = s.lastIndexOf('<?', end - 2);
    if (open < 0) return s.slice(0, end);
    end = open;
  }
}

/**
 * The exclusive canonical form of `child`, the root's last child element, cut out of the canonical
 * form of its whole document `docXml` (whose root's first child is `first`, e.g. `meta`).
 *
 * In the whole-document form only the root's own namespace binding is declared outside the child,
 * so the cut differs from the child's own canonical form in at most two ways, both handled here:
 * a redundant `xmlns=""` on the child (dropped) or a use of the root's binding inside the child
 * (then the slow per-element C14N is used instead). Equality with it is tested.
 */
export function canonicalLastChild(docXml: CanonicalXml, first: string, child: XmlElement): CanonicalXml {
  const start = ROOT_START.exec(docXml);
  if (!start?.[1]) return canonicalizeElement(child);
  const rootName = start[1];
  const colon = rootName.indexOf(':');
  const rootPrefix = colon >= 0 ? rootName.slice(0, colon) : '';
  const firstEnd = `</${rootPrefix ? `${rootPrefix}:` : ''}${first}>`;
  const from = docXml.indexOf(firstEnd);
  const rootEnd = `</${rootName}>`;
  if (from < 0 || !docXml.endsWith(rootEnd)) return canonicalizeElement(child);
  let cut = docXml.slice(from + firstEnd.length, docXml.length - rootEnd.length);
  cut = trimTail(cut.replace(SKIPPABLE_HEAD, ''));
  const childStart = ROOT_START.exec(cut);
  if (!childStart?.[1] || !cut.endsWith(`</${childStart[1]}>`)) return canonicalizeElement(child);

  const rootBindsDefault = [...(start[2] ?? '').matchAll(NS_DECL)].some(
    (m) => m[1] === undefined && m[2] !== '',
  );
  if (rootBindsDefault) {
    // Unprefixed names inside the child would inherit the root's default namespace unless the
    // child's own start tag re-declares the default.
    const childDeclares = [...(childStart[2] ?? '').matchAll(NS_DECL)].find((m) => m[1] === undefined);
    if (!childDeclares) return canonicalizeElement(child);
    // An empty default declaration is redundant once the child stands alone.
    if (childDeclares[2] === '') cut = cut.replace(' xmlns=""', '');
    return cut as CanonicalXml;
  }
  // The root binds a prefix: the child must not use it, or the declaration would be missing.
  if (rootPrefix && (cut.includes(`<${rootPrefix}:`) || cut.includes(` ${rootPrefix}:`)))
    return canonicalizeElement(child);
  return cut as CanonicalXml;
}
