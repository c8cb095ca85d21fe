import { describe, expect, it } from 'vitest';
import { ENVELOPE_NS } from '@organism/shared';
import { canonicalizeDocument } from './canonical.ts';
import { childElements, hasStrayText } from './dom.ts';
import { parseUntrusted } from './hardened-parser.ts';
import { plainEnvelopeFields } from './plain-envelope.ts';

const NS = ENVELOPE_NS;
const PAYLOAD =
  '<order xmlns="urn:shop"><line sku="a&gt;b" note="x &quot;y&quot;"><line>2</line></line></order>';
const envelope = (meta: string, payload = PAYLOAD, between = ''): string =>
  `<message xmlns="${NS}">${between}<meta>${meta}</meta>${between}${payload}${between}</message>`;

/** The envelope's canonical text and the fields read from it, checked against libxml2's tree. */
function read(xml: string): Map<string, string> | undefined {
  const parsed = parseUntrusted(xml, { maxBytes: 1 << 20 });
  if (!parsed.ok) throw new Error(parsed.message);
  const doc = parsed.doc;
  try {
    const fields = plainEnvelopeFields(canonicalizeDocument(doc), NS);
    if (fields) {
      // Whatever reads as plain must be what the tree walk accepts: meta then one payload, no stray
      // text, no attribute on <message>, and the same fields with the same text.
      const [meta, ...payloads] = childElements(doc.root);
      expect(meta?.name).toBe('meta');
      expect(payloads).toHaveLength(1);
      expect(hasStrayText(doc.root)).toBe(false);
      expect(doc.root.attrs).toHaveLength(0);
      const own = childElements(meta as NonNullable<typeof meta>);
      expect(new Map(own.map((el) => [el.name, el.content]))).toEqual(fields);
      expect(own.every((el) => el.namespaceUri === NS)).toBe(true);
    }
    return fields;
  } finally {
    doc.dispose();
  }
}

describe('plainEnvelopeFields', () => {
  it("reads <meta>'s fields from the canonical text, references replaced", () => {
    const fields = read(
      envelope('<from>a &amp; b</from>\n<to> greeter </to><thread>t-1</thread>', PAYLOAD, '\n  '),
    );
    expect(fields).toEqual(
      new Map([
        ['from', 'a & b'],
        ['to', ' greeter '],
        ['thread', 't-1'],
      ]),
    );
  });

  it('reads an envelope whose namespace is bound to a prefix, and a payload of any depth', () => {
    const deep = '<a xmlns="urn:x"><?keep me?><a><a b=">"></a></a><a></a></a>';
    const xml = `<e:message xmlns:e="${NS}"><e:meta><e:from>c</e:from></e:meta>${deep}</e:message>`;
    expect(read(xml)).toEqual(new Map([['from', 'c']]));
  });

  it('reads an empty field as empty text (whether it is allowed is for the caller)', () => {
    expect(read(envelope('<from></from>'))).toEqual(new Map([['from', '']]));
  });

  it.each([
    [
      'an attribute on <message>',
      `<message xmlns="${NS}" id="1"><meta><from>c</from></meta>${PAYLOAD}</message>`,
    ],
    [
      'an attribute on <meta>',
      `<message xmlns="${NS}"><meta id="1"><from>c</from></meta>${PAYLOAD}</message>`,
    ],
    ['an attribute on a field', envelope('<from kind="x">c</from>')],
    [
      'a root of another namespace',
      `<message xmlns="urn:other"><meta><from>c</from></meta>${PAYLOAD}</message>`,
    ],
    ['a root of another name', `<msg xmlns="${NS}"><meta><from>c</from></meta>${PAYLOAD}</msg>`],
    ['no payload', envelope('<from>c</from>', '')],
    ['two payloads of one name', envelope('<from>c</from>', PAYLOAD + PAYLOAD)],
    [
      'a first child other than <meta>',
      `<message xmlns="${NS}"><data><from>c</from></data>${PAYLOAD}</message>`,
    ],
    ['the payload first', `<message xmlns="${NS}">${PAYLOAD}<meta><from>c</from></meta></message>`],
    [
      '<meta> of no namespace',
      `<message xmlns="${NS}"><meta xmlns=""><from>c</from></meta>${PAYLOAD}</message>`,
    ],
    ['text inside <message>', envelope('<from>c</from>', PAYLOAD, 'hi')],
    ['a carriage return inside <message>', envelope('<from>c</from>', PAYLOAD, '&#13;')],
    ['a processing instruction beside the payload', envelope('<from>c</from>', `<?pi x?>${PAYLOAD}`)],
    ['a processing instruction before the root', `<?pi x?>${envelope('<from>c</from>')}`],
    ['a processing instruction in <meta>', envelope('<from>c</from><?pi x?>')],
    ['a foreign element in <meta>', envelope('<from>c</from><s:sig xmlns:s="urn:sig">x</s:sig>')],
    ['an element inside a field', envelope('<from>c<b>d</b></from>')],
    ['a field twice', envelope('<from>c</from><from>d</from>')],
    ['text inside <meta>', envelope('text<from>c</from>')],
  ])('gives undefined for %s', (_, xml) => {
    expect(read(xml)).toBeUndefined();
  });
});
