import type {
  DeadLettersInput,
  DeadLettersResult,
  JournalStats,
  Log,
  MessageDetail,
  MessageFilter,
  MessageListInput,
  MessageSummary,
  Page,
  RoutedTransition,
  ThreadListInput,
  ThreadSummary,
  ThroughputHistory,
  Transition,
} from '@organism/shared';
import type { Delivery } from '../../pump/delivery.ts';
import type { DispatchHooks } from '../../pump/dispatch-hooks.ts';
import type {
  FoundEntries,
  Journal,
  RecordedTransition,
  RecoveryPlan,
  RetryManyResult,
  BulkOptions,
  DiscardManyResult,
  UnfinishedEntry,
} from '../journal.ts';
import { stderrLog } from '../../pump/stderr-log.ts';
import { Checkpointer } from './checkpointer.ts';
import { openDatabase } from './open-database.ts';
import type { OpenDatabase } from './open-database.ts';
import { RouteCache, RoutedReads } from './route-cache.ts';
import { SqliteQueries } from './sqlite-queries.ts';
import { Statements } from './statements.ts';
import type { KnownEntries } from './statements.ts';
import { TransitionRates } from './transition-rates.ts';
import type { CountedRates } from '../throughput-history.ts';
import { BatchRunner, WriteRecorder } from './write-ops.ts';
import type { BatchValue } from './write-ops.ts';
import { WriteQueue } from './write-queue.ts';
import type { WriteSink } from './write-queue.ts';
import { WriterKeeper } from './writer-keeper.ts';
import type { Placement } from './writer-placement.ts';
import { guarded } from '../journal-outage.ts';
import { QueuedOperations, queuedHooks } from '../queued-journal.ts';
import { searchMessages } from './message-search.ts';
import type { SearchPage, SearchRequest } from '../search/search-request.ts';
import type { SqliteJournalOptions } from './sqlite-journal-options.ts';

/** How long a write waits for another connection's write to finish. */
const BUSY_TIMEOUT_MS = 2_000;

/**
 * The embedded journal: SQLite in WAL mode, hot path on prepared statements, group commit. Its methods
 * reject with JournalError JOURNAL_UNAVAILABLE when SQLite cannot write or read now (full disk, I/O
 * error, read-only file, busy past the timeout, closed connection), never with a raw SQLite error.
 */
export class SqliteJournal implements Journal {
  readonly durability: 'strict' | 'fast';
  readonly hooks: DispatchHooks;
  private readonly open: OpenDatabase;
  /** The engine's thread's own statements and batches: used until the writer thread takes over. */
  private readonly st: Statements;
  private readonly inline: WriteSink;
  private readonly writes: WriteQueue;
  private readonly queries: SqliteQueries;
  /** The event stream's reads, with the routes of the entries this journal wrote lately. */
  private readonly routed: RoutedReads;
  private readonly now: () => number;
  private readonly log: Log;
  private readonly opts: SqliteJournalOptions;
  private readonly ops: QueuedOperations;
  private readonly writeWatchers = new Set<(error?: unknown) => void>();
  private readonly rates: TransitionRates;
  private checkpointer: Checkpointer | undefined;
  private readonly writer: WriterKeeper;
  /** Batches committed, by either thread (the checkpointer looks at the WAL every 64th). */
  private batches = 0;
  readonly openedAt: number;

