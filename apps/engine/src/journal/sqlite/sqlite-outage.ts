import { JournalError } from '../journal-error.ts';

/** Result codes that mean the file cannot be written or read now (disk full, I/O, read-only, locked). */
const OUTAGE_CODE = /^SQLITE_(FULL|IOERR|READONLY|BUSY)(_|$)/;
/** better-sqlite3's error for a connection that was closed (the engine is shutting down). */
const CLOSED = 'database connection is not open';

/** The SQLite error behind `err` (drizzle wraps it as `cause`) when it is an outage, not a bug. */
function outageOf(err: unknown): Error | undefined {
  for (let e = err; e instanceof Error; e = e.cause) {
    const code = (e as { code?: unknown }).code;
    if ((typeof code === 'string' && OUTAGE_CODE.test(code)) || e.message.includes(CLOSED)) return e;
  }
  return undefined;
}

/**
 * `err` as callers can act on it: a SQLite outage becomes JournalError JOURNAL_UNAVAILABLE (503 at the
 * API: try again later) saying what could not be done and why, with the SQLite error as its cause.
 * Anything else (a JournalError already, a constraint, a bug) is returned as it is.
 */
export function journalFault(err: unknown, doing: string): unknown {
  if (err instanceof JournalError) return err;
  const outage = outageOf(err);
  if (!outage) return err;
  const code = (outage as { code?: unknown }).code;
  const why =
    typeof code === 'string' && !outage.message.includes(code)
      ? `${code}: ${outage.message}`
      : outage.message;
  return new JournalError(
    'JOURNAL_UNAVAILABLE',
    `the journal cannot ${doing} now (${why}); try again later`,
    {
      cause: err,
    },
  );
}

/** Runs one journal operation; a SQLite outage it meets rejects as JOURNAL_UNAVAILABLE (see journalFault). */
export async function guarded<T>(doing: string, fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw journalFault(err, doing);
  }
}
