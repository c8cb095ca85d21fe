import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { openPostgres } from './postgres/open-postgres.ts';
import type { OpenPostgres } from './postgres/open-postgres.ts';
import { freshPostgres } from './postgres/postgres-test.ts';
import { openDatabase } from './sqlite/open-database.ts';
import type { OpenDatabase } from './sqlite/open-database.ts';

/**
 * For a store's shared tests (`describe.each`): its memory implementation, its SQLite one on a fresh
 * journal file, and its PostgreSQL one in a fresh schema of the test run's server. What a test opened
 * is closed after it.
 */
export function storeMakers<T>(
  memory: () => T,
  sqlite: (open: OpenDatabase) => T,
  postgres: (open: OpenPostgres) => T,
): [name: string, make: () => Promise<T>][] {
  const opened: (() => unknown)[] = [];
  afterEach(async () => {
    for (const close of opened.splice(0)) await close();
  });
  return [
    ['memory', () => Promise.resolve(memory())],
    [
      'sqlite',
      () => {
        const open = openDatabase(
          join(mkdtempSync(join(tmpdir(), 'organism-store-')), 'journal.sqlite'),
          'fast',
        );
        opened.push(() => open.close());
        return Promise.resolve(sqlite(open));
      },
    ],
    [
      'postgres',
      async () => {
        const open = await openPostgres(freshPostgres());
        opened.push(() => open.close());
        return postgres(open);
      },
    ],
  ];
}
