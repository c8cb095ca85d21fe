import { describe, expect, it } from 'vitest';
import { parseUntrusted } from './hardened-parser.ts';
import type { ParseOutcome } from './hardened-parser.ts';

const LIMITS = { maxBytes: 1024 * 1024 };

type Failure = Extract<ParseOutcome, { ok: false }>;

function rejected(input: string | Uint8Array, limits = LIMITS): Failure {
  const out = parseUntrusted(input, limits);
  if (out.ok) {
    out.doc.dispose();
    throw new Error('expected the parser to reject the input');
  }
  return out;
}

/** Nine levels of ten-fold entity expansion: 10^9 "lol"s if a parser substituted them. */
function billionLaughs(): string {
  const entities = ['<!ENTITY lol0 "lol">'];
  for (let i = 1; i <= 9; i++) entities.push(`<!ENTITY lol${i} "${`&lol${i - 1};`.repeat(10)}">`);
  return `<?xml version="1.0"?>\n<!DOCTYPE lolz [\n${entities.join('\n')}\n]>\n<lolz>&lol9;</lolz>`;
}

const bytes = (...parts: (string | number[])[]): Uint8Array =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p))));

describe('parseUntrusted', () => {
  it('parses a well-formed string into a document the caller owns', () => {
    const out = parseUntrusted('<order xmlns="urn:o" id="7"><line>1</line></order>', LIMITS);
    if (!out.ok) throw new Error(out.message);
    expect(out.doc.root.name).toBe('order');
    expect(out.doc.root.namespaceUri).toBe('urn:o');
    expect(out.doc.root.attr('id')?.value).toBe('7');
    out.doc.dispose();
  });

  it('parses a UTF-8 buffer, with or without a byte-order mark', () => {
    for (const input of [bytes('<a>é</a>'), bytes([0xef, 0xbb, 0xbf], '<a>é</a>')]) {
      const out = parseUntrusted(input, LIMITS);
      if (!out.ok) throw new Error(out.message);
      expect(out.doc.root.content).toBe('é');
      out.doc.dispose();
    }
  });

  it('reads a string as the characters it is, whatever encoding its declaration names', () => {
    for (const encoding of ['UTF-16', 'ISO-8859-1', 'EBCDIC-XYZ']) {
      const out = parseUntrusted(`<?xml version="1.0" encoding="${encoding}"?><s>é ü</s>`, LIMITS);
      expect(out.ok).toBe(true);
      if (!out.ok) continue;
      expect(out.doc.root.content).toBe('é ü');
      out.doc.dispose();
    }
  });

  it('reads bytes in the encoding they declare, and says so when they declare UTF-16 and are not', () => {
    const latin1 = parseUntrusted(
      Buffer.from('<?xml version="1.0" encoding="ISO-8859-1"?><s>\xe9</s>', 'latin1'),
      LIMITS,
    );
    expect(latin1.ok && latin1.doc.root.content).toBe('é');
    if (latin1.ok) latin1.doc.dispose();
    const utf16 = parseUntrusted(
      Buffer.from('\ufeff<?xml version="1.0" encoding="UTF-16"?><s>é</s>', 'utf16le'),
      LIMITS,
    );
    expect(utf16.ok && utf16.doc.root.content).toBe('é');
    if (utf16.ok) utf16.doc.dispose();
    const lying = rejected(bytes('<?xml version="1.0" encoding="utf-16"?>\n<s>a</s>'));
    expect(lying.code).toBe('MALFORMED_XML');
    expect(lying.message).toBe(
      'the XML declaration says encoding="utf-16", but the document is not UTF-16: declare the encoding it is in (UTF-8, or leave the encoding out)',
    );
    expect(lying.problems[0]).toMatchObject({ line: 1 });
  });

  it("says libxml2's own limits as limits, not as a parser option to set", () => {
    const deep = rejected(`<a>${'<b>'.repeat(300)}${'</b>'.repeat(300)}</a>`);
    expect(deep.message).toBe('elements are nested more than 256 deep, the most a document may nest');
    const long = rejected(`<a>${'x'.repeat(10_000_001)}</a>`, { maxBytes: 20_000_000 });
    expect(long.message).toBe('a text node is longer than 10,000,000 characters, the most one may hold');
    for (const f of [deep, long]) expect(JSON.stringify(f.problems)).not.toContain('XML_PARSE_HUGE');
  });

  it('hands out a document that cannot be used once disposed', () => {
    const out = parseUntrusted('<a/>', LIMITS);
    if (!out.ok) throw new Error(out.message);
    out.doc.dispose();
    expect(() => out.doc.root).toThrow();
  });

  describe('size limit', () => {
    it('refuses input over the limit with PAYLOAD_TOO_LARGE before parsing it', () => {
      // Not even well-formed: a MALFORMED_XML answer would mean libxml2 had read it.
      const err = rejected('<<<' + ' '.repeat(200), { maxBytes: 100 });
      expect(err.code).toBe('PAYLOAD_TOO_LARGE');
      expect(err.message).toBe('document is 203 bytes; the limit is 100');
      expect(err.problems).toEqual([{ message: err.message }]);
    });

    it('counts UTF-8 bytes, not string characters', () => {
      const input = `<a>${'é'.repeat(60)}</a>`; // 67 characters, 127 bytes
      expect(rejected(input, { maxBytes: 100 }).code).toBe('PAYLOAD_TOO_LARGE');
    });

    it('accepts input exactly at the limit', () => {
      const input = '<a>1234</a>';
      const out = parseUntrusted(input, { maxBytes: Buffer.byteLength(input) });
      expect(out.ok).toBe(true);
      if (out.ok) out.doc.dispose();
    });

    it('measures buffers by their byte length', () => {
      expect(rejected(bytes('<a>', ' '.repeat(10), '</a>'), { maxBytes: 16 }).code).toBe('PAYLOAD_TOO_LARGE');
    });
  });

  describe('malformed input', () => {
    it('reports a tag mismatch as MALFORMED_XML with line and column', () => {
      const err = rejected('<a>\n  <b>\n</a>');
      expect(err.code).toBe('MALFORMED_XML');
      expect(err.message).toMatch(/Opening and ending tag mismatch: b line 2 and a/);
      expect(err.problems[0]).toMatchObject({ line: 3, column: expect.any(Number) as number });
    });

    it('reports every libxml2 diagnostic as a problem, the first one as the message', () => {
      const err = rejected('<a>\n  <b attr="x>\n</a>');
      expect(err.problems.length).toBeGreaterThan(1);
      expect(err.message).toBe(err.problems[0]?.message);
      expect(err.problems[0]).toMatchObject({ line: 3 });
    });

    it('rejects empty input and a second root element', () => {
      expect(rejected('').code).toBe('MALFORMED_XML');
      expect(rejected('<a/><b/>').message).toMatch(/Extra content at the end of the document/);
    });

    it('rejects references to undeclared entities', () => {
      expect(rejected('<a>&nope;</a>').message).toMatch(/Entity 'nope' not defined/);
    });
  });

  describe('DOCTYPE', () => {
    it.each([
      ['a bare DOCTYPE', '<!DOCTYPE a><a/>', 1],
      ['an internal entity', '<?xml version="1.0"?>\n<!DOCTYPE a [<!ENTITY x "inside">]><a>&x;</a>', 2],
      ['a SYSTEM identifier', '<!DOCTYPE a SYSTEM "file:///etc/passwd"><a/>', 1],
      ['a PUBLIC identifier', '<!DOCTYPE a PUBLIC "-//x//y" "http://example.com/a.dtd"><a/>', 1],
      ['a parameter entity', '<!DOCTYPE a [<!ENTITY % p SYSTEM "file:///etc/passwd"> %p;]><a/>', 1],
      [
        'a DOCTYPE after a comment, as bytes',
        bytes('<?xml version="1.0"?>\n<!-- c -->\n<!DOCTYPE a>\n<a/>'),
        3,
      ],
    ])('refuses %s with DOCTYPE_FORBIDDEN at its line', (_, input, line) => {
      const err = rejected(input);
      expect(err.code).toBe('DOCTYPE_FORBIDDEN');
      expect(err.problems).toEqual([{ message: err.message, line }]);
    });

    it('keeps a document whose text only mentions a DOCTYPE, and says what is wrong with one malformed after it', () => {
      const out = parseUntrusted('<a><![CDATA[<!DOCTYPE b>]]></a>', LIMITS);
      expect(out.ok).toBe(true);
      if (out.ok) out.doc.dispose();
      expect(rejected('<a><!-- <!DOCTYPE b> --><b></a>').code).toBe('MALFORMED_XML');
    });
  });

  describe('hostile input', () => {
    it('refuses a billion-laughs document for its DOCTYPE, fast, without expanding it', () => {
      const started = performance.now();
      const err = rejected(billionLaughs());
      expect(performance.now() - started).toBeLessThan(1000);
      // libxml2 stops at its amplification limit inside the DTD; the sender hears what is not allowed.
      expect(err.code).toBe('DOCTYPE_FORBIDDEN');
      expect(err.problems).toEqual([{ message: err.message, line: 2 }]);
    });

    it('never substitutes an external entity that names a local file', () => {
      const input =
        '<?xml version="1.0"?>\n<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n<foo>&xxe;</foo>';
      const err = rejected(input);
      expect(err.code).toBe('DOCTYPE_FORBIDDEN');
      expect(JSON.stringify(err)).not.toMatch(/root:/);
    });

    it('refuses an external entity referenced from an attribute value', () => {
      const err = rejected('<!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a b="&x;"/>');
      expect(err.code).toBe('DOCTYPE_FORBIDDEN');
      expect(JSON.stringify(err)).not.toMatch(/root:/);
    });

    it('rejects 100,000 levels of nesting with a depth message, quickly', () => {
      const depth = 100_000;
      const input = '<a>'.repeat(depth) + '</a>'.repeat(depth);
      const started = performance.now();
      const err = rejected(input, { maxBytes: 10 * 1024 * 1024 });
      expect(performance.now() - started).toBeLessThan(2000);
      expect(err.code).toBe('MALFORMED_XML');
      expect(err.message).toBe('elements are nested more than 256 deep, the most a document may nest');
    });

    it('accepts nesting just under the depth limit', () => {
      const out = parseUntrusted('<a>'.repeat(255) + '</a>'.repeat(255), LIMITS);
      expect(out.ok).toBe(true);
      if (out.ok) out.doc.dispose();
    });

    it.each([
      ['a stray 0xFF byte', [0xff, 0xfe]],
      ['a truncated two-byte sequence', [0xc3, 0x28]],
      ['an encoded UTF-16 surrogate', [0xed, 0xa0, 0x80]],
    ])('rejects invalid UTF-8: %s', (_, bad) => {
      const err = rejected(bytes('<a>', bad, '</a>'));
      expect(err.code).toBe('MALFORMED_XML');
      expect(err.message).toMatch(/Invalid bytes in character encoding/);
      expect(err.problems[0]).toMatchObject({ line: 1 });
    });

    it('rejects a string with a lone surrogate, which no encoding of text can hold', () => {
      const err = rejected('<a>\ud800</a>');
      expect(err.code).toBe('MALFORMED_XML');
      expect(err.message).toMatch(/Invalid bytes in character encoding/);
      // Paired, the same code unit is a character like any other.
      const ok = parseUntrusted('<a>\ud83d\ude00</a>', LIMITS);
      expect(ok.ok && ok.doc.root.content).toBe('\u{1f600}');
      if (ok.ok) ok.doc.dispose();
    });

    it('rejects characters XML 1.0 forbids even when correctly encoded', () => {
      expect(rejected('<a>\u0001</a>').message).toMatch(/invalid Char value 1/);
    });
  });
});
