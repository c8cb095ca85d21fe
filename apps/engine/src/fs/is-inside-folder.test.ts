import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isInsideFolder } from './is-inside-folder.ts';

let tmp: string;
let org: string;

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'inside-folder-'));
  org = join(tmp, 'org');
  mkdirSync(join(org, 'handlers'), { recursive: true });
  mkdirSync(join(tmp, 'outside'));
  writeFileSync(join(org, 'handlers/a.ts'), '');
  writeFileSync(join(tmp, 'outside/evil.mjs'), '');
  symlinkSync(join(tmp, 'outside/evil.mjs'), join(org, 'handlers/out.mjs'));
  symlinkSync(join(org, 'handlers/a.ts'), join(org, 'handlers/in.ts'));
  symlinkSync(join(tmp, 'outside'), join(org, 'vendor'), 'dir');
  symlinkSync(org, join(tmp, 'org-link'), 'dir');
});

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('isInsideFolder', () => {
  it('accepts relative and absolute paths under the folder, existing or not', () => {
    expect(isInsideFolder(org, 'handlers/a.ts')).toBe(true);
    expect(isInsideFolder(org, join(org, 'handlers/a.ts'))).toBe(true);
    expect(isInsideFolder(org, './handlers/../handlers/new.ts')).toBe(true);
    expect(isInsideFolder(org, 'not/yet/there.ts')).toBe(true);
  });

  it('refuses paths that climb out or are absolute elsewhere', () => {
    expect(isInsideFolder(org, '../outside/evil.mjs')).toBe(false);
    expect(isInsideFolder(org, '../../../../../../../etc/passwd')).toBe(false);
    expect(isInsideFolder(org, join(tmp, 'outside/evil.mjs'))).toBe(false);
    expect(isInsideFolder(org, '..')).toBe(false);
    // A sibling whose name merely starts with the folder's name is not inside it.
    expect(isInsideFolder(org, `${org}-other/x.ts`)).toBe(false);
  });

  it('follows symlinks: a link leading out is outside, one staying in is inside', () => {
    expect(isInsideFolder(org, 'handlers/out.mjs')).toBe(false);
    expect(isInsideFolder(org, 'handlers/in.ts')).toBe(true);
    expect(isInsideFolder(org, 'vendor/evil.mjs')).toBe(false);
    expect(isInsideFolder(org, 'vendor/not-there.mjs')).toBe(false);
  });

  it('compares real paths when the folder itself is reached through a symlink', () => {
    const linked = join(tmp, 'org-link');
    expect(isInsideFolder(linked, 'handlers/a.ts')).toBe(true);
    expect(isInsideFolder(linked, join(org, 'handlers/a.ts'))).toBe(true);
    expect(isInsideFolder(linked, '../outside/evil.mjs')).toBe(false);
  });
});
