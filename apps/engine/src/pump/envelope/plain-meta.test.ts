import { describe, expect, it } from 'vitest';
import { ENVELOPE_NS } from '@organism/shared';
import { canonicalizeDocument, outerElements, parseUntrusted, plainEnvelopeFields } from '../../xml/index.ts';
import { compileSystemSchemas } from '../system/system-schemas.ts';
import { plainMetaValid } from './plain-meta.ts';

const schema = compileSystemSchemas().envelope;

/** What envelope.xsd says of `<meta>{inner}</meta>`, and what plainMetaValid says of its plain fields. */
function both(inner: string): { schema: boolean; plain: boolean | undefined } {
  const xml = `<message xmlns="${ENVELOPE_NS}"><meta>${inner}</meta><job xmlns="urn:j"></job></message>`;
  const parsed = parseUntrusted(xml, { maxBytes: 1 << 16 });
  if (!parsed.ok) throw new Error(`${parsed.message}: ${xml}`);
  try {
    const meta = outerElements(parsed.doc.root)?.first;
    if (!meta) throw new Error('no meta');
    const fields = plainEnvelopeFields(canonicalizeDocument(parsed.doc), ENVELOPE_NS);
    return { schema: schema.validate(meta).length === 0, plain: fields && plainMetaValid(fields) };
  } finally {
    parsed.doc.dispose();
  }
}

describe('plainMetaValid', () => {
  it('says valid only where envelope.xsd does, over every order and form of the fields', () => {
    const names = ['from', 'to', 'thread', 'sig'];
    const values = [
      '',
      'a',
      ' a',
      'a b',
      'x\ty',
      'a&#xA;b',
      'é',
      'n'.repeat(200),
      'n'.repeat(201),
      '𝄞'.repeat(150),
    ];
    // Every sequence of one to three distinct names (a field twice is not plain), each field given
    // every value in turn.
    const sequences: string[][] = [];
    const extend = (seq: string[]): void => {
      if (seq.length > 0) sequences.push(seq);
      if (seq.length < 3) for (const n of names) if (!seq.includes(n)) extend([...seq, n]);
    };
    extend([]);
    let validWithoutSchema = 0;
    for (const seq of sequences) {
      for (let round = 0; round < values.length; round++) {
        const inner = seq
          .map((n, k) => `<${n}>${values[(round + k) % values.length]}</${n}>`)
          .join(round % 2 ? '\n  ' : '');
        const seen = both(inner);
        expect(seen.plain, inner).toBeDefined();
        if (seen.plain) {
          expect(seen.schema, inner).toBe(true);
          validWithoutSchema++;
        } else if (seen.schema) {
          // Left to the schema although valid: only a name of over 200 UTF-16 units.
          expect(inner).toMatch(/𝄞/);
        }
      }
    }
    expect(validWithoutSchema).toBeGreaterThan(20);
  });

  it.each([
    ['from alone', '<from>c</from>', true],
    ['from, to and thread', '<from>c</from><to>sink</to><thread>t</thread>', true],
    ['to before from', '<to>sink</to><from>c</from>', false],
    ['no from', '<to>sink</to>', false],
    ['a blank to', '<from>c</from><to></to>', false],
    ['a to with a space', '<from>c</from><to>a b</to>', false],
    ['another field', '<from>c</from><sig>x</sig>', false],
  ])('%s', (_what, inner, valid) => {
    const seen = both(inner);
    expect(seen.plain).toBe(valid);
    expect(seen.schema).toBe(valid);
  });
});
