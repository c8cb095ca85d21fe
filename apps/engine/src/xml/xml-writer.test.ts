import { describe, expect, it } from 'vitest';
import { Markup, element, escapeAttribute, escapeText } from './xml-writer.ts';
import { canonicalizeDocument, canonicalizeElement } from './canonical.ts';
import type { CanonicalXml } from './canonical.ts';
import { parseUntrusted } from './hardened-parser.ts';

/** Parses untrusted text and returns its exclusive canonical form. */
function recanonicalize(xml: string): string {
  const out = parseUntrusted(xml, { maxBytes: 1024 * 1024 });
  if (!out.ok) throw new Error(`${out.code}: ${out.message}`);
  try {
    return canonicalizeDocument(out.doc);
  } finally {
    out.doc.dispose();
  }
}

function canonicalPayload(xml: string): CanonicalXml {
  const out = parseUntrusted(xml, { maxBytes: 1024 * 1024 });
  if (!out.ok) throw new Error(out.message);
  try {
    return canonicalizeElement(out.doc.root);
  } finally {
    out.doc.dispose();
  }
}

const FORBIDDEN_CONTROLS = '\u0000\u0001\u0008\u000B\u000C\u000E\u001F\uFFFE\uFFFF';

describe('escapeText', () => {
  it('escapes & < > and carriage return, as C14N does in text', () => {
    expect(escapeText('a & b < c > d\re')).toBe('a &amp; b &lt; c &gt; d&#xD;e');
  });

  it('leaves quotes, tabs and newlines as they are', () => {
    expect(escapeText(`"q" 'a'\t\n`)).toBe(`"q" 'a'\t\n`);
  });

  it('drops characters XML 1.0 cannot carry at all', () => {
    expect(escapeText(`a${FORBIDDEN_CONTROLS}b`)).toBe('ab');
  });

  it('keeps non-ASCII text', () => {
    expect(escapeText('Grüße ✓ 𝄞')).toBe('Grüße ✓ 𝄞');
  });
});

describe('escapeAttribute', () => {
  it('escapes & < " and the whitespace characters attribute normalisation would lose', () => {
    expect(escapeAttribute('& < " \r \n \t')).toBe('&amp; &lt; &quot; &#xD; &#xA; &#x9;');
  });

  it('leaves the apostrophe alone, since values are written in double quotes', () => {
    expect(escapeAttribute("it's")).toBe("it's");
  });

  it('drops characters XML 1.0 cannot carry at all', () => {
    expect(escapeAttribute(`x${FORBIDDEN_CONTROLS}y`)).toBe('xy');
  });
});