  constructor(opts: SqliteJournalOptions) {
    this.opts = opts;
    this.durability = opts.durability;
    this.now = opts.now ?? Date.now;
    this.openedAt = this.now();
    this.rates = new TransitionRates(this.openedAt);
    this.rates.live(this.now);
    this.open = openDatabase(opts.path, opts.durability, { busyTimeoutMs: BUSY_TIMEOUT_MS });
    const st = (this.st = new Statements(this.open.sqlite, opts.textIndexBatch));
    const log = (this.log = opts.log ?? stderrLog('journal'));
    try {
      st.catchUpText();
    } catch (err) {
      // Searches still find those entries, and the first batch indexes them.
      log.warn({ err }, 'the text index could not take the entries the last run left it');
    }
    const runner = new BatchRunner(this.open.sqlite, st);
    this.inline = {
      run: (ops, done) => {
        let value: BatchValue | undefined;
        try {
          value = runner.run(ops);
        } catch (error) {
          return done({ error });
        }
        done({ value });
      },
      activate: () => {
        // What this connection's statements knew of unfinished entries is stale once the other one wrote.
        st.forget();
        this.checkpointer?.moveTo(this.open.sqlite);
      },
      depth: 1,
      batchLimit: opts.maxBatch ?? 1024,
      // One commit holds the engine's thread only so long.
      mergeLimit: opts.maxBatch ?? 1024,
      synchronous: true,
    };
    const routes = new RouteCache();
    const recorder = new WriteRecorder(
      this.now,
      (state, at, attempt) => this.rates.add(state, at, attempt),
      routes,
    );
    this.writes = new WriteQueue(this.inline, recorder, log);
    this.checkpointer = opts.path === ':memory:' ? undefined : this.newCheckpointer();
    this.writes.onBatch((err) => {
      for (const fn of this.writeWatchers) fn(err);
      if (err === undefined) {
        this.checkpointer?.afterBatch(++this.batches);
        this.writer.afterBatch();
      }
    });
    // With a watcher, failures are its business (the engine reports an outage once, not per write).
    this.writes.onFailure((err) => {
      if (this.writeWatchers.size === 0) log.error({ err }, 'journal write failed');
    });
    this.queries = new SqliteQueries(this.open.db, this.open.sqlite);
    this.routed = new RoutedReads(this.open.sqlite, routes);
    this.writer = new WriterKeeper({
      opts,
      busyTimeoutMs: BUSY_TIMEOUT_MS,
      writes: this.writes,
      inline: this.inline,
      handOver: () => st.handOver(),
      checkpointer: () => this.checkpointer,
      log,
    });
    this.ops = new QueuedOperations(this.writes, this.queries, this.now, opts.pruneChunk ?? 5_000);
    this.hooks = queuedHooks(this.writes, this.now, this.ops.redelivered);
  }

  /** The engine's connection, for the stores that share this file in this process. */
  get database(): OpenDatabase {
    return this.open;
  }

  /** Where batches are committed now (WriterKeeper.state). */
  get writerState(): 'inline' | 'starting' | 'standby' | 'thread' {
    return this.writer.state;
  }

  /** Commits the next batches on the engine's thread or on the writer thread (WriterKeeper.place). */
  placeWrites(where: Placement): void {
    this.writer.place(where);
  }

  /** Ends the writer thread as a crash would: the journal goes on writing on the engine's thread (tests). */
  async killWriterThread(): Promise<void> {
    await this.writer.kill();
  }

  private newCheckpointer(): Checkpointer {
    const strict = this.durability === 'strict';
    return new Checkpointer(this.open.sqlite, this.opts.path, strict, this.log, this.opts.checkpoints);
  }

  unfinished(): Promise<UnfinishedEntry[]> {
    return guarded('read unfinished entries', async () => {
      await this.flush();
      const known: KnownEntries = { ids: [], states: [], rows: [] };
      const entries = this.queries.unfinished((id, state, row) => {
        known.ids.push(id);
        known.states.push(state);
        known.rows.push(row);
      });
      // Their moves then need not read each state again (one read per move of 100,000 redeliveries),
      // and find their rows by rowid.
      this.writes.enqueue((w) => w.known(known));
      return entries;
    });
  }

  recordRecovery(plan: RecoveryPlan): Promise<void> {
    return this.ops.recordRecovery(plan);
  }

  countUnfinished(listener: string): Promise<number> {
    return guarded('count unfinished entries', async () => {
      await this.flush();
      return this.queries.countUnfinished(listener);
    });
  }

