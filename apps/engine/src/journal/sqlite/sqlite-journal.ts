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
import type { Delivery, DispatchFailure } from '../../pump/delivery.ts';
import type { DispatchHooks, FailureOutcome, Rejection } from '../../pump/dispatch-hooks.ts';
import type {
  FoundEntries,
  Journal,
  RecordedTransition,
  RecoveryPlan,
  RetryManyResult,
  UnfinishedEntry,
} from '../journal.ts';
import { JournalError } from '../journal-error.ts';
import { rejectionEntry } from '../rejection-record.ts';
import { recordExhausted, recordFailure, toDelivery, toSummary } from '../entry-record.ts';
import { stderrLog } from '../../pump/stderr-log.ts';
import { Checkpointer } from './checkpointer.ts';
import type { CheckpointerOptions } from './checkpointer.ts';
import { GroupCommit } from './group-commit.ts';
import { openDatabase } from './open-database.ts';
import type { OpenDatabase } from './open-database.ts';
import { SqliteQueries } from './sqlite-queries.ts';
import { Statements } from './statements.ts';
import { TransitionRates } from './transition-rates.ts';
import { writeProbe } from './write-probe.ts';
import { guarded } from './sqlite-outage.ts';
import { searchMessages } from './message-search.ts';
import type { SearchPage, SearchRequest } from '../search/search-request.ts';

/** How many entries a bulk retry shows. */
const SAMPLE = 5;

export interface SqliteJournalOptions {
  path: string;
  durability: 'strict' | 'fast';
  /** Most writes (state changes) in one group commit: about three per delivery. Default 1024. */
  maxBatch?: number;
  now?: () => number;
  /** Where write failures nobody else hears of are reported. Default: human lines on stderr. */
  log?: Log;
  /** When and how often the WAL is checkpointed off the engine's thread (checkpointer.ts). */
  checkpoints?: CheckpointerOptions;
}

/**
 * The embedded journal: SQLite in WAL mode, hot path on prepared statements, group commit. Its methods
 * reject with JournalError JOURNAL_UNAVAILABLE when SQLite cannot write or read now (full disk, I/O
 * error, read-only file, busy past the timeout, closed connection), never with a raw SQLite error.
 */
export class SqliteJournal implements Journal {
  readonly durability: 'strict' | 'fast';
  readonly hooks: DispatchHooks;
  private readonly open: OpenDatabase;
  private readonly st: Statements;
  private readonly writer: GroupCommit;
  private readonly queries: SqliteQueries;
  private readonly now: () => number;
  /** Deliveries handed back by boot recovery whose start is not yet committed. */
  private readonly redelivered = new Set<string>();
  private readonly writeWatchers = new Set<(error?: unknown) => void>();
  private readonly probeWrite: () => void;
  private readonly rates: TransitionRates;
  private readonly checkpointer: Checkpointer | undefined;

  constructor(opts: SqliteJournalOptions) {
    this.durability = opts.durability;
    this.now = opts.now ?? Date.now;
    this.rates = new TransitionRates(this.now());
    this.open = openDatabase(opts.path, opts.durability);
    this.st = new Statements(this.open.sqlite, (state, at, attempt) => this.rates.add(state, at, attempt));
    const log = opts.log ?? stderrLog('journal');
    this.writer = new GroupCommit(this.open.sqlite, opts.maxBatch ?? 1024, log);
    this.probeWrite = writeProbe(this.open.sqlite);
    // What the statements gathered is written last in each batch, and forgotten if it failed.
    this.writer.beforeCommit(() => this.st.writePending());
    this.checkpointer =
      opts.path === ':memory:'
        ? undefined
        : new Checkpointer(this.open.sqlite, opts.path, opts.durability === 'strict', log, opts.checkpoints);
    this.writer.onBatch((err) => {
      if (err !== undefined) this.st.forget();
      else this.checkpointer?.afterBatch(this.writer.batches);
      for (const fn of this.writeWatchers) fn(err);
    });
    // With a watcher, failures are its business (the engine reports an outage once, not per write).
    this.writer.onFailure((err) => {
      if (this.writeWatchers.size === 0) log.error({ err }, 'journal write failed');
    });
    this.queries = new SqliteQueries(this.open.db, this.open.sqlite);
    this.hooks = {
      onIntent: (ds) => this.writer.commit(() => this.addAll(ds)),
      onDispatched: (d) => {
        this.writer.enqueue(() => this.st.move(d.id, d.threadId, 'DISPATCHED', d.attempt, this.now()));
        // A redelivery's start is committed before its handler runs (the pump calls handlers in a later
        // microtask), so a handler that kills the process is counted. One commit serves the whole burst.
        if (this.redelivered.delete(d.id)) queueMicrotask(() => this.writer.flush());
      },
      onAcknowledged: (d, outputs) =>
        // Outputs first: the event log then shows a hop's outputs before its acknowledgement, so a
        // reader of the log (a durable extension) knows them when it reaches the ACKED transition.
        this.writer.commit(() => {
          this.addAll(outputs);
          this.st.move(d.id, d.threadId, 'ACKED', d.attempt, this.now());
        }),
      onFailed: (d, failure, outcome) => this.writer.commit(() => this.recordFailure(d, failure, outcome)),
      onRejected: (r) => this.writer.enqueue(() => this.recordRejection(r)),
    };
  }

  /** The engine's connection, for the stores that share this file in this process. */
  get database(): OpenDatabase {
    return this.open;
  }

  private addAll(ds: readonly Delivery[]): void {
    const now = this.now();
    for (const d of ds) this.st.add(d, now);
  }

