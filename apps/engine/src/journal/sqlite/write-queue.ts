import type { Log } from '@organism/shared';
import type { BatchValue, WriteOp, WriteRecorder } from './write-ops.ts';

/** How a batch ended: committed (with its value, `BatchValue`) or failed. */
export interface BatchOutcome {
  error?: unknown;
  value?: BatchValue;
}

/** Where batches are committed: on this thread, at once, or on the writer thread (writer-thread.ts). */
export interface WriteSink {
  /**
   * Batches it may hold at once: 1 on this thread (each is committed before `run` returns); more on
   * the writer thread, so that it commits one while this thread goes on with the answer of another.
   */
  readonly depth: number;
  /** Writes a batch holds at most: once this many are waiting, a batch is sealed there and then. */
  readonly batchLimit: number;
  /** Writes a batch holds at most once merged with those sealed after it (`pump`). */
  readonly mergeLimit: number;
  /**
   * Commits before `run` returns (SQLite on the engine's thread). Such a sink is handed batches only
   * from a turn of the event loop of its own, never from the chain of promises that recorded them.
   */
  readonly synchronous?: boolean;
  /**
   * Commits `ops` and calls `done` with the outcome: before returning, or once the thread answers.
   * Batches are committed and answered in the order they were given.
   */
  run(ops: WriteOp[], done: (outcome: BatchOutcome) => void): void;
  /** Called as it becomes the queue's sink (`use`), before its first batch. */
  activate?(): void;
}

/** A batch merged beside one still out holds at most this many times that one (`mergeLimit`). */
const GROWTH = 2;
/** Sealed batches' worth of writes waiting beyond which everything waiting is merged (`mergeLimit`). */
const BACKLOG = 8;

interface Waiter {
  resolve: (value: BatchValue | undefined) => void;
  reject: (err: unknown) => void;
}

interface Batch {
  ops: WriteOp[];
  /** Callers of `commit`, told of the outcome. */
  waiters: Waiter[];
  /** Callers of `flush`, told once the batch has ended either way. */
  flushers: (() => void)[];
  /** Committed in a transaction of its own (`commitAlone`): never merged with another. */
  alone: boolean;
}

/**
 * Group commit: writes are recorded as they happen and committed together, one transaction (one fsync
 * in strict mode) for many messages. A batch is sealed at the end of the current turn of the event loop,
 * as soon as the sink's `batchLimit` writes are waiting, or, while the sink commits the previous batch on the writer
 * thread, when one is answered: what arrived meanwhile goes next, together. Batches run in order; the
 * writer thread holds a few at once (`depth`). `commit` resolves when its writes are durable; `enqueue` is for writes nobody waits on,
 * still ordered with the others.
 */
export class WriteQueue {
  private waiters: Waiter[] = [];
  private readonly sealed: Batch[] = [];
  /** Batches given to the sink and not yet answered, oldest first. */
  private readonly running: Batch[] = [];
  /** The sink that takes over once the batches given to the current one are answered (`use`). */
  private next: WriteSink | undefined;
  private pumping = false;
  private scheduled: NodeJS.Immediate | undefined;
  private failure: ((err: unknown) => void) | undefined;
  private outcome: ((err?: unknown) => void) | undefined;
  /** Writes committed. */
  writes = 0;

