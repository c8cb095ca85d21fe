/**
 * Indents XML for reading (two spaces per level). Text-only elements stay on one line; mixed content is
 * left as it is. Input that does not parse is returned unchanged, so nothing is ever hidden.
 */
export function prettyXml(xml: string): string {
  const doc = new DOMParser().parseFromString(xml, 'application/xml');
  if (doc.getElementsByTagName('parsererror').length > 0) return xml;
  const out: string[] = [];
  const serializer = new XMLSerializer();
  const walk = (node: Node, depth: number): void => {
    const pad = '  '.repeat(depth);
    if (node.nodeType === Node.ELEMENT_NODE) {
      const el = node as Element;
      const children = [...el.childNodes].filter(
        (c) => !(c.nodeType === Node.TEXT_NODE && !c.textContent?.trim()),
      );
      // Attributes as written (namespace declarations included only where the source had them).
      const attrs = [...el.attributes].map((a) => ` ${a.name}="${escapeAttr(a.value)}"`).join('');
      const openTag = `<${el.tagName}${attrs}>`;
      const name = el.tagName;
      if (children.length === 0) out.push(`${pad}${openTag.replace(/>$/, '/>')}`);
      else if (children.every((c) => c.nodeType === Node.TEXT_NODE || c.nodeType === Node.CDATA_SECTION_NODE))
        out.push(
          `${pad}${openTag}${children.map((c) => serializer.serializeToString(c)).join('')}</${name}>`,
        );
      else {
        out.push(`${pad}${openTag}`);
        for (const c of children) walk(c, depth + 1);
        out.push(`${pad}</${name}>`);
      }
    } else if (node.nodeType === Node.TEXT_NODE) {
      out.push(`${pad}${serializer.serializeToString(node).trim()}`);
    } else out.push(`${pad}${serializer.serializeToString(node)}`);
  };
  for (const c of doc.childNodes) walk(c, 0);
  return out.join('\n');
}

function escapeAttr(v: string): string {
  return v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');
}
