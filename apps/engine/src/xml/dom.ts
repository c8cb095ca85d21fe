import { XmlCData, XmlElement, XmlText } from 'libxml2-wasm';
import { qname } from '@organism/shared';
import type { QName } from '@organism/shared';

/** The element children of `el`, in document order (text, comments and PIs skipped). */
export function childElements(el: XmlElement): XmlElement[] {
  const out: XmlElement[] = [];
  for (let node = el.firstChild; node; node = node.next) if (node instanceof XmlElement) out.push(node);
  return out;
}

/** True when `el` has a non-whitespace text child directly under it (text the envelope must not carry). */
export function hasStrayText(el: XmlElement): boolean {
  for (let node = el.firstChild; node; node = node.next) {
    if ((node instanceof XmlText || node instanceof XmlCData) && node.content.trim() !== '') return true;
  }
  return false;
}

/** The element's namespace-qualified name in Clark notation. */
export function qualifiedName(el: XmlElement): QName {
  return qname(el.namespaceUri, el.name);
}
