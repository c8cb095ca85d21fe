import { describe, expect, it } from 'vitest';
import { parseDuration } from './duration.ts';

describe('parseDuration', () => {
  it('takes numbers as milliseconds', () => {
    expect(parseDuration(0)).toBe(0);
    expect(parseDuration(1500)).toBe(1500);
  });

  it('reads ms, s, m and h suffixes', () => {
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('5s')).toBe(5000);
    expect(parseDuration('2m')).toBe(120_000);
    expect(parseDuration('1h')).toBe(3_600_000);
  });

  it('reads fractions, spaces around the number and bare digits (ms)', () => {
    expect(parseDuration('1.5s')).toBe(1500);
    expect(parseDuration(' 10 s ')).toBe(10_000);
    expect(parseDuration('250')).toBe(250);
  });

  it('rejects negative, non-finite and unreadable values', () => {
    expect(parseDuration(-1)).toBeUndefined();
    expect(parseDuration(Number.NaN)).toBeUndefined();
    expect(parseDuration(Number.POSITIVE_INFINITY)).toBeUndefined();
    expect(parseDuration('-5s')).toBeUndefined();
    expect(parseDuration('soon')).toBeUndefined();
    expect(parseDuration('5 seconds')).toBeUndefined();
    expect(parseDuration('5S')).toBeUndefined();
    expect(parseDuration('')).toBeUndefined();
  });
});
