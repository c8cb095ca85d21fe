import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import type { BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { JournalError } from '../journal-error.ts';
import { payloadText } from '../search/payload-text.ts';
import { EngineLock } from './engine-lock.ts';

const MIGRATIONS = join(dirname(fileURLToPath(import.meta.url)), '../../../drizzle');

export interface OpenDatabase {
  sqlite: Database.Database;
  db: BetterSQLite3Database;
  /** Closes the connection, then releases the engine lock if this connection holds it. */
  close(): void;
}

export interface OpenDatabaseOptions {
  /**
   * Whether this connection is an engine's: it then holds the journal's engine lock (see EngineLock)
   * for as long as it is open, so a second engine on the file is refused. Default true; the CLI's
   * user and token commands pass false and work beside a running engine.
   */
  engineLock?: boolean;
  /** How long a write waits for another connection's write to finish. Default 2,000 ms. */
  busyTimeoutMs?: number;
}

/**
 * Opens (creating if needed) the journal file in WAL mode and applies the committed migrations. An
 * engine's connection first takes the engine lock. Every way this can fail at start (corrupt file,
 * another engine on it, read-only place) becomes a JournalError that says which and where.
 */
export function openDatabase(
  path: string,
  durability: 'strict' | 'fast',
  opts: OpenDatabaseOptions = {},
): OpenDatabase {
  const memory = path === ':memory:';
  if (!memory) {
    try {
      mkdirSync(dirname(path), { recursive: true });
    } catch (err) {
      // In the way or not allowed (a file where the folder goes, a read-only place): no retry will do.
      const lasting = FOLDER_FOR_GOOD.has((err as { code?: string }).code ?? '');
      throw unavailable(path, `cannot create its folder ${dirname(path)}`, err, lasting);
    }
  }
  const lock = !memory && (opts.engineLock ?? true) ? EngineLock.acquire(path) : undefined;
  let sqlite: Database.Database | undefined;
  try {
    // Normal (shared) locking with WAL: readers never block the writer, and a second process (the
    // CLI) can add users and tokens while the engine runs. Writers queue for up to the busy timeout;
    // the operator commands' transactions are tiny.
    sqlite = new Database(path, { timeout: opts.busyTimeoutMs ?? 2_000 });
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma(`synchronous = ${durability === 'strict' ? 'FULL' : 'NORMAL'}`);
    sqlite.pragma('foreign_keys = ON');
    // Checkpoint the WAL in larger steps: every checkpoint syncs the database file, and with ~1 KB
    // payloads the default (1,000 pages) checkpoints several times a second under load. The journal
    // moves them to a thread of their own once the WAL grows (checkpointer.ts).
    sqlite.pragma('wal_autocheckpoint = 10000');
    sqlite.pragma('cache_size = -65536');
    // What the text index holds of a payload; the migration that made the index backfills with it.
    sqlite.function('organism_payload_text', { deterministic: true }, (xml) =>
      typeof xml === 'string' ? payloadText(xml) : null,
    );
    const db = drizzle(sqlite);
    migrate(db, { migrationsFolder: MIGRATIONS });
    const connection = sqlite;
    return {
      sqlite,
      db,
      close: () => {
        try {
          connection.close();
        } finally {
          lock?.release();
        }
      },
    };
  } catch (err) {
    sqlite?.close();
    lock?.release();
    if (err instanceof JournalError) throw err;
    throw classify(path, err);
  }
}

function classify(path: string, err: unknown): JournalError {
  const code = (err as { code?: string }).code ?? '';
  if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT')
    return unavailable(path, 'is corrupt or not a SQLite database', err, true);
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return unavailable(
      path,
      'is locked by another process (a tool holding a write transaction, or an older engine)',
      err,
    );
  }
  if (code.startsWith('SQLITE_READONLY'))
    return unavailable(path, 'is read-only: the engine must be able to write it', err, true);
  if (code.startsWith('SQLITE_CANTOPEN'))
    return unavailable(
      path,
      'cannot be opened for writing (missing permission or read-only place)',
      err,
      true,
    );
  return unavailable(path, 'cannot be opened', err);
}

/** The journal at `path` cannot be used; `lasting` when only someone changing the file or its place helps. */
/** Why a journal's folder cannot be made that stays so until someone changes something. */
const FOLDER_FOR_GOOD = new Set(['EACCES', 'EPERM', 'EROFS', 'EEXIST', 'ENOTDIR']);

function unavailable(path: string, what: string, cause: unknown, lasting = false): JournalError {
  const reason = cause instanceof Error ? `: ${cause.message}` : '';
  return new JournalError('JOURNAL_UNAVAILABLE', `journal ${path} ${what}${reason}`, { cause, lasting });
}
