import { describe, expect, it } from 'vitest';
import { indentColumns } from './wrapped-lines';

describe('indentColumns', () => {
  it('counts spaces, and a tab to the next tab stop', () => {
    expect(indentColumns('key: value', 4)).toBe(0);
    expect(indentColumns('    - name: x', 4)).toBe(4);
    expect(indentColumns('\tx', 4)).toBe(4);
    expect(indentColumns('  \tx', 4)).toBe(4);
    expect(indentColumns(' \t \tx', 2)).toBe(4);
    expect(indentColumns('      ', 4)).toBe(6);
  });
});
