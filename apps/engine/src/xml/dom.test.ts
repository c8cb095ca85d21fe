import { afterEach, describe, expect, it } from 'vitest';
import type { XmlDocument, XmlElement } from 'libxml2-wasm';
import { childElements, hasStrayText, qualifiedName } from './dom.ts';
import { parseUntrusted } from './hardened-parser.ts';

const open: XmlDocument[] = [];
afterEach(() => {
  for (const doc of open.splice(0)) doc.dispose();
});

function root(xml: string): XmlElement {
  const out = parseUntrusted(xml, { maxBytes: 64 * 1024 });
  if (!out.ok) throw new Error(out.message);
  open.push(out.doc);
  return out.doc.root;
}

describe('childElements', () => {
  it('returns element children in document order, skipping text, comments, CDATA and PIs', () => {
    const el = root('<r>text<a/><!-- c --><b><inner/></b><![CDATA[x]]><?pi d?><c/></r>');
    expect(childElements(el).map((c) => c.name)).toEqual(['a', 'b', 'c']);
  });

  it('returns an empty list for an element without element children', () => {
    expect(childElements(root('<r>only text</r>'))).toEqual([]);
  });
});

describe('hasStrayText', () => {
  it('ignores whitespace between elements', () => {
    expect(hasStrayText(root('<r>\n  <a>text inside a child</a>\n\t</r>'))).toBe(false);
  });

  it('finds non-whitespace text directly under the element', () => {
    expect(hasStrayText(root('<r><a/>stray</r>'))).toBe(true);
  });

  it('finds non-whitespace CDATA directly under the element', () => {
    expect(hasStrayText(root('<r><a/><![CDATA[ x ]]></r>'))).toBe(true);
  });

  it('ignores comments and processing instructions', () => {
    expect(hasStrayText(root('<r><!-- note --><?pi data?><a/></r>'))).toBe(false);
  });
});

describe('qualifiedName', () => {
  it('writes a namespaced element in Clark notation whatever its prefix', () => {
    expect(qualifiedName(root('<p:order xmlns:p="urn:o"/>'))).toBe('{urn:o}order');
    expect(qualifiedName(root('<order xmlns="urn:o"/>'))).toBe('{urn:o}order');
  });

  it('writes an element in no namespace as its local name', () => {
    expect(qualifiedName(root('<order/>'))).toBe('order');
  });
});
