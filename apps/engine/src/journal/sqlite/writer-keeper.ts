import { performance } from 'node:perf_hooks';
import type { Log } from '@organism/shared';
import type { Checkpointer } from './checkpointer.ts';
import type { KnownEntries } from './statements.ts';
import type { SqliteJournalOptions, WriterThreadPolicy } from './sqlite-journal-options.ts';
import type { WriteQueue, WriteSink } from './write-queue.ts';
import { WriterThread } from './writer-thread.ts';
import { PLACEMENT_TICK_MS, WriterPlacement } from './writer-placement.ts';
import type { Placement } from './writer-placement.ts';

/**
 * Writes committed on the engine's thread before the writer thread starts (`writerThread: 'auto'`): a
 * thread costs about 0.3 s of CPU to start (0.4 MB of code loaded again, a second connection), worth
 * it for a busy journal, not for a quiet organism or a test.
 */
const THREAD_AFTER = 4_096;

/** What the keeper works with: the journal's queue, its inline sink, and what a thread needs to start. */
export interface WriterKeeperDeps {
  opts: SqliteJournalOptions;
  busyTimeoutMs: number;
  writes: WriteQueue;
  /** The engine's thread's own sink, which the queue goes back to when the thread is not used. */
  inline: WriteSink;
  /** The unfinished entries the engine's connection knew, for the thread's first batch. */
  handOver: () => KnownEntries;
  checkpointer: () => Checkpointer | undefined;
  log: Log;
}

/**
 * The SQLite journal's writer thread, kept: started by its policy (`writerThread`), handed the batches
 * once it is ready (or, `adaptive`, while the engine's thread is busy), and, should it fail, given up for
 * the engine's thread for good.
 */
export class WriterKeeper {
  private thread: WriterThread | undefined;
  private threaded = false;
  private failed = false;
  private placing: NodeJS.Timeout | undefined;

  constructor(private readonly deps: WriterKeeperDeps) {
    if (this.policy !== 'auto' && this.policy !== 'never') this.start();
  }

  /**
   * Where batches are committed now: on the engine's thread (with no writer thread, or one `starting`,
   * or one ready on `standby`), or on the writer thread.
   */
  get state(): 'inline' | 'starting' | 'standby' | 'thread' {
    if (this.threaded) return 'thread';
    if (!this.thread) return 'inline';
    return this.thread.ready ? 'standby' : 'starting';
  }

  /** After each committed batch: an `auto` journal starts its thread once it has written enough. */
  afterBatch(): void {
    if (!this.thread && this.policy === 'auto' && this.deps.writes.writes >= THREAD_AFTER) this.start();
  }

  /**
   * Commits the next batches on the engine's thread or on the writer thread (once it is ready), after
   * those already given to the other: what an adaptive journal's ticks decide (writer-placement.ts).
   */
  place(where: Placement): void {
    const thread = this.thread;
    if (where === 'thread' && thread?.ready && !this.threaded) this.use(thread);
    else if (where === 'engine' && this.threaded) {
      this.threaded = false;
      this.deps.writes.use(this.deps.inline);
    }
  }

  /** Ends the writer thread as a crash would: the journal goes on writing on the engine's thread (tests). */
  async kill(): Promise<void> {
    await this.thread?.kill();
  }

  /** Ends the thread once the queue is flushed: a thread still starting has nothing worth closing. */
  async close(): Promise<void> {
    const thread = this.thread;
    this.thread = undefined;
    clearInterval(this.placing);
    if (thread?.ready) await thread.close();
    else await thread?.kill();
  }

  private get policy(): WriterThreadPolicy {
    const { opts } = this.deps;
    if (opts.path === ':memory:' || this.failed) return 'never';
    const policy = opts.writerThread ?? 'auto';
    return policy === 'adaptive' && opts.durability === 'strict' ? 'early' : policy;
  }

  /**
   * Starts the writer thread. `auto` and `early` hand it the batches once it is ready (until then the
   * engine's thread goes on committing them); `adaptive` only while that thread is busy; `always` at once
   * (they wait for it).
   */
  private start(): void {
    const { opts } = this.deps;
    const thread = new WriterThread(
      {
        path: opts.path,
        strict: opts.durability === 'strict',
        busyTimeoutMs: this.deps.busyTimeoutMs,
        ...(opts.checkpoints ? { checkpoints: opts.checkpoints } : {}),
        ...(opts.textIndexBatch ? { textIndexBatch: opts.textIndexBatch } : {}),
        onReady: () => {
          if (this.thread !== thread || this.threaded) return;
          if (this.policy === 'adaptive') this.startPlacing(thread);
          else this.use(thread);
        },
        handOver: this.deps.handOver,
        onActive: () => this.deps.checkpointer()?.moveTo(thread),
        onLost: (err) => this.lost(thread, err),
      },
      this.deps.log,
    );
    this.thread = thread;
    if (this.policy === 'always') this.use(thread);
  }

  private use(thread: WriterThread): void {
    this.threaded = true;
    this.deps.writes.use(thread);
  }

  /** An adaptive journal looks at both event loops every tick, and moves the commits when they call for it. */
  private startPlacing(thread: WriterThread): void {
    const placement = new WriterPlacement();
    let last = performance.eventLoopUtilization();
    thread.utilization();
    this.placing = setInterval(() => {
      const now = performance.eventLoopUtilization();
      const engine = performance.eventLoopUtilization(now, last).utilization;
      last = now;
      const to = placement.tick(this.threaded ? 'thread' : 'engine', engine, thread.utilization());
      if (to) this.place(to);
    }, PLACEMENT_TICK_MS);
    this.placing.unref();
  }

  private lost(thread: WriterThread, err: Error): void {
    if (this.thread !== thread) return;
    this.thread = undefined;
    this.threaded = false;
    this.failed = true;
    clearInterval(this.placing);
    this.deps.log.error(
      { err },
      "the journal's writer thread failed; the engine's thread writes the journal again",
    );
    this.deps.writes.use(this.deps.inline);
  }
}
