import { describe, expect, it, test } from 'vitest';
import { formatCountOf, formatDuration, formatRate, plural, titleId } from './format';

describe('formatDuration', () => {
  it('says milliseconds below a second, and seconds without trailing zeros above', () => {
    expect(formatDuration(850.4)).toBe('850 ms');
    expect(formatDuration(1_000)).toBe('1 s');
    expect(formatDuration(1_250)).toBe('1.25 s');
    expect(formatDuration(5_000)).toBe('5 s');
    expect(formatDuration(30_000)).toBe('30 s');
    expect(formatDuration(30_540)).toBe('30.5 s');
    expect(formatDuration(59_940)).toBe('59.9 s');
  });

  it('says minutes, hours and days in whole units from a minute on, the larger two at most', () => {
    expect(formatDuration(59_960)).toBe('1 min');
    expect(formatDuration(125_000)).toBe('2 min 5 s');
    expect(formatDuration(491_700)).toBe('8 min 12 s');
    expect(formatDuration(300_000)).toBe('5 min');
    expect(formatDuration(3_599_600)).toBe('1 h');
    expect(formatDuration(7_465_000)).toBe('2 h 4 min');
    expect(formatDuration(86_400_000)).toBe('1 d');
    expect(formatDuration(3 * 86_400_000 + 3_700_000)).toBe('3 d 1 h');
  });
});

describe('formatCountOf', () => {
  it('puts the noun in the singular for one, the plural otherwise', () => {
    expect(formatCountOf(1, 'open thread')).toBe('1 open thread');
    expect(formatCountOf(0, 'open thread')).toBe('0 open threads');
    expect(formatCountOf(12_345, 'entry', 'entries')).toBe('12,345 entries');
    expect([plural(1, 'message'), plural(2, 'message'), plural(0, 'entry', 'entries')]).toEqual([
      'message',
      'messages',
      'entries',
    ]);
  });
});

it('reads a rate to one decimal, a trickle as under 0.1 rather than 0', () => {
  expect(formatRate(12.46)).toBe('12.5/s');
  expect(formatRate(0)).toBe('0/s');
  expect(formatRate(0.02)).toBe('<0.1/s');
  expect(formatRate(0.05)).toBe('0.1/s');
});

test("a tab's title shortens an id, and shows what is no id as it was typed", () => {
  expect(titleId('1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d')).toBe('1a2b3c4d');
  expect(titleId('1a2b3c4d')).toBe('1a2b3c4d');
  expect(titleId('not-an-id')).toBe('not-an-id');
  expect(titleId('x'.repeat(40))).toBe(`${'x'.repeat(23)}…`);
});
