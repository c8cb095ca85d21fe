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

/** Exclusive C14N of one element; namespaces it uses from ancestors are declared on it. */
export function canonicalizeElement(element: XmlElement): CanonicalXml {
  return element.canonicalizeToString(EXCLUSIVE) as CanonicalXml;
}
