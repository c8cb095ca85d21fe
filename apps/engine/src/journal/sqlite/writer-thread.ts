import { Worker } from 'node:worker_threads';
import type { EventLoopUtilization } from 'node:perf_hooks';
import type { Log } from '@organism/shared';
import { JournalError } from '../journal-error.ts';
import type { CheckpointerOptions, CommittingConnection } from './checkpointer.ts';
import type { KnownEntries } from './statements.ts';
import type { WriteOp } from './write-ops.ts';
import type { BatchOutcome, WriteSink } from './write-queue.ts';
import { revived } from './writer-protocol.ts';
import type { FromWriter, ToWriter, WriterData } from './writer-protocol.ts';

const ENTRY = new URL('./writer-worker.mjs', import.meta.url);
/**
 * Batches out at once: the thread commits one while the next waits there, and this thread merges all
 * else into the one after. More made strict mode fsync per small batch (measured in bench/NOTES.md,
 * "The journal's writer thread").
 */
const DEPTH = 2;
/**
 * Writes per batch at most: a batch is sent once this many are waiting, even mid-turn, so that the
 * thread starts on it while this thread goes on.
 */
const BATCH_LIMIT = 256;
/**
 * Writes a batch holds at most once merged with those waiting behind it: no bound, since a busy thread
 * commits large batches for less a write (bounded at 512, the 4-hop chain ran 12-32% slower). The write
 * queue sizes each merge from what is out and what waits instead (`WriteQueue`'s `mergeLimit`).
 */
const MERGE_LIMIT = Infinity;

export interface WriterThreadOptions {
  path: string;
  strict: boolean;
  busyTimeoutMs: number;
  checkpoints?: CheckpointerOptions;
  /** Entries written before the text index takes them (text-index.ts). */
  textIndexBatch?: number;
  /** Called once the thread has opened its connection and takes batches. */
  onReady: () => void;
  /**
   * What the connection that committed until now knows of unfinished entries, asked as the write queue
   * hands the thread its batches (`activate`): their states and rowids hold, since it committed them.
   */
  handOver?: () => KnownEntries;
  /** Called as the write queue hands it batches after another connection committed them (`activate`). */
  onActive?: () => void;
  /** Called once if the thread fails or exits unasked; the batches it had are failed first. */
  onLost: (err: Error) => void;
}

/**
 * The journal's writer thread, as a sink of the write queue: each batch is sent as plain data and
 * committed by writer-worker.ts on a connection of its own (and fsynced there in strict mode), while the
 * engine's thread goes on parsing, validating and dispatching. Up to DEPTH batches are out at once,
 * answered in order. The thread keeps the process alive only while it has a batch.
 */
export class WriterThread implements WriteSink, CommittingConnection {
  private readonly worker: Worker;
  private seq = 0;
  /** Batches sent and not yet answered, oldest first. */
  private readonly pending: { seq: number; done: (outcome: BatchOutcome) => void }[] = [];
  /** Batches answered and not yet told to the write queue (see `settle`). */
  private readonly answered: (() => void)[] = [];
  private settling: NodeJS.Immediate | undefined;
  readonly depth = DEPTH;
  readonly batchLimit = BATCH_LIMIT;
  readonly mergeLimit = MERGE_LIMIT;
  private closing = false;
  private gone = false;
  private readonly log: Log;
  private readonly opts: WriterThreadOptions;
  /** Once its connection is open and it takes batches. */
  ready = false;
  private lastUtilization: EventLoopUtilization | undefined;

  constructor(opts: WriterThreadOptions, log: Log) {
    this.opts = opts;
    this.log = log;
    const workerData: WriterData = {
      path: opts.path,
      strict: opts.strict,
      busyTimeoutMs: opts.busyTimeoutMs,
      checkpoints: opts.checkpoints,
      textIndexBatch: opts.textIndexBatch,
    };
    this.worker = new Worker(ENTRY, { name: 'organism-journal-writer', workerData });
    this.worker.on('message', (m: FromWriter) => this.answer(m));
    this.worker.on('error', (err) => this.lost(err));
    this.worker.on('exit', (code) => this.lost(new Error(`it exited with code ${code}`)));
    this.hold(false);
  }

