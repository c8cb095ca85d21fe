import { afterEach, describe, expect, it } from 'vitest';
import type { XmlDocument, XmlElement } from 'libxml2-wasm';
import { canonicalizeDocument, canonicalizeElement } from './canonical.ts';
import { parseUntrusted } from './hardened-parser.ts';

const open: XmlDocument[] = [];
afterEach(() => {
  for (const doc of open.splice(0)) doc.dispose();
});

function parse(xml: string): XmlDocument {
  const out = parseUntrusted(xml, { maxBytes: 1024 * 1024 });
  if (!out.ok) throw new Error(out.message);
  open.push(out.doc);
  return out.doc;
}

function find(doc: XmlDocument, xpath: string, ns: Record<string, string> = {}): XmlElement {
  const el = doc.get(xpath, ns);
  if (!el) throw new Error(`no node at ${xpath}`);
  return el as XmlElement;
}

const ENVELOPE = `<?xml version="1.0" encoding="UTF-8"?>
<!-- envelope comment -->
<env:message xmlns:env="urn:env" xmlns:unused="urn:unused" xmlns:p="urn:payload">
  <env:meta><env:from>a</env:from></env:meta>
  <!-- inner comment -->
  <p:order z="3" a="1" p:id="9" xmlns:extra="urn:extra"><p:line/><item xmlns="urn:default"/></p:order>
</env:message>`;

describe('canonicalizeDocument', () => {
  it('drops the XML declaration and comments, keeps whitespace between elements', () => {
    const out = canonicalizeDocument(parse(ENVELOPE));
    expect(out).not.toContain('<?xml');
    expect(out).not.toContain('<!--');
    expect(out.startsWith('<env:message')).toBe(true);
    expect(out).toContain('</env:meta>\n  \n  <p:order');
  });

  it('keeps only the namespace declarations an element uses, where it first uses them', () => {
    const out = canonicalizeDocument(parse(ENVELOPE));
    expect(out).toMatch(/^<env:message xmlns:env="urn:env">/);
    expect(out).not.toContain('urn:unused');
    expect(out).not.toContain('urn:extra');
    expect(out).toContain('<p:order xmlns:p="urn:payload" a="1" z="3" p:id="9">');
  });

  it('writes empty elements as start/end pairs', () => {
    const out = canonicalizeDocument(parse('<a><b/><c x="1" /></a>'));
    expect(out).toBe('<a><b></b><c x="1"></c></a>');
  });

  it('sorts attributes: unqualified by name first, then qualified by namespace URI', () => {
    const out = canonicalizeDocument(
      parse('<a xmlns:z="urn:a" xmlns:b="urn:z" b:k="1" z:k="2" y="3" c="4"/>'),
    );
    expect(out).toBe('<a xmlns:b="urn:z" xmlns:z="urn:a" c="4" y="3" z:k="2" b:k="1"></a>');
  });

  it('normalises quoting and escapes as C14N requires', () => {
    const out = canonicalizeDocument(
      parse(`<a t='say "hi" &amp; &lt;go&gt;'>x &gt; y &amp; <![CDATA[<raw>]]>\r\n</a>`),
    );
    expect(out).toBe('<a t="say &quot;hi&quot; &amp; &lt;go>">x &gt; y &amp; &lt;raw&gt;\n</a>');
    // Escapes and character references survive a second pass unchanged (the pipeline relies on it).
    const refs = canonicalizeDocument(parse('<a t="&#13;&#9;&#10;">&#13;\t<?pi x?></a>'));
    expect(refs).toBe('<a t="&#xD;&#x9;&#xA;">&#xD;\t<?pi x?></a>');
    expect(canonicalizeDocument(parse(refs))).toBe(refs);
    expect(canonicalizeDocument(parse(out))).toBe(out);
  });

  it('is idempotent: the canonical form of a canonical document is itself', () => {
    const once = canonicalizeDocument(parse(ENVELOPE));
    expect(canonicalizeDocument(parse(once))).toBe(once);
  });
});

describe('canonicalizeElement', () => {
  it('declares on the subtree root the namespaces it uses from its ancestors', () => {
    const el = find(parse(ENVELOPE), '//p:order', { p: 'urn:payload' });
    expect(canonicalizeElement(el)).toBe(
      '<p:order xmlns:p="urn:payload" a="1" z="3" p:id="9"><p:line></p:line><item xmlns="urn:default"></item></p:order>',
    );
  });

  it('leaves out the ancestors, their siblings and comments', () => {
    const el = find(parse(ENVELOPE), '//env:meta', { env: 'urn:env' });
    expect(canonicalizeElement(el)).toBe('<env:meta xmlns:env="urn:env"><env:from>a</env:from></env:meta>');
  });

  it('pulls an inherited default namespace onto the subtree root', () => {
    const doc = parse(
      '<root xmlns="urn:d" xmlns:x="urn:x"><!-- c --><child b="2" a="1"><leaf/></child></root>',
    );
    const el = find(doc, '//d:child', { d: 'urn:d' });
    expect(canonicalizeElement(el)).toBe('<child xmlns="urn:d" a="1" b="2"><leaf></leaf></child>');
  });

  it('declares a prefix used only by an attribute', () => {
    const doc = parse('<r xmlns:m="urn:meta"><item m:rank="1">x</item></r>');
    expect(canonicalizeElement(find(doc, '/r/item'))).toBe('<item xmlns:m="urn:meta" m:rank="1">x</item>');
  });

  it('gives an element in no namespace no namespace declaration', () => {
    const doc = parse('<env:m xmlns:env="urn:env"><payload><v>1</v></payload></env:m>');
    expect(canonicalizeElement(find(doc, '/env:m/payload', { env: 'urn:env' }))).toBe(
      '<payload><v>1</v></payload>',
    );
  });

  it('is a fixed point: canonicalizing the parsed output of a subtree gives the same string', () => {
    const el = find(parse(ENVELOPE), '//p:order', { p: 'urn:payload' });
    const once = canonicalizeElement(el);
    expect(canonicalizeDocument(parse(once))).toBe(once);
  });
});
