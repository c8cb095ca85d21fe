import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { openDatabase } from './sqlite/open-database.ts';
import type { OpenDatabase } from './sqlite/open-database.ts';

/**
 * For a store's shared tests (`describe.each`): its memory implementation, and its SQLite one on a fresh
 * journal file that is closed after each test.
 */
export function storeMakers<T>(
  memory: () => T,
  sqlite: (open: OpenDatabase) => T,
): [name: string, make: () => T][] {
  let open: OpenDatabase | undefined;
  afterEach(() => {
    open?.close();
    open = undefined;
  });
  return [
    ['memory', memory],
    [
      'sqlite',
      () => {
        open = openDatabase(join(mkdtempSync(join(tmpdir(), 'organism-store-')), 'journal.sqlite'), 'fast');
        return sqlite(open);
      },
    ],
  ];
}