  run(ops: WriteOp[], done: (outcome: BatchOutcome) => void): void {
    if (this.gone) return done({ error: new Error("the journal's writer thread has stopped") });
    const seq = ++this.seq;
    this.pending.push({ seq, done });
    this.hold(true);
    this.send({ type: 'batch', seq, ops });
  }

  /**
   * Becomes the write queue's sink: what the thread's statements knew of unfinished entries is stale
   * if the engine's connection committed since, so they start afresh, from what that connection knew.
   */
  activate(): void {
    this.forget();
    const known = this.opts.handOver?.();
    if (known) this.learn(known);
    this.opts.onActive?.();
  }

  /** Runs `sql` on the thread's connection after the batches sent before it (the checkpointer's). */
  pragma(sql: string): void {
    if (!this.gone) this.send({ type: 'pragma', sql });
  }

  /** What the engine's connection knew of unfinished entries when it handed the commits over. */
  private learn(known: KnownEntries): void {
    if (!this.gone && known.ids.length > 0) this.send({ type: 'known', ...known });
  }

  /** Before the first batch after another connection committed: the thread's statements start afresh. */
  forget(): void {
    if (!this.gone) this.send({ type: 'forget' });
  }

  /** How busy the thread's event loop was since the last call (0 to 1). */
  utilization(): number {
    const now = this.worker.performance.eventLoopUtilization();
    const since = this.lastUtilization
      ? this.worker.performance.eventLoopUtilization(now, this.lastUtilization)
      : now;
    this.lastUtilization = now;
    return since.utilization;
  }

  /** Closes the thread's connection (after its last batch) and ends it. */
  async close(): Promise<void> {
    if (this.gone) return;
    this.closing = true;
    this.hold(true);
    let timer: NodeJS.Timeout | undefined;
    const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    this.send({ type: 'close' });
    await Promise.race([exited, new Promise((r) => (timer = setTimeout(r, 5_000)))]);
    clearTimeout(timer);
    await this.worker.terminate();
    this.worker.removeAllListeners('message');
  }

  /** Ends the thread at once, as a crash would. */
  async kill(): Promise<void> {
    await this.worker.terminate();
    this.worker.removeAllListeners('message');
  }

  private send(m: ToWriter): void {
    this.worker.postMessage(m);
  }

  private answer(m: FromWriter): void {
    switch (m.type) {
      case 'ready':
        this.ready = true;
        return this.opts.onReady();
      case 'done': {
        const pending = this.pending[0];
        if (!pending || pending.seq !== m.seq) return;
        this.pending.shift();
        if (!this.closing && this.pending.length === 0) this.hold(false);
        this.answered.push(() => pending.done(m.error ? { error: revived(m.error) } : { value: m.value }));
        this.settling ??= setImmediate(() => this.settle());
        return;
      }
      case 'log':
        return this.log[m.level](m.err ? { err: revived(m.err) } : {}, m.message);
      case 'closed':
        return;
    }
  }

  /**
   * Tells the write queue of the batches answered, from a turn of the event loop of their own. Node
   * delivers a thread's messages in runs of at least 1,000 without returning to the event loop, and each
   * batch's waiters record the next: told as each answer came, a busy engine ran its timers and read
   * its sockets only every second or so.
   */
  private settle(): void {
    this.settling = undefined;
    for (const done of this.answered.splice(0)) done();
  }

  private lost(err: Error): void {
    if (this.gone) return;
    this.gone = true;
    if (this.closing) return;
    void this.worker.terminate();
    this.worker.removeAllListeners('message');
    // Batches are told of in order: those it answered before those it never will.
    clearImmediate(this.settling);
    this.settle();
    const pending = this.pending.splice(0);
    // Unavailable, not a bug of the write: the producer may try again (503), and the journal goes on.
    const why = new JournalError(
      'JOURNAL_UNAVAILABLE',
      `the journal's writer thread stopped before it answered (${err.message}); try again`,
      { cause: err },
    );
    for (const p of pending) p.done({ error: why });
    this.opts.onLost(why);
  }

  /** Keeps the process alive while a batch is out (an answer is awaited), and only then. */
  private hold(on: boolean): void {
    if (on) this.worker.ref();
    else this.worker.unref();
  }
}
