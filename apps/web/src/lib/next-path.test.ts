import { describe, expect, it } from 'vitest';
import { nextPath } from './next-path.ts';

const ORIGIN = 'http://127.0.0.1:3000';

describe('nextPath', () => {
  it('keeps a path of the console with its query', () => {
    expect(nextPath('/messages?state=FAILED', ORIGIN)).toBe('/messages?state=FAILED');
    expect(nextPath('/threads/abc#hop-2', ORIGIN)).toBe('/threads/abc#hop-2');
  });

  it('goes to the overview for anything that could lead to another site', () => {
    for (const away of [
      null,
      '',
      'https://example.com/x',
      '//example.com/x',
      '/\\example.com/x',
      '/\t/example.com/x',
      '/\n/example.com',
      '/%09/example.com',
      'javascript:alert(1)',
      '/.//example.com',
      '/..//example.com',
      '/%2e//example.com',
      '/a/..//example.com',
      'messages',
    ]) {
      const to = nextPath(away, ORIGIN);
      expect(new URL(to, ORIGIN).origin, String(away)).toBe(ORIGIN);
      expect(to.startsWith('//'), String(away)).toBe(false);
    }
    expect(nextPath('/\t/example.com/x', ORIGIN)).toBe('/');
    expect(nextPath('/.//example.com', ORIGIN)).toBe('/');
    // A path's own dot segments are harmless: resolved, it stays on the console.
    expect(nextPath('/messages/../threads', ORIGIN)).toBe('/threads');
  });
});
