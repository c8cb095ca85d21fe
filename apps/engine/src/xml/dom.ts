import { XmlCData, XmlElement, XmlText } from 'libxml2-wasm';
import type { XmlTreeNode } from 'libxml2-wasm';
import { qname } from '@organism/shared';
import type { QName } from '@organism/shared';

// libxml2-wasm gives processing-instruction nodes no `next`: walking siblings stops at one.
type Sibling = XmlTreeNode & { next?: XmlTreeNode | null; prev?: XmlTreeNode | null };

/** The element children of `el`, in document order (text, comments and PIs skipped). */
export function childElements(el: XmlElement): XmlElement[] {
  const out: XmlElement[] = [];
  for (let node: Sibling | null = el.firstChild; node;) {
    if (node instanceof XmlElement) out.push(node);
    if (node.next === undefined) return el.find('*').filter((n): n is XmlElement => n instanceof XmlElement);
    node = node.next;
  }
  return out;
}

/**
 * The first and the last element child of `el`, stepping over what lies outside them (text, comments)
 * without a walk of the rest; undefined when it has none, or when a processing instruction is in the way.
 */
export function outerElements(el: XmlElement): { first: XmlElement; last: XmlElement } | undefined {
  let first: Sibling | null | undefined = el.firstChild;
  while (first && !(first instanceof XmlElement)) first = first.next;
  const last = lastElement(el);
  return first instanceof XmlElement && last ? { first, last } : undefined;
}

/** The last element child of `el`, stepping back over text and comments; undefined as outerElements. */
export function lastElement(el: XmlElement): XmlElement | undefined {
  let last: Sibling | null | undefined = el.lastChild;
  while (last && !(last instanceof XmlElement)) last = last.prev;
  return last instanceof XmlElement ? last : undefined;
}

/** True when `el` has a non-whitespace text child directly under it (text the envelope must not carry). */
export function hasStrayText(el: XmlElement): boolean {
  for (let node: Sibling | null = el.firstChild; node; node = node.next ?? null) {
    if ((node instanceof XmlText || node instanceof XmlCData) && node.content.trim() !== '') return true;
  }
  return false;
}

/** The element's namespace-qualified name in Clark notation. */
export function qualifiedName(el: XmlElement): QName {
  return qname(el.namespaceUri, el.name);
}
