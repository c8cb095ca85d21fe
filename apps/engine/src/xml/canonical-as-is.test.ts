import { describe, expect, it } from 'vitest';
import { canonicalAsIs } from './canonical-as-is.ts';
import { canonicalizeDocument } from './canonical.ts';
import { parseUntrusted } from './hardened-parser.ts';

/** libxml2's exclusive C14N of `xml`, or undefined when it does not parse or cannot be canonicalized. */
function c14n(xml: string | Uint8Array): string | undefined {
  const parsed = parseUntrusted(xml, { maxBytes: 1 << 20 });
  if (!parsed.ok) return undefined;
  try {
    return canonicalizeDocument(parsed.doc);
  } catch {
    return undefined;
  } finally {
    parsed.doc.dispose();
  }
}

/** Mulberry32: the same documents on every run. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Documents that are mostly in canonical form, with now and then one of the things C14N writes
 * otherwise: an empty-element tag, a redundant or misplaced declaration, attributes out of order or
 * quoted with ', references, `>` in text, whitespace inside tags, comments, CDATA, a declaration.
 */
function generate(rnd: () => number): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  const odd = (): boolean => rnd() < 0.04;
  const uris = ['urn:a', 'urn:b', 'http://example.com/ns', 'urn:a#x', 'rel', ''];
  const texts = [
    'x',
    'a &amp; b',
    '&lt;tag&gt;',
    ' \n ',
    'é ☃ 𝄞',
    '&#xD;',
    'a>b',
    '&quot;',
    '&#65;',
    "it's",
    '\t',
  ];
  const values = [
    'v',
    'a &amp; b',
    '&lt;',
    '&quot;q&quot;',
    '>',
    "'",
    '&#x9;',
    '&#xA;',
    '&#xD;',
    'x y',
    '\t',
    '&#10;',
  ];
  const element = (depth: number, defaultNs: string, bound: Map<string, string>): string => {
    const prefix = rnd() < 0.25 ? pick(['p', 'q']) : '';
    const name = (prefix ? `${prefix}:` : '') + pick(['a', 'b', 'item', 'élan']);
    const decls: string[] = [];
    const inner = new Map(bound);
    let innerDefault = defaultNs;
    if (prefix) {
      if (!bound.has(prefix) || rnd() < 0.3) {
        const uri = pick(uris.slice(0, 4));
        decls.push(` xmlns:${prefix}="${uri}"`);
        inner.set(prefix, uri);
      }
    } else if (rnd() < 0.3) {
      innerDefault = pick(uris);
      decls.push(` xmlns="${innerDefault}"`);
    }
    if (odd()) decls.push(` xmlns:${pick(['r', 's'])}="${pick(uris.slice(0, 3))}"`);
    if (prefix && odd()) {
      innerDefault = pick(uris.slice(0, 3));
      decls.push(` xmlns="${innerDefault}"`);
    }
    const names = ['id', 'kind', 'n', 'z'].filter(() => rnd() < 0.3);
    if (odd()) names.reverse();
    const attrs = names.map((n) => ` ${n}=${odd() ? `'${pick(values)}'` : `"${pick(values)}"`}`);
    if (odd()) attrs.push(` xml:lang="en"`);
    const all = odd() ? [...attrs, ...decls] : [...decls, ...attrs];
    const space = odd() ? pick([' ', '\n', '\t']) : '';
    const open = `<${name}${all.join('')}${space}`;
    if (odd()) return `${open}/>`;
    let body = '';
    const children = depth < 4 ? Math.floor(rnd() * 3) : 0;
    for (let k = 0; k < children; k++) {
      if (rnd() < 0.5) body += pick(texts);
      if (odd()) body += pick(['<!--c-->', '<![CDATA[x<y]]>', '<?pi x?>']);
      body += element(depth + 1, innerDefault, inner);
    }
    if (children === 0 && rnd() < 0.7) body += pick(texts);
    return `${open}>${body}</${name}${odd() ? ' ' : ''}>`;
  };
  const head = odd()
    ? pick([
        '<?xml version="1.0"?>\n',
        "<?xml version='1.0' encoding='UTF-8'?>",
        '<?xml version="1.0" encoding="ISO-8859-1"?>',
        '\n ',
      ])
    : '';
  const tail = odd() ? pick(['\n', '<!--end-->', ' \n']) : '';
  return head + element(0, '', new Map()) + tail;
}