  constructor(
    private sink: WriteSink,
    private readonly recorder: WriteRecorder,
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

  /**
   * Commits the following batches on `sink`, once those given to the current sink are answered (none is
   * given to either meanwhile): batches are committed in order whichever sink commits them.
   */
  use(sink: WriteSink): void {
    this.next = sink === this.sink ? undefined : sink;
    this.pump();
  }

  enqueue(write: (w: WriteRecorder) => void): void {
    write(this.recorder);
    this.schedule();
  }

  commit(write: (w: WriteRecorder) => void): Promise<void> {
    // Methods, not arrow functions: tsx's esbuild names every arrow function assigned to a name or a
    // property, a property definition each time one is made (here, per commit).
    const done = new Promise<void>((resolve, reject) =>
      this.waiters.push({
        resolve() {
          resolve();
        },
        reject,
      }),
    );
    this.enqueue(write);
    return done;
  }

  /**
   * Commits what is queued, then `write` in a transaction of its own: its failure fails nothing else.
   * Resolves with the batch's value (`BatchValue`: how many entries a prune deleted, or the ids an
   * operator's actions left alone).
   */
  commitAlone(write: (w: WriteRecorder) => void): Promise<BatchValue | undefined> {
    this.seal();
    const done = new Promise<BatchValue | undefined>((resolve, reject) =>
      this.waiters.push({ resolve, reject }),
    );
    this.enqueue(write);
    this.seal(true);
    this.pump();
    return done;
  }

  /** Resolves once everything recorded so far has been committed (or has failed). */
  flush(): Promise<void> {
    this.seal();
    this.pump();
    const last = this.sealed.at(-1) ?? this.running.at(-1);
    if (!last) return Promise.resolve();
    return new Promise((resolve) => last.flushers.push(resolve));
  }

  private schedule(): void {
    if (this.recorder.ops.length >= this.sink.batchLimit) {
      this.seal();
      // Committed here, a synchronous sink would resolve its waiters within the chain of promises that
      // recorded the batch, and they would record the next: under load from within the process the
      // chain never ended, and timers, I/O and the writer thread's messages waited for seconds.
      if (!this.sink.synchronous) return this.pump();
    }
    this.scheduled ??= setImmediate(() => {
      this.scheduled = undefined;
      this.pump();
    });
  }

  /** Ends the batch being recorded: it is committed after those sealed before it. */
  private seal(alone = false): void {
    if (this.recorder.ops.length === 0 && this.waiters.length === 0) return;
    this.sealed.push({ ops: this.recorder.take(), waiters: this.waiters, flushers: [], alone });
    this.waiters = [];
  }

  /**
   * Hands the sink what is waiting, in order, while it has room: what is sealed and recorded up to the
   * next batch that must stay alone goes merged (one commit, one fsync, for all of it), as much of it as
   * `mergeLimit` says.
   */
  private pump(): void {
    if (this.pumping) return;
    this.pumping = true;
    try {
      if (this.next) {
        if (this.running.length > 0) return;
        this.sink = this.next;
        this.next = undefined;
        this.sink.activate?.();
      }
      while (this.running.length < this.sink.depth) {
        this.seal();
        const batch = this.sealed.shift();
        if (!batch) break;
        const limit = this.mergeLimit(batch);
        while (
          !batch.alone &&
          this.sealed[0] &&
          !this.sealed[0].alone &&
          batch.ops.length + this.sealed[0].ops.length <= limit
        ) {
          const next = this.sealed.shift()!;
          for (const op of next.ops) batch.ops.push(op);
          for (const w of next.waiters) batch.waiters.push(w);
          for (const f of next.flushers) batch.flushers.push(f);
        }
        this.running.push(batch);
        this.sink.run(batch.ops, (outcome) => {
          this.running.shift();
          this.settle(batch, outcome);
          this.pump();
        });
      }
    } finally {
      this.pumping = false;
    }
  }

  /**
   * Writes the batch going out now may hold once merged with those sealed after it. Merged whole, what
   * waited could go out as one batch that every message waited on: their next writes came back together,
   * and under a load from within the process the writer thread settled into that lock-step (batches of
   * 1,024, 256 and 256, one large one committed alone while this thread waited on it) at two thirds of
   * the throughput (bench/NOTES.md, "Batches merged behind the writer thread"). So:
   * - with more than one of the sink's slots free, what waits is shared among them;
   * - beside a batch still out, it holds at most twice that batch (sizes grow, but never all at once);
   * - unless more than `BACKLOG` batches' worth waits: a sink that far behind (the 4-hop chain's writer
   *   thread) commits large batches for less a write, and takes everything, up to its merge limit.
   */
  private mergeLimit(first: Batch): number {
    const free = this.sink.depth - this.running.length;
    let waiting = first.ops.length;
    for (const b of this.sealed) {
      if (b.alone) break;
      waiting += b.ops.length;
    }
    const ahead = this.running.at(-1);
    let limit = this.sink.mergeLimit;
    if (free > 1) limit = Math.ceil(waiting / free);
    else if (ahead && waiting <= BACKLOG * this.sink.batchLimit) limit = GROWTH * ahead.ops.length;
    return Math.min(this.sink.mergeLimit, Math.max(first.ops.length, limit));
  }

  private settle(batch: Batch, { error, value }: BatchOutcome): void {
    const failed = error !== undefined;
    if (!failed) this.writes += batch.ops.length;
    try {
      this.outcome?.(...(failed ? [error] : []));
    } catch (e) {
      // A watcher that throws must not leave this batch's waiters hanging.
      this.log.error({ err: e }, 'journal batch watcher failed');
    }
    for (const w of batch.waiters) {
      if (failed) w.reject(error);
      else w.resolve(value);
    }
    if (failed && batch.waiters.length === 0) this.failure?.(error);
    for (const f of batch.flushers) f();
  }
}
