import { JournalError } from './journal-error.ts';

/**
 * Codes that mean the journal cannot be written or read now, not that the request was wrong. SQLite's
 * result codes: disk full, I/O, read-only, locked. PostgreSQL's SQLSTATEs: connection exceptions (08),
 * insufficient resources such as a full disk (53), the server shutting down or starting (57P01-57P03), a
 * read-only server (25006, a standby). Node's socket errors on the way to the server.
 */
const OUTAGE_CODE =
  /^(SQLITE_(FULL|IOERR|READONLY|BUSY)(_|$)|08...$|53...$|57P0[123]$|25006$|E(CONNREFUSED|CONNRESET|TIMEDOUT|PIPE|NOTFOUND|HOSTUNREACH|AI_AGAIN)$)/;
/**
 * Errors without a code for a connection that is gone: better-sqlite3's closed connection (the engine is
 * shutting down), and node-postgres's lost, closed or unobtainable connections.
 */
const CLOSED =
  /database connection is not open|Connection terminated|Client was closed|timeout exceeded when trying to connect|Cannot use a pool after calling end/;

/** The database error behind `err` (drizzle wraps it as `cause`) when it is an outage, not a bug. */
function outageOf(err: unknown): Error | undefined {
  for (let e = err; e instanceof Error; e = e.cause) {
    const code = (e as { code?: unknown }).code;
    if ((typeof code === 'string' && OUTAGE_CODE.test(code)) || CLOSED.test(e.message)) return e;
  }
  return undefined;
}

/**
 * `err` as callers can act on it: an outage (SQLite or PostgreSQL) becomes JournalError JOURNAL_UNAVAILABLE (503 at the
 * API: try again later) saying what could not be done and why, with the database's error as its cause.
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

/** Runs one journal operation; an outage it meets rejects as JOURNAL_UNAVAILABLE (see journalFault). */
export async function guarded<T>(doing: string, fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw journalFault(err, doing);
  }
}
