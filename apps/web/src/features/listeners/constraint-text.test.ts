import { describe, expect, it } from 'vitest';
import { constraintParts } from './constraint-text';

const words = (c: Parameters<typeof constraintParts>[0]) =>
  constraintParts(c).map((p) => (p.code ? `${p.label} ${p.code}` : p.label));

describe('constraintParts', () => {
  it('says an enumeration, patterns, a default and a fixed value', () => {
    expect(words({ enumeration: ['normal', 'rush'], default: 'normal' })).toEqual([
      'one of normal | rush',
      'default normal',
    ]);
    expect(words({ patterns: [['[A-Z]{3}', '\\d+'], ['A.*']], fixed: '1.0' })).toEqual([
      'matches [A-Z]{3} | \\d+',
      'matches A.*',
      'always 1.0',
    ]);
  });

  it('cuts a long enumeration, keeping every value for the hover', () => {
    const values = Array.from({ length: 15 }, (_, i) => `v${i}`);
    const [part] = constraintParts({ enumeration: values });
    expect(part?.code).toBe(`${values.slice(0, 12).join(' | ')} | … 3 more`);
    expect(part?.title).toBe(values.join(' | '));
  });

  it('says lengths in characters, and in items for a list, with each item’s own rules', () => {
    expect(words({ minLength: 1, maxLength: 80 })).toEqual(['1 to 80 characters']);
    expect(words({ maxLength: 1 })).toEqual(['at most 1 character']);
    expect(words({ minLength: 3, maxLength: 3 })).toEqual(['exactly 3 characters']);
    expect(words({ list: true, length: 3 })).toEqual(['a space-separated list', 'exactly 3 items']);
    expect(words({ list: true, minLength: 2, items: { enumeration: ['low', 'high'] } })).toEqual([
      'a space-separated list',
      'at least 2 items',
      'each item one of low | high',
    ]);
  });

  it('says numeric bounds, inclusive or not, and digits', () => {
    expect(words({ minInclusive: '0', maxInclusive: '100' })).toEqual(['from 0 to 100']);
    expect(words({ minExclusive: '5', maxExclusive: '7' })).toEqual(['more than 5 and less than 7']);
    expect(words({ minInclusive: '1000' })).toEqual(['at least 1000']);
    expect(words({ maxExclusive: '-5' })).toEqual(['less than -5']);
    expect(words({ totalDigits: 4, fractionDigits: 2 })).toEqual(['at most 4 digits', 'at most 2 decimals']);
    expect(words({ fractionDigits: 0 })).toEqual(['no decimals']);
  });
});