  exhaust(id: string, detail: string): Promise<void> {
    return this.ops.exhaust(id, detail);
  }
  retry(id: string, note?: string): Promise<Delivery> {
    return this.ops.retry(id, note);
  }
  retryMany(
    filter: MessageFilter,
    opts: BulkOptions,
    onRetried?: (ds: readonly Delivery[]) => void | Promise<void>,
  ): Promise<RetryManyResult> {
    return this.ops.retryMany(filter, opts, onRetried);
  }
  discard(id: string, note?: string): Promise<void> {
    return this.ops.discard(id, note);
  }
  discardMany(filter: MessageFilter, opts: BulkOptions): Promise<DiscardManyResult> {
    return this.ops.discardMany(filter, opts);
  }
  prune(cutoff: number): Promise<number> {
    return this.ops.prune(cutoff);
  }

  stats(now = this.now()): Promise<JournalStats> {
    return guarded('read its statistics', () => ({
      durability: this.durability,
      ...this.queries.stats(),
      ratePerSecond: this.rates.perSecond(now),
    }));
  }
  throughput(now = this.now()): Promise<ThroughputHistory> {
    // The process lives in the second it answers in, whether or not its timer has said so yet (a busy
    // event loop holds the timer, not this call).
    this.rates.alive(this.now());
    return Promise.resolve(this.rates.history(now));
  }
  get countsFile(): string | undefined {
    return this.opts.path === ':memory:' ? undefined : `${this.opts.path}.counted.json`;
  }
  counted(): CountedRates {
    return this.rates.counted(this.now());
  }
  restoreCounted(before: CountedRates): void {
    this.rates.restore(before);
  }
  listMessages(input: MessageListInput): Promise<Page<MessageSummary>> {
    return guarded('list messages', () => this.queries.listMessages(input));
  }
  listThreads(input: ThreadListInput): Promise<Page<ThreadSummary>> {
    return guarded('list threads', () => this.queries.listThreads(input));
  }
  getMessage(id: string): Promise<MessageDetail | undefined> {
    return guarded(`read entry ${id}`, () => this.queries.getMessage(id));
  }
  transitions(afterSeq: number, limit: number): Promise<Transition[]> {
    return guarded('read transitions', () => this.queries.transitions(afterSeq, limit));
  }
  routedTransitions(afterSeq: number, limit: number): Promise<RoutedTransition[]> {
    return guarded('read transitions', () => this.routed.read(afterSeq, limit));
  }
  recordedTransitions(afterSeq: number, limit: number): Promise<RecordedTransition[]> {
    return guarded('read transitions', () => this.queries.recordedTransitions(afterSeq, limit));
  }
  headSeq(): Promise<number> {
    return guarded('read the last sequence number', () => this.queries.headSeq());
  }
  deadLetters(input: DeadLettersInput): Promise<DeadLettersResult> {
    return guarded('group dead letters', () => this.queries.deadLetters(input));
  }
  latestFailures(limit: number): Promise<MessageSummary[]> {
    return guarded('list the latest failures', () => this.queries.latestFailures(limit));
  }
  find(q: string, limit: number): Promise<FoundEntries> {
    return guarded('find entries', () => this.queries.find(q, limit));
  }
  search(req: SearchRequest): Promise<SearchPage> {
    return guarded('search entries', () => searchMessages(this.open.db, this.open.sqlite, req));
  }

  watchWrites(fn: (error?: unknown) => void): () => void {
    this.writeWatchers.add(fn);
    return () => void this.writeWatchers.delete(fn);
  }

  probe(): Promise<void> {
    return this.writes.commitAlone((w) => w.probe()).then(() => undefined);
  }

  flush(): Promise<void> {
    return this.writes.flush();
  }

  /** Checkpoints made off the engine's thread so far (by the checkpointer's thread). */
  get backgroundCheckpoints(): number {
    return this.checkpointer?.checkpoints ?? 0;
  }

  async close(): Promise<void> {
    await this.flush();
    this.rates.stop();
    await this.writer.close();
    await this.checkpointer?.close();
    this.open.sqlite.pragma('wal_checkpoint(TRUNCATE)');
    this.open.close();
  }
}
