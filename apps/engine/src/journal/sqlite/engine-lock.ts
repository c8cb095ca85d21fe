import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import Database from 'better-sqlite3';
import { JournalError } from '../journal-error.ts';

/**
 * One engine per journal. The journal file itself is shared (the CLI writes users and tokens into it
 * while the engine runs), so the engine holds a lock on a file beside it, `<journal>.lock`: a SQLite
 * database in EXCLUSIVE locking mode, written once at start, which keeps SQLite's exclusive file lock
 * until the connection closes. The kernel drops that lock when the process ends in any way, SIGKILL
 * included, so a crashed engine never leaves a stale lock behind (the file itself stays; it is harmless).
 */
export class EngineLock {
  private constructor(
    private readonly db: Database.Database,
    /** The lock file. */
    readonly file: string,
  ) {}

  /** Takes the lock for the journal at `journalPath`, or throws a JournalError naming the holder. */
  static acquire(journalPath: string): EngineLock {
    const file = `${journalPath}.lock`;
    let db: Database.Database | undefined;
    try {
      // No busy wait: if another engine holds it, it holds it for its whole life.
      db = new Database(file, { timeout: 0 });
      db.pragma('locking_mode = EXCLUSIVE');
      // The write takes the exclusive lock (kept in this mode) and leaves our pid in the file header
      // (user_version), where a refused engine can read it without SQLite.
      db.pragma(`user_version = ${process.pid}`);
      return new EngineLock(db, file);
    } catch (err) {
      db?.close();
      throw refused(journalPath, file, err);
    }
  }

  /**
   * Throws the same JournalError as `acquire` if an engine holds the lock now; returns if none does
   * (also when there is no lock file yet). For a check before starting one.
   */
  static probe(journalPath: string): void {
    if (!existsSync(`${journalPath}.lock`)) return;
    EngineLock.acquire(journalPath).release();
  }

  /** Lets another engine open the journal. Idempotent. */
  release(): void {
    if (this.db.open) this.db.close();
  }
}

function refused(journalPath: string, file: string, err: unknown): JournalError {
  const code = (err as { code?: string }).code ?? '';
  const reason = err instanceof Error ? err.message : String(err);
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    const pid = holderPid(file);
    return new JournalError(
      'JOURNAL_UNAVAILABLE',
      `journal ${journalPath} is in use by another engine (${pid ? `process ${pid}` : 'another process'}, holding ${file}): ` +
        'stop that engine first, or give this one its own journal.path',
      { cause: err },
    );
  }
  // A place this user may not write (a read-only folder, its permissions) stays so: no retry will do.
  const lasting = /^SQLITE_(CANTOPEN|READONLY|PERM|AUTH)/.test(code);
  return new JournalError(
    'JOURNAL_UNAVAILABLE',
    `journal ${journalPath}: its lock file ${file} cannot be opened for writing: ${reason}`,
    { cause: err, lasting },
  );
}

/** The pid the holder wrote into the header's user_version field (bytes 60–63, big-endian). */
function holderPid(file: string): number | undefined {
  try {
    const fd = openSync(file, 'r');
    try {
      const header = Buffer.alloc(64);
      if (readSync(fd, header, 0, 64, 0) < 64) return undefined;
      return header.readUInt32BE(60) || undefined;
    } finally {
      closeSync(fd);
    }
  } catch {
    return undefined;
  }
}
