import { afterEach, describe, expect, it } from 'vitest';
import type { XmlDocument } from 'libxml2-wasm';
import { canonicalToObject } from './canonical-to-object.ts';
import type { XmlValue } from './canonical-to-object.ts';
import { canonicalizeDocument, canonicalizeElement } from './canonical.ts';
import type { CanonicalXml } from './canonical.ts';
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

/** Parses, canonicalizes the root element (as the pump does) and converts. */
const toObject = (xml: string): XmlValue => canonicalToObject(canonicalizeElement(parse(xml).root));

describe('canonicalToObject', () => {
  it('turns a text-only element into its string', () => {
    expect(toObject('<name>Ada</name>')).toBe('Ada');
  });

  it('turns an empty element into the empty string', () => {
    expect(toObject('<flag/>')).toBe('');
    expect(toObject('<r><flag/></r>')).toEqual({ flag: '' });
  });

  it('keeps the whitespace of a text-only element', () => {
    expect(toObject('<r><v>  two  words \n</v></r>')).toEqual({ v: '  two  words \n' });
  });

  it('puts attributes under @name and text beside them under #text', () => {
    expect(toObject('<price currency="EUR">12.50</price>')).toEqual({ '@currency': 'EUR', '#text': '12.50' });
    expect(toObject('<r><empty a="1"/></r>')).toEqual({ empty: { '@a': '1' } });
  });

  it('collects repeated elements into an array in document order', () => {
    expect(toObject('<order><line>1</line><note>n</note><line>2</line><line>3</line></order>')).toEqual({
      line: ['1', '2', '3'],
      note: 'n',
    });
  });

  it('keeps a single child as a value, not a one-element array', () => {
    expect(toObject('<order><line>1</line></order>')).toEqual({ line: '1' });
  });

  it('nests repeated complex children', () => {
    expect(toObject('<o><l n="1"><q>2</q></l><l n="2"><q>5</q><q>6</q></l></o>')).toEqual({
      l: [
        { '@n': '1', q: '2' },
        { '@n': '2', q: ['5', '6'] },
      ],
    });
  });

  it('keeps mixed content text under #text and drops whitespace-only text between children', () => {
    expect(toObject('<p>Hello <b>you</b> there</p>')).toEqual({ b: 'you', '#text': 'Hello  there' });
    expect(toObject('<r>\n  <a>1</a>\n  <b>2</b>\n</r>')).toEqual({ a: '1', b: '2' });
  });

  it('strips prefixes from element and attribute names and drops namespace declarations', () => {
    const xml =
      '<o:order xmlns:o="urn:o" xmlns="urn:d" xmlns:x="urn:x" x:rank="1"><o:line>1</o:line><item>2</item></o:order>';
    expect(toObject(xml)).toEqual({ '@rank': '1', line: '1', item: '2' });
  });

  it('merges same-named elements from different namespaces into one array', () => {
    expect(toObject('<r xmlns:a="urn:a" xmlns:b="urn:b"><a:v>1</a:v><b:v>2</b:v></r>')).toEqual({
      v: ['1', '2'],
    });
  });

  it('decodes the character references C14N writes in text', () => {
    expect(toObject('<t>a &amp; b &lt; c &gt; d "q" &#13;&#9;&#10;</t>')).toBe('a & b < c > d "q" \r\t\n');
  });

  it('decodes the character references C14N writes in attributes', () => {
    const xml = `<t v="&amp;&lt;&quot;'&#13;&#9;&#10;end"/>`;
    expect(canonicalizeElement(parse(xml).root)).toBe('<t v="&amp;&lt;&quot;\'&#xD;&#x9;&#xA;end"></t>');
    expect(toObject(xml)).toEqual({ '@v': '&<"\'\r\t\nend' });
  });

  it('reads an attribute value containing ">", which C14N leaves unescaped', () => {
    const xml = '<r><t op="a &gt; b" x="1">v</t></r>';
    expect(canonicalizeElement(parse(xml).root)).toBe('<r><t op="a > b" x="1">v</t></r>');
    expect(toObject(xml)).toEqual({ t: { '@op': 'a > b', '@x': '1', '#text': 'v' } });
  });

  it('leaves a reference it does not know as written', () => {
    expect(canonicalToObject('<t>&#x41; &amp;amp;</t>' as CanonicalXml)).toBe('&#x41; &amp;');
  });

  it('keeps non-ASCII text and CDATA content', () => {
    expect(toObject('<t>Grüße ✓ <![CDATA[<not-a-tag> & co]]></t>')).toBe('Grüße ✓ <not-a-tag> & co');
  });

  it('reads the root element of a canonical document that has processing instructions around it', () => {
    const doc = parse('<?xml version="1.0"?><?app setting="1"?><r><v>1</v></r><?after x?>');
    expect(canonicalToObject(canonicalizeDocument(doc))).toEqual({ v: '1' });
  });

  it('skips a processing instruction with data inside a payload', () => {
    expect(toObject('<r><?app x="1"?><v>1</v></r>')).toEqual({ v: '1' });
  });

  it('skips a processing instruction without data inside a payload', () => {
    // C14N keeps PIs; `<?app?>` has no space, so it must not be taken for a start tag named "?app?".
    expect(toObject('<r><?app?><v>1</v></r>')).toEqual({ v: '1' });
  });

  it('takes elements named like inherited properties as elements, not as what objects inherit', () => {
    const out = toObject(
      '<r><constructor>a</constructor><toString>b</toString><__proto__><x>1</x></__proto__><__proto__>2</__proto__></r>',
    ) as Record<string, unknown>;
    expect(Object.entries(out)).toEqual([
      ['constructor', 'a'],
      ['toString', 'b'],
      ['__proto__', [{ x: '1' }, '2']],
    ]);
    // Its prototype stays Object's: nothing the payload says reaches it.
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(out.x).toBeUndefined();
  });

  describe('round trip through exclusive C14N', () => {
    const cases: [string, string, XmlValue][] = [
      ['a flat record', '<person><name>Ada</name><born>1815</born></person>', { name: 'Ada', born: '1815' }],
      [
        'a namespaced payload inside an envelope',
        '<env:m xmlns:env="urn:env"><g:greeting xmlns:g="urn:g" lang="en"><g:name>Bob &amp; Co</g:name></g:greeting></env:m>',
        { '@lang': 'en', name: 'Bob & Co' },
      ],
      [
        'repeats, attributes and empties',
        '<cart id="c1"><item sku="a" qty="2"/><item sku="b" qty="1">gift</item><coupon/></cart>',
        {
          '@id': 'c1',
          item: [
            { '@sku': 'a', '@qty': '2' },
            { '@sku': 'b', '@qty': '1', '#text': 'gift' },
          ],
          coupon: '',
        },
      ],
      [
        'escaped text and attributes',
        `<q expr="a &lt; b &amp;&amp; c &gt; d" note='say "hi"'>1 &lt; 2 &gt; 0</q>`,
        { '@expr': 'a < b && c > d', '@note': 'say "hi"', '#text': '1 < 2 > 0' },
      ],
      [
        'a default namespace and deep nesting',
        '<a xmlns="urn:a"><b><c><d>deep</d></c></b></a>',
        { b: { c: { d: 'deep' } } },
      ],
      ['a comment inside, dropped by C14N', '<r><!-- note --><v>1</v></r>', { v: '1' }],
    ];

    it.each(cases)('converts %s', (_, xml, expected) => {
      const doc = parse(xml);
      const el = doc.root.name === 'm' ? (doc.root.firstChild as typeof doc.root) : doc.root;
      expect(canonicalToObject(canonicalizeElement(el))).toEqual(expected);
    });
  });
});
