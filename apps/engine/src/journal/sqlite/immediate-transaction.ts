import type Database from 'better-sqlite3';

/** The waits between two tries for the write lock, in ms, then `LATER_MS` apart. */
const FIRST_MS = [0.05, 0.1, 0.2];
const LATER_MS = 0.5;
const nap = new Int32Array(new SharedArrayBuffer(4));

/** SQLITE_BUSY and its extended codes (SQLITE_BUSY_RECOVERY while another connection recovers the WAL). */
const isBusy = (err: unknown): boolean =>
  typeof (err as { code?: unknown }).code === 'string' &&
  (err as { code: string }).code.startsWith('SQLITE_BUSY');

/**
 * Runs a function in an IMMEDIATE transaction on `sqlite`, waiting for the write lock another connection
 * holds (the command line adding a token, the other journal connection's write, a checkpoint that starts
 * the WAL over) by trying again at most half a millisecond apart, for as long as the connection's busy timeout.
 *
 * SQLite's own busy handler sleeps 1, 2, 5, 10, 15, 20, 25… ms between tries, and wakes only at the end of
 * one: a lock held 9 ms kept a writer waiting 18.5 ms, one held 20 ms 33.6 ms (bench/NOTES.md, "Waiting
 * for the write lock"). The journal's batches and the operators' writes begin this way; the connection
 * keeps its busy timeout for everything else, and only this BEGIN is tried without it.
 */
export class ImmediateTransaction {
  private readonly begin: Database.Statement;
  private readonly commit: Database.Statement;
  private readonly rollback: Database.Statement;
  /** The connection's busy timeout, in ms, as it was opened with. */
  private readonly timeoutMs: number;

  constructor(private readonly sqlite: Database.Database) {
    this.begin = sqlite.prepare('BEGIN IMMEDIATE');
    this.commit = sqlite.prepare('COMMIT');
    this.rollback = sqlite.prepare('ROLLBACK');
    this.timeoutMs = Number(sqlite.pragma('busy_timeout', { simple: true }));
  }

  /** Runs `body`, commits and returns its value; rolls back and throws what it, BEGIN or COMMIT threw. */
  run<T>(body: () => T): T {
    this.takeWriteLock();
    try {
      const value = body();
      this.commit.run();
      return value;
    } catch (err) {
      if (this.sqlite.inTransaction) this.rollback.run();
      throw err;
    }
  }

  /**
   * BEGIN IMMEDIATE, tried again while another connection writes; past the busy timeout it throws
   * SQLite's SQLITE_BUSY ("database is locked"), as the busy handler would have. A `PRAGMA busy_timeout`
   * takes effect as it is prepared, not when run: it is set anew each time (about 5 µs the pair).
   */
  private takeWriteLock(): void {
    this.sqlite.pragma('busy_timeout = 0');
    try {
      const deadline = performance.now() + this.timeoutMs;
      for (let tries = 0; ; tries++) {
        try {
          this.begin.run();
          return;
        } catch (err) {
          if (!isBusy(err) || performance.now() >= deadline) throw err;
        }
        Atomics.wait(nap, 0, 0, FIRST_MS[tries] ?? LATER_MS);
      }
    } finally {
      this.sqlite.pragma(`busy_timeout = ${this.timeoutMs}`);
    }
  }
}