describe('element', () => {
  it('writes empty elements as a start/end pair', () => {
    expect(element('a', {}).xml).toBe('<a></a>');
  });

  it('skips attributes whose value is undefined', () => {
    expect(element('a', { id: '1', skip: undefined, 'xml:lang': 'en' }).xml).toBe(
      '<a id="1" xml:lang="en"></a>',
    );
  });

  it('escapes text children so untrusted text never opens or closes a tag', () => {
    expect(element('m', {}, '</m><evil attr="x">').xml).toBe('<m>&lt;/m&gt;&lt;evil attr="x"&gt;</m>');
  });

  it('round-trips every special character through a parser, in text and in attributes', () => {
    const value = `& < > " ' \r \n \t ]]> end`;
    const out = parseUntrusted(element('a', { v: value }, value).xml, { maxBytes: 1024 });
    if (!out.ok) throw new Error(out.message);
    expect(out.doc.root.attr('v')?.value).toBe(value);
    expect(out.doc.root.content).toBe(value);
    out.doc.dispose();
  });

  it('escapes attribute values so they cannot end the attribute', () => {
    expect(element('m', { v: '" onload="x' }).xml).toBe('<m v="&quot; onload=&quot;x"></m>');
  });

  it('writes numbers and booleans as text and skips null and undefined', () => {
    expect(element('n', {}, 1, null, ' ', false, undefined, 2.5).xml).toBe('<n>1 false2.5</n>');
  });

  it('drops forbidden control characters from text and attributes', () => {
    expect(element('c', { v: `a${FORBIDDEN_CONTROLS}` }, `b${FORBIDDEN_CONTROLS}`).xml).toBe(
      '<c v="a">b</c>',
    );
  });

  it('nests the markup other calls built', () => {
    expect(element('a', {}, element('b', {}, 'x'), element('c', {})).xml).toBe('<a><b>x</b><c></c></a>');
  });

  it('embeds canonical XML unescaped', () => {
    const payload = canonicalPayload('<g:greeting xmlns:g="urn:g"><g:name>A &amp; B</g:name></g:greeting>');
    expect(element('env:m', { 'xmlns:env': 'urn:env' }, Markup.canonical(payload)).xml).toBe(
      '<env:m xmlns:env="urn:env"><g:greeting xmlns:g="urn:g"><g:name>A &amp; B</g:name></g:greeting></env:m>',
    );
  });

  it('escapes a plain string even when it looks like markup', () => {
    expect(element('a', {}, '<b></b>').xml).toBe('<a>&lt;b&gt;&lt;/b&gt;</a>');
  });

  it('returns Markup whose string form is its XML', () => {
    const m = element('a', {}, 'x');
    expect(m).toBeInstanceOf(Markup);
    expect(String(m)).toBe('<a>x</a>');
  });

  it.each(['', '1a', '-a', 'a b', 'a>b', '<a', 'a/', 'a:b:c', ':a', 'a:', 'é'])(
    'throws on the invalid element name %j',
    (name) => {
      expect(() => element(name, {})).toThrow(TypeError);
      expect(() => element(name, {})).toThrow(/invalid XML element name/);
    },
  );

  it.each(['', 'a b', 'a="x" b', 'x>', '"', '1x', 'a:b:c'])(
    'throws on the invalid attribute name %j',
    (key) => {
      expect(() => element('a', { [key]: 'v' })).toThrow(/invalid XML attribute name/);
    },
  );

  it('accepts names with prefixes, underscores, dots, hyphens and digits', () => {
    expect(element('env:my_el.v-2', { _a: '1', 'p:b-c.d': '2' }).xml).toBe(
      '<env:my_el.v-2 _a="1" p:b-c.d="2"></env:my_el.v-2>',
    );
  });

  describe('output is a fixed point of exclusive C14N', () => {
    const cases: [string, () => string][] = [
      ['an empty element', () => element('a', {}).xml],
      [
        'an envelope around a canonical payload',
        () =>
          element(
            'env:message',
            { 'xmlns:env': 'urn:env' },
            element('env:meta', {}, element('env:from', {}, 'a'), element('env:to', {}, 'b')),
            Markup.canonical(canonicalPayload('<p:order xmlns:p="urn:p" id="1"><p:line/></p:order>')),
          ).xml,
      ],
      [
        'a default-namespace root with escaped text',
        () =>
          element('SystemError', { xmlns: 'urn:sys' }, element('message', {}, 'a & b < c > d\r\n\t"\'')).xml,
      ],
      [
        'escaped attribute values in canonical order',
        () => element('a', { amp: '& < " \r \n \t', z: 'last' }, 'x').xml,
      ],
      ['text with dropped control characters', () => element('t', {}, `ok${FORBIDDEN_CONTROLS}`).xml],
    ];

    it.each(cases)('for %s', (_, build) => {
      const xml = build();
      expect(recanonicalize(xml)).toBe(xml);
    });

    it('for an attribute value containing ">"', () => {
      // C14N writes ">" in attribute values as is; only text content escapes it.
      const xml = element('a', { v: 'x > y' }).xml;
      expect(recanonicalize(xml)).toBe(xml);
    });

    it('for attributes passed out of canonical order', () => {
      const xml = element('a', { z: '1', a: '2' }).xml;
      expect(recanonicalize(xml)).toBe(xml);
    });
  });
});
