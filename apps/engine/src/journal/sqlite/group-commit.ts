import type Database from 'better-sqlite3';
import type { Log } from '@organism/shared';

type Op = () => void;

/**
 * Group commit: writes queue up and run together in one transaction, at the end of the current turn
 * of the event loop or as soon as `maxBatch` are waiting. One commit (one fsync in strict mode) then
 * serves many messages, which is how strict durability stays fast. `commit` resolves when its write
 * is durable; `enqueue` is for writes nobody waits on, still ordered with the others.
 */
export class GroupCommit {
  private ops: Op[] = [];
  private waiters: { resolve: () => void; reject: (e: unknown) => void }[] = [];
  private scheduled: NodeJS.Immediate | undefined;
  private failure: ((err: unknown) => void) | undefined;
  private outcome: ((err?: unknown) => void) | undefined;
  private closing: (() => void) | undefined;
  batches = 0;

  constructor(
    private readonly sqlite: Database.Database,
    private readonly maxBatch: number,
    private readonly log: Log,
  ) {}

  /** Called with any error a batch raised that no waiter took (e.g. only fire-and-forget writes). */
  onFailure(fn: (err: unknown) => void): void {
    this.failure = fn;
  }

  /**
   * Called after every batch, before its waiters hear of it: with no argument when it was committed,
   * with the error when it failed. This is how the journal's health is known.
   */
  onBatch(fn: (err?: unknown) => void): void {
    this.outcome = fn;
  }

  /** Runs inside every batch's transaction, after its writes: the last write of each batch. */
  beforeCommit(fn: () => void): void {
    this.closing = fn;
  }

  enqueue(op: Op): void {
    this.ops.push(op);
    this.schedule();
  }

  commit(op: Op): Promise<void> {
    const done = new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
    this.enqueue(op);
    return done;
  }

  /** Commits what is queued, then `op` in a transaction of its own: its failure fails nothing else. */
  commitAlone(op: Op): Promise<void> {
    this.flush();
    const done = this.commit(op);
    this.flush();
    return done;
  }

  /** Commits whatever is queued now. */
  flush(): void {
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = undefined;
    if (this.ops.length === 0) return;
    const ops = this.ops;
    const waiters = this.waiters;
    this.ops = [];
    this.waiters = [];
    try {
      // IMMEDIATE: take the write lock at BEGIN, where SQLite waits for another process's write (the
      // CLI adding a token) instead of failing with SQLITE_BUSY when a read would upgrade to a write.
      this.sqlite
        .transaction(() => {
          for (const op of ops) op();
          this.closing?.();
        })
        .immediate();
      this.batches++;
      this.report();
      for (const w of waiters) w.resolve();
    } catch (err) {
      this.report(err);
      for (const w of waiters) w.reject(err);
      if (waiters.length === 0) this.failure?.(err);
    }
  }

  /** Tells the batch watcher; a watcher that throws must not leave this batch's waiters hanging. */
  private report(err?: unknown): void {
    try {
      this.outcome?.(err);
    } catch (e) {
      this.log.error({ err: e }, 'journal batch watcher failed');
    }
  }

  private schedule(): void {
    if (this.ops.length >= this.maxBatch) this.flush();
    else this.scheduled ??= setImmediate(() => this.flush());
  }
}
