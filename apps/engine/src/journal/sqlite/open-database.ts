import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import type { BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { JournalError } from '../journal-error.ts';

const MIGRATIONS = join(dirname(fileURLToPath(import.meta.url)), '../../../drizzle');

export interface OpenDatabase {
  sqlite: Database.Database;
  db: BetterSQLite3Database;
}

/**
 * Opens (creating if needed) the journal file in WAL mode, takes an exclusive lock so no second engine
 * can write it, and applies the committed migrations. Every way this can fail at start (corrupt file,
 * locked by another process, read-only place) becomes a JournalError that says which and where.
 */
export function openDatabase(path: string, durability: 'strict' | 'fast'): OpenDatabase {
  if (path !== ':memory:') {
    try {
      mkdirSync(dirname(path), { recursive: true });
    } catch (err) {
      throw unavailable(path, `cannot create its folder ${dirname(path)}`, err);
    }
  }
  let sqlite: Database.Database | undefined;
  try {
    sqlite = new Database(path, { timeout: 250 });
    sqlite.pragma('locking_mode = EXCLUSIVE');
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma(`synchronous = ${durability === 'strict' ? 'FULL' : 'NORMAL'}`);
    sqlite.pragma('foreign_keys = ON');
    // Checkpoint the WAL in larger steps: every checkpoint syncs the database file, and with ~1 KB
    // payloads the default (1,000 pages) checkpoints several times a second under load.
    sqlite.pragma('wal_autocheckpoint = 10000');
    sqlite.pragma('cache_size = -65536');
    // The exclusive lock is taken by the first write: take it now, so a second engine fails here.
    sqlite.exec('BEGIN IMMEDIATE; COMMIT;');
    const db = drizzle(sqlite);
    migrate(db, { migrationsFolder: MIGRATIONS });
    return { sqlite, db };
  } catch (err) {
    sqlite?.close();
    if (err instanceof JournalError) throw err;
    throw classify(path, err);
  }
}

function classify(path: string, err: unknown): JournalError {
  const code = (err as { code?: string }).code ?? '';
  if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT')
    return unavailable(path, 'is corrupt or not a SQLite database', err);
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return unavailable(path, 'is locked by another process (is another engine running on it?)', err);
  }
  if (code.startsWith('SQLITE_READONLY'))
    return unavailable(path, 'is read-only: the engine must be able to write it', err);
  if (code.startsWith('SQLITE_CANTOPEN'))
    return unavailable(path, 'cannot be opened for writing (missing permission or read-only place)', err);
  return unavailable(path, 'cannot be opened', err);
}

function unavailable(path: string, what: string, cause: unknown): JournalError {
  const reason = cause instanceof Error ? `: ${cause.message}` : '';
  return new JournalError('JOURNAL_UNAVAILABLE', `journal ${path} ${what}${reason}`, { cause });
}
