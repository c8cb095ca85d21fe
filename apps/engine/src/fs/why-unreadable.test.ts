import { mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { whyUnreadable } from './why-unreadable.ts';

const failure = (read: () => unknown): unknown => {
  try {
    read();
  } catch (err) {
    return err;
  }
  throw new Error('the read succeeded');
};

describe('whyUnreadable', () => {
  const dir = mkdtempSync(join(tmpdir(), 'organism-unreadable-'));
  writeFileSync(join(dir, 'file'), 'x');
  symlinkSync('loop', join(dir, 'loop'));

  it('says what went wrong without the path, which the caller names as its reader knows it', () => {
    const cases = {
      missing: failure(() => readFileSync(join(dir, 'missing'))),
      folder: failure(() => readFileSync(dir)),
      loop: failure(() => readFileSync(join(dir, 'loop'))),
      under: failure(() => readFileSync(join(dir, 'file', 'inside'))),
    };
    expect(Object.values(cases).map(whyUnreadable)).toEqual([
      'file not found',
      'is a folder, not a file',
      'too many symbolic links (a link that leads to itself?)',
      'a part of its path is a file, not a folder',
    ]);
    for (const err of Object.values(cases)) expect(whyUnreadable(err)).not.toContain(dir);
  });

  it('keeps node:fs’s words for a code it does not know, without the path', () => {
    const err = Object.assign(new Error(`EIO: i/o error, read '${dir}/file'`), { code: 'EIO' });
    expect(whyUnreadable(err)).toBe('i/o error');
    expect(whyUnreadable('plain')).toBe('plain');
  });
});
