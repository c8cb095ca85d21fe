import { Text } from '@codemirror/state';
import { describe, expect, it } from 'vitest';
import { diagnosticsFor } from './xml-view';

const payload = '<order><line sku="1"><qty>1</qty></line><line sku="x"><qty>y</qty></line></order>';
const doc = Text.of(payload.split('\n'));
const underlined = (problem: Parameters<typeof diagnosticsFor>[1][number]): string[] =>
  diagnosticsFor(doc, [problem]).map((d) => payload.slice(d.from, d.to));

describe('diagnosticsFor', () => {
  it('underlines the element a problem’s path names, not its whole line', () => {
    const message = "Element 'qty': 'y' is not a valid value of the atomic type 'xs:int'.";
    expect(underlined({ line: 1, path: '/order/line[2]/qty', message })).toEqual(['<qty>y</qty>']);
  });

  it('underlines the attribute the message names', () => {
    const message = "Element 'line', attribute 'sku': 'x' is not a valid value of the atomic type 'xs:int'.";
    expect(underlined({ line: 1, path: '/order/line[2]', message })).toEqual(['sku="x"']);
  });

  it('keeps to the line when the path is not there or the node starts on another line', () => {
    expect(underlined({ line: 1, path: '/order/gone', message: 'x' })).toEqual([payload]);
    expect(underlined({ line: 1, column: 9, message: 'x' })).toEqual([payload.slice(8)]);
    const two = Text.of(['<order>', '<qty>y</qty></order>']);
    const [d] = diagnosticsFor(two, [{ line: 1, path: '/order/qty', message: 'x' }]);
    expect([d?.from, d?.to]).toEqual([0, 7]);
  });
});
