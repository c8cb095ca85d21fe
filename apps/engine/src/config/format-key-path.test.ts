import { describe, expect, it } from 'vitest';
import { formatKeyPath } from './format-key-path.ts';

describe('formatKeyPath', () => {
  it('joins keys with dots and puts indexes in brackets', () => {
    expect(formatKeyPath(['listeners', 2, 'payload', 'schema'])).toBe('listeners[2].payload.schema');
    expect(formatKeyPath(['listeners', 0, 'peers', 1])).toBe('listeners[0].peers[1]');
  });

  it('gives a single key as itself and the root as an empty string', () => {
    expect(formatKeyPath(['name'])).toBe('name');
    expect(formatKeyPath([])).toBe('');
  });
});