  private recordFailure(d: Delivery, failure: DispatchFailure, outcome: FailureOutcome): void {
    const st = this.st;
    recordFailure(
      { move: (...a) => st.move(...a), log: (...a) => st.logOnly(...a), add: (ds) => this.addAll(ds) },
      d,
      failure,
      outcome,
      this.now(),
    );
  }

  private recordRejection(r: Rejection): void {
    const entry = rejectionEntry(r, this.now());
    this.st.insertRow(entry);
    this.st.logOnly(entry.id, entry.threadId, 'FAILED', 0, entry.createdAt, {
      code: r.error.code,
      detail: entry.errorDetail,
    });
  }

  unfinished(): Promise<UnfinishedEntry[]> {
    return guarded('read unfinished entries', async () => {
      await this.flush();
      return this.queries.unfinished((id, state) => this.st.known(id, state));
    });
  }

  recordRecovery(plan: RecoveryPlan): Promise<void> {
    return guarded('record the recovery', async () => {
      await this.flush();
      await this.writer.commit(() => recordExhausted(this.st, plan, this.now()));
      for (const d of plan.redeliver) this.redelivered.add(d.id);
    });
  }

  countUnfinished(listener: string): Promise<number> {
    return guarded('count unfinished entries', async () => {
      await this.flush();
      return this.queries.countUnfinished(listener);
    });
  }

  exhaust(id: string, detail: string): Promise<void> {
    return guarded(`dead-letter entry ${id}`, async () => {
      await this.flush();
      const row = this.queries.row(id);
      if (!row) throw new JournalError('NOT_FOUND', `no journal entry ${id}`);
      await this.writer.commit(() =>
        this.st.move(id, row.threadId, 'FAILED', row.attempts, this.now(), {
          code: 'REDELIVERY_EXHAUSTED',
          detail,
        }),
      );
    });
  }

  retry(id: string): Promise<Delivery> {
    return guarded(`retry entry ${id}`, async () => {
      await this.flush();
      const d = this.retryable(id);
      await this.writer.commit(() => this.st.move(d.id, d.threadId, 'PENDING', d.attempt - 1, this.now()));
      return d;
    });
  }

  retryMany(filter: MessageFilter, opts: { dryRun: boolean }): Promise<RetryManyResult> {
    return guarded('retry dead letters', async () => {
      await this.flush();
      if (opts.dryRun) {
        // A preview counts in SQL and reads five rows, however many dead letters match.
        const sample = this.queries.failedMatching(filter, SAMPLE).map(toSummary);
        return { count: this.queries.countFailedMatching(filter), sample, deliveries: [] };
      }
      const rows = this.queries.failedMatching(filter);
      const deliveries = rows.map(toDelivery);
      await this.writer.commit(() => {
        const now = this.now();
        for (const d of deliveries) this.st.move(d.id, d.threadId, 'PENDING', d.attempt - 1, now);
      });
      return { count: deliveries.length, sample: rows.slice(0, SAMPLE).map(toSummary), deliveries };
    });
  }

  discard(id: string): Promise<void> {
    return guarded(`discard entry ${id}`, async () => {
      await this.flush();
      const row = this.queries.row(id);
      if (!row) throw new JournalError('NOT_FOUND', `no journal entry ${id}`);
      if (row.state !== 'FAILED')
        throw new JournalError(
          'NOT_RETRYABLE',
          `entry ${id} is ${row.state}; only FAILED entries can be discarded`,
        );
      await this.writer.commit(() => {
        this.st.logOnly(id, row.threadId, 'DISCARDED', row.attempts, this.now(), null);
        this.st.delete(id);
      });
    });
  }

  prune(cutoff: number): Promise<number> {
    return guarded('prune old entries', async () => {
      await this.flush();
      let pruned = 0;
      await this.writer.commit(() => {
        this.st.materialize();
        pruned = this.queries.pruneAcked(cutoff);
        this.st.pruned(pruned);
      });
      return pruned;
    });
  }

  private retryable(id: string): Delivery {
    const row = this.queries.row(id);
    if (!row) throw new JournalError('NOT_FOUND', `no journal entry ${id}`);
    if (row.state !== 'FAILED')
      throw new JournalError(
        'NOT_RETRYABLE',
        `entry ${id} is ${row.state}; only FAILED entries can be retried`,
      );
    if (!row.to || row.egress || row.kind === 'rejected') {
      throw new JournalError(
        'NOT_RETRYABLE',
        `entry ${id} was refused at intake (${row.errorCode ?? 'invalid'}); it has no route to retry`,
      );
    }
    return toDelivery(row);
  }

  stats(now = this.now()): Promise<JournalStats> {
    return guarded('read its statistics', () => ({
      durability: this.durability,
      ...this.queries.stats(),
      ratePerSecond: this.rates.perSecond(now),
    }));
  }
  throughput(now = this.now()): Promise<ThroughputHistory> {
    return Promise.resolve(this.rates.history(now));
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
    return guarded('read transitions', () => this.queries.routedTransitions(afterSeq, limit));
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
    return this.writer.commitAlone(this.probeWrite);
  }

  flush(): Promise<void> {
    this.writer.flush();
    return Promise.resolve();
  }

  /** Checkpoints made off the engine's thread so far. */
  get backgroundCheckpoints(): number {
    return this.checkpointer?.checkpoints ?? 0;
  }

  async close(): Promise<void> {
    await this.flush();
    await this.checkpointer?.close();
    this.open.sqlite.pragma('wal_checkpoint(TRUNCATE)');
    this.open.close();
  }
}
