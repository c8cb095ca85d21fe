import { describe, expect, it } from 'vitest';
import { parseByteSize } from './byte-size.ts';

describe('parseByteSize', () => {
  it('takes whole numbers as bytes', () => {
    expect(parseByteSize(0)).toBe(0);
    expect(parseByteSize(1_048_576)).toBe(1_048_576);
    expect(parseByteSize('2048')).toBe(2048);
    expect(parseByteSize('2048B')).toBe(2048);
  });

  it('reads binary units as powers of 1024 and decimal units as powers of 1000', () => {
    expect(parseByteSize('512KiB')).toBe(524_288);
    expect(parseByteSize('1MiB')).toBe(1_048_576);
    expect(parseByteSize('1GiB')).toBe(1_073_741_824);
    expect(parseByteSize('64KB')).toBe(64_000);
    expect(parseByteSize('2MB')).toBe(2_000_000);
    expect(parseByteSize('1GB')).toBe(1_000_000_000);
  });

  it('ignores the case of units and spaces before them, and rounds away float noise', () => {
    expect(parseByteSize('1 mib')).toBe(1_048_576);
    expect(parseByteSize('1.5KiB')).toBe(1536);
    expect(parseByteSize('1.1KB')).toBe(1100);
  });

  it('rejects fractions of a byte, negatives and unreadable values', () => {
    expect(parseByteSize(1.5)).toBeUndefined();
    expect(parseByteSize('1.5')).toBeUndefined();
    expect(parseByteSize(-1)).toBeUndefined();
    expect(parseByteSize('-1KiB')).toBeUndefined();
    expect(parseByteSize('huge')).toBeUndefined();
    expect(parseByteSize('1TB')).toBeUndefined();
    expect(parseByteSize('')).toBeUndefined();
  });
});
