import { describe, expect, it } from 'vitest';
import { attributeOverflow, MAX_ATTRIBUTES, relativeNamespace } from './canonical-limits.ts';

const attrs = (n: number, name = 'a'): string =>
  Array.from({ length: n }, (_, i) => ` ${name}${i}="v"`).join('');
const scan = (xml: string) => attributeOverflow(Buffer.from(xml));

describe('attributeOverflow', () => {
  it('finds the first element with more attributes than C14N can take, with where it starts', () => {
    const xml = `<r${attrs(3)}>\n  <ok${attrs(MAX_ATTRIBUTES)}/>\n  <crowded${attrs(MAX_ATTRIBUTES + 1)}/><later${attrs(400)}/></r>`;
    expect(scan(xml)).toEqual({ name: 'crowded', count: MAX_ATTRIBUTES + 1, line: 3, column: 3 });
    expect(scan(`<r>${`<ok${attrs(MAX_ATTRIBUTES)}/>`.repeat(5)}</r>`)).toBeUndefined();
  });

  it('counts namespace declarations with the attributes', () => {
    const decls = Array.from({ length: MAX_ATTRIBUTES }, (_, i) => ` xmlns:p${i}="urn:p${i}"`).join('');
    expect(scan(`<r${decls} p0:x="1"/>`)).toMatchObject({ name: 'r', count: MAX_ATTRIBUTES + 1 });
  });

  it("counts no '=' of attribute values, text, comments, CDATA or processing instructions", () => {
    const noise = '= <a b="c"> '.repeat(400);
    const xml =
      `<?pi ${noise}?><r v1="${'=>'.repeat(400)}" v2='${'"='.repeat(400)}'>${'a=b>'.repeat(400)}` +
      `<!-- ${noise} --><![CDATA[ ${noise} ]]><?pi ${noise}?></r>`;
    expect(scan(xml)).toBeUndefined();
  });

  it('does not read text too short to hold an element over the limit', () => {
    expect(scan(`<r${attrs(10)}/>`)).toBeUndefined();
  });
});

describe('relativeNamespace', () => {
  it('names the first namespace declared with a relative URI, and its line', () => {
    expect(relativeNamespace('<a xmlns="urn:x">\n<b xmlns:q="orders"/></a>')).toEqual({
      prefix: 'q',
      uri: 'orders',
      line: 2,
    });
    expect(relativeNamespace("<a xmlns='rel'/>")).toEqual({ prefix: '', uri: 'rel', line: 1 });
  });

  it('passes absolute URIs and the empty default namespace', () => {
    expect(relativeNamespace('<a xmlns="https://x/y" xmlns:u="urn:u"><b xmlns=""/></a>')).toBeUndefined();
  });
});
