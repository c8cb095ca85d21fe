import { XmlDocument, XsdValidator } from 'libxml2-wasm';
import { afterAll, describe, expect, it } from 'vitest';
import { validateBounded } from './bounded-validate.ts';
import { problemsFromXmlError } from './xml-problems.ts';

const xsd = XmlDocument.fromString(
  `<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
  <xs:element name="greeting"><xs:complexType><xs:sequence>
    <xs:element name="name" type="xs:string" maxOccurs="unbounded"/>
    <xs:element name="times" type="xs:int" minOccurs="0"/>
  </xs:sequence></xs:complexType></xs:element>
</xs:schema>`,
);
const validator = XsdValidator.fromDoc(xsd);
afterAll(() => {
  validator.dispose();
  xsd.dispose();
});

/** What `validateBounded` and libxml2-wasm's own `validate` answer for `xml`. */
function both(xml: string): { bounded: unknown; own: unknown } {
  const doc = XmlDocument.fromString(xml, { url: 'payload.xml' });
  try {
    const bounded = validateBounded(validator, doc.root);
    let own: unknown = [];
    try {
      validator.validate(doc.root);
    } catch (err) {
      own = problemsFromXmlError(err);
    }
    return { bounded, own };
  } finally {
    doc.dispose();
  }
}

describe('validateBounded', () => {
  it('finds nothing in a valid element', () => {
    expect(both('<greeting><name>Ada</name><times>2</times></greeting>')).toEqual({ bounded: [], own: [] });
  });

  it('gives the problems libxml2-wasm gives, with their lines and paths', () => {
    const { bounded, own } = both(
      '<greeting>\n<name a="1">Ada</name>\n<times>two</times>\n<extra/></greeting>',
    );
    expect(bounded).toEqual(own);
    expect(bounded).toMatchObject([
      { line: 2, path: '/greeting/name', message: expect.stringMatching(/attribute 'a'/) as unknown },
      { line: 3, path: '/greeting/times', message: expect.stringMatching(/'two'/) as unknown },
      { line: 4, path: '/greeting/extra', message: expect.stringMatching(/not expected/) as unknown },
    ]);
  });

  it('reads the first 100 of a payload made to fail everywhere and counts the rest, as before', () => {
    const attributes = Array.from({ length: 250 }, (_, i) => `a${i}=""`).join(' ');
    const xml = `<greeting>${Array.from({ length: 88 }, () => `<name ${attributes}>x</name>`).join('')}</greeting>`;
    const { bounded, own } = both(xml);
    expect(bounded).toEqual(own);
    expect(bounded).toHaveLength(101);
    expect((bounded as { message: string }[]).at(-1)?.message).toBe(
      'and 21,900 more problems (the first 100 are listed)',
    );
    // The next validation starts afresh.
    expect(both('<greeting><name b="2">Ada</name></greeting>').bounded).toHaveLength(1);
  });
});