describe('canonicalAsIs', () => {
  it('gives exactly what C14N gives whenever it gives anything, on 4,000 generated documents', () => {
    const rnd = random(20261202);
    let parsed = 0;
    let asIs = 0;
    let differs = 0;
    for (let k = 0; k < 4000; k++) {
      const xml = generate(rnd);
      const expected = c14n(xml);
      const got = canonicalAsIs(xml);
      if (expected === undefined) {
        // What does not parse never reaches this step; what C14N refuses (a relative namespace) must
        // not be passed through either.
        if (parseUntrusted(xml, { maxBytes: 1 << 20 }).ok) expect(got, xml).toBeUndefined();
        continue;
      }
      parsed++;
      if (got !== undefined) {
        asIs++;
        expect(got, xml).toBe(expected);
        expect(canonicalAsIs(Buffer.from(xml)), xml).toBe(expected);
      } else if (expected !== xml) differs++;
    }
    // The test means something only if both ways are taken often.
    expect(parsed).toBeGreaterThan(2500);
    expect(asIs).toBeGreaterThan(parsed / 5);
    expect(differs).toBeGreaterThan(parsed / 5);
  });

  it('passes through canonical text, dropping a plain declaration and the whitespace around the root', () => {
    const doc =
      '<m xmlns="urn:m"><a id="1" kind="x&amp;y">t &lt; u &gt; v&#xD;</a><p:b xmlns:p="urn:p"></p:b></m>';
    expect(canonicalAsIs(doc)).toBe(doc);
    expect(c14n(doc)).toBe(doc);
    expect(canonicalAsIs(`<?xml version="1.0" encoding="utf-8"?>\n${doc}\n`)).toBe(doc);
    expect(canonicalAsIs(Buffer.from(` \n${doc}`))).toBe(doc);
  });

  it.each([
    ['an empty-element tag', '<a><b/></a>'],
    ['a redundant declaration', '<a xmlns="urn:x"><b xmlns="urn:x"></b></a>'],
    ['a declaration its element does not use', '<p:a xmlns:p="urn:p" xmlns="urn:d"></p:a>'],
    ['attributes out of order', '<a z="1" b="2"></a>'],
    ['an attribute in single quotes', "<a b='1'></a>"],
    ['a prefixed attribute', '<a xml:lang="en"></a>'],
    ['a character reference', '<a>&#65;</a>'],
    ['`>` in text', '<a>a>b</a>'],
    ['a tab in an attribute value', '<a b="x\ty"></a>'],
    ['a line break inside a tag', '<a\nb="1"></a>'],
    ['a comment', '<a><!--c--></a>'],
    ['a CDATA section', '<a><![CDATA[x]]></a>'],
    ['a declaration of another encoding', '<?xml version="1.0" encoding="ISO-8859-1"?><a></a>'],
    ['a relative namespace, which C14N refuses', '<a xmlns="rel"></a>'],
    ['a carriage return', '<a>x\r\ny</a>'],
    ['a comment after the root', '<a></a><!--c-->'],
  ])('leaves to C14N %s', (_what, xml) => {
    expect(canonicalAsIs(xml)).toBeUndefined();
  });

  it('tries at most four namespaces it has not seen a document, leaving the rest to C14N', () => {
    const fresh = Array.from({ length: 6 }, (_, k) => `urn:fresh-${k}`);
    const xml = `<r>${fresh.map((ns) => `<a xmlns="${ns}"></a>`).join('')}</r>`;
    expect(c14n(xml)).toBe(xml);
    expect(canonicalAsIs(xml)).toBeUndefined();
    // The first four are known now; two more are tried.
    expect(canonicalAsIs(xml)).toBe(xml);
  });

  it('reads bytes as UTF-8 only when nothing says otherwise', () => {
    expect(canonicalAsIs(Buffer.from('<a>é</a>'))).toBe('<a>é</a>');
    expect(canonicalAsIs(Buffer.from('\ufeff<a></a>'))).toBeUndefined();
    expect(canonicalAsIs(Buffer.from('<a></a>', 'utf16le'))).toBeUndefined();
  });
});
