import { describe, expect, it } from 'vitest';
import { xmlPathRange } from './xml-path-range';

/** The text a range covers, and its start tag. */
function at(text: string, path: string): [string, string] | null {
  const r = xmlPathRange(text, path);
  return r && [text.slice(r.from, r.to), text.slice(r.from, r.tagEnd)];
}

describe('xmlPathRange', () => {
  const order =
    '<order id="7"><!-- <line> in a comment --><line><sku>A</sku><qty>2</qty></line>' +
    '<line sku="B" qty=\'x\'><qty>3</qty><qty>4<![CDATA[</qty>]]></qty></line><note/></order>';

  it('finds the element a path names, counting same-named siblings, past comments and CDATA', () => {
    expect(at(order, '/order/line[1]/qty')).toEqual(['<qty>2</qty>', '<qty>']);
    expect(at(order, '/order/line[2]/qty[2]')).toEqual(['<qty>4<![CDATA[</qty>]]></qty>', '<qty>']);
    expect(at(order, '/order/note')).toEqual(['<note/>', '<note/>']);
    expect(at(order, '/order')?.[1]).toBe('<order id="7">');
  });

  it('finds an attribute, its name to its closing quote', () => {
    expect(at(order, '/order/line[2]/@qty')).toEqual(["qty='x'", "qty='x'"]);
    expect(at(order, '/order/@id')).toEqual(['id="7"', 'id="7"']);
  });

  it('reads prefixes as written, and * as any element (a default namespace)', () => {
    const ns = '<o:order xmlns:o="urn:o"><o:line/><o:line><o:qty>x</o:qty></o:line></o:order>';
    expect(at(ns, '/o:order/o:line[2]/o:qty')?.[0]).toBe('<o:qty>x</o:qty>');
    const dflt = '<order xmlns="urn:o"><sku>A</sku><qty>x</qty></order>';
    expect(at(dflt, '/*/*[2]')?.[0]).toBe('<qty>x</qty>');
  });

  it('gives the start tag apart from the whole of an element over several lines', () => {
    const text = '<order>\n  <line a="1">\n    <qty>x</qty>\n  </line>\n</order>';
    expect(at(text, '/order/line')).toEqual(['<line a="1">\n    <qty>x</qty>\n  </line>', '<line a="1">']);
  });

  it('is null for a node the text does not have, and for what is not such a path', () => {
    expect(xmlPathRange(order, '/order/line[3]')).toBeNull();
    expect(xmlPathRange(order, '/order/note/qty')).toBeNull();
    expect(xmlPathRange(order, '/order/sku')).toBeNull();
    expect(xmlPathRange(order, '/other')).toBeNull();
    expect(xmlPathRange(order, '/order/line/@nope')).toBeNull();
    expect(xmlPathRange(order, '…line[2]/qty')).toBeNull();
    expect(xmlPathRange(order, 'listeners[2].payload')).toBeNull();
  });
});
