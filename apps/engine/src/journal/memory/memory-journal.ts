import type {
  DeadLettersInput,
  DeadLettersResult,
  JournalStats,
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
  DiscardManyResult,
  FoundEntries,
  Journal,
  RecordedTransition,
  RecoveryPlan,
  RetryManyResult,
  BulkOptions,
  UnfinishedEntry,
} from '../journal.ts';
import { rejectionEntry } from '../rejection-record.ts';
import {
  assertDiscardable,
  foundEntry,
  recordExhausted,
  recordFailure,
  retryableDelivery,
  toDelivery,
  toSummary,
} from '../entry-record.ts';
import type { EntryRow } from '../entry-record.ts';
import { settle } from '../settle.ts';
import { MemoryQueries } from './memory-queries.ts';
import { MemoryStore } from './memory-store.ts';
import { searchEntries } from './memory-search.ts';
import type { SearchPage, SearchRequest } from '../search/search-request.ts';

/** How many entries a bulk retry shows. */
const SAMPLE = 5;

export interface MemoryJournalOptions {
  now?: () => number;
}

/**
 * The journal for `path: ':memory:'` and tests: the SQLite journal's behaviour, kept in Maps and lost
 * with the process. Writes apply at once, so every hook's promise is already settled.
 */
export class MemoryJournal implements Journal {
  readonly durability = 'memory' as const;
  readonly hooks: DispatchHooks;
  private readonly store = new MemoryStore();
  private readonly queries = new MemoryQueries(this.store);
  private readonly now: () => number;
  private readonly writeWatchers = new Set<(error?: unknown) => void>();
  private told = false;
  /** The second this journal opened in (the throughput before it is unknown). */
  private readonly since: number;

  constructor(opts: MemoryJournalOptions = {}) {
    this.now = opts.now ?? Date.now;
    this.since = Math.floor(this.now() / 1000);
    this.hooks = {
      onIntent: (ds) => settle(() => this.addAll(ds)),
      onDispatched: (d) => this.store.move(d.id, d.threadId, 'DISPATCHED', d.attempt, this.now()),
      onAcknowledged: (d, outputs) =>
        settle(() => {
          this.store.assertNew(outputs);
          this.addAll(outputs);
          this.store.move(d.id, d.threadId, 'ACKED', d.attempt, this.now());
        }),
      onFailed: (d, failure, outcome) => settle(() => this.recordFailure(d, failure, outcome)),
      onRejected: (r) => this.recordRejection(r),
    };
  }

  /**
   * Tells the write watchers once per turn of the event loop, however many transitions it logged (as
   * the SQLite journal's group commit does once per batch).
   */
  private readonly wrote = (): void => {
    if (this.told) return;
    this.told = true;
    setImmediate(() => {
      this.told = false;
      for (const fn of this.writeWatchers) fn();
    });
  };

  /** All or nothing, like one SQLite transaction: a duplicate id fails before anything is written. */
  private addAll(ds: readonly Delivery[]): void {
    this.store.assertNew(ds);
    const now = this.now();
    for (const d of ds) this.store.add(d, now);
  }

  private recordFailure(d: Delivery, failure: DispatchFailure, outcome: FailureOutcome): void {
    this.store.assertNew(outcome.outputs);
    const store = this.store;
    recordFailure(
      { move: (...a) => store.move(...a), log: (...a) => store.log(...a), add: (ds) => this.addAll(ds) },
      d,
      failure,
      outcome,
      this.now(),
    );
  }

  private recordRejection(r: Rejection): void {
    const entry = rejectionEntry(r, this.now());
    this.store.insert(entry);
    this.store.log(entry.id, entry.threadId, 'FAILED', 0, entry.createdAt, {
      code: r.error.code,
      detail: entry.errorDetail,
    });
  }

  /** Writes to memory cannot fail for want of space or a disk: watchers only hear of committed writes. */
  watchWrites(fn: (error?: unknown) => void): () => void {
    this.writeWatchers.add(fn);
    this.store.logged = this.wrote;
    return () => {
      this.writeWatchers.delete(fn);
      if (this.writeWatchers.size === 0) this.store.logged = undefined;
    };
  }

  probe(): Promise<void> {
    return Promise.resolve();
  }

  unfinished(): Promise<UnfinishedEntry[]> {
    return settle(() => this.queries.unfinished());
  }

  /** Every write here applies at once, so a redelivery's DISPATCHED mark needs no special care. */
  recordRecovery(plan: RecoveryPlan): Promise<void> {
    return settle(() => recordExhausted(this.store, plan, this.now()));
  }

  countUnfinished(listener: string): Promise<number> {
    return settle(() => this.queries.countUnfinished(listener));
  }

  exhaust(id: string, detail: string): Promise<void> {
    return settle(() => {
      const row = this.found(id);
      this.store.move(id, row.threadId, 'FAILED', row.attempts, this.now(), {
        code: 'REDELIVERY_EXHAUSTED',
        detail,
      });
    });
  }

  retry(id: string, note?: string): Promise<Delivery> {
    return settle(() => {
      const d = this.retryable(id);
      this.store.move(d.id, d.threadId, 'PENDING', d.attempt - 1, this.now(), null, null, note ?? null);
      return d;
    });
  }

  async retryMany(
    filter: MessageFilter,
    opts: BulkOptions,
    onRetried?: (ds: readonly Delivery[]) => void | Promise<void>,
  ): Promise<RetryManyResult> {
    const result = await settle(() => {
      const rows = this.queries.failedMatching(filter);
      const sample = rows.slice(0, SAMPLE).map(toSummary);
      if (opts.dryRun) return { count: rows.length, sample, deliveries: [] };
      const deliveries = rows.map(toDelivery);
      const now = this.now();
      for (const d of deliveries)
        this.store.move(d.id, d.threadId, 'PENDING', d.attempt - 1, now, null, null, opts.note ?? null);
      return { count: deliveries.length, sample, deliveries };
    });
    if (result.deliveries.length > 0) await onRetried?.(result.deliveries);
    return result;
  }

  discard(id: string, note?: string): Promise<void> {
    return settle(() => {
      const row = this.found(id);
      assertDiscardable(row);
      this.discardRow(row, note ?? null);
    });
  }

  discardMany(filter: MessageFilter, opts: BulkOptions): Promise<DiscardManyResult> {
    return settle(() => {
      const rows = this.queries.failedMatching(filter, { all: true });
      if (!opts.dryRun) for (const row of rows) this.discardRow(row, opts.note ?? null);
      return { count: rows.length, sample: rows.slice(0, SAMPLE).map(toSummary) };
    });
  }

  private discardRow(row: EntryRow, note: string | null): void {
    this.store.log(row.id, row.threadId, 'DISCARDED', row.attempts, this.now(), null, note);
    this.store.messages.delete(row.id);
  }

  prune(cutoff: number): Promise<number> {
    return settle(() => this.store.pruneAcked(cutoff));
  }

  private found(id: string): EntryRow {
    return foundEntry(this.store.messages.get(id), id);
  }

  private retryable(id: string): Delivery {
    return retryableDelivery(this.found(id));
  }

  stats(now = this.now()): Promise<JournalStats> {
    return settle(() => ({ durability: this.durability, ...this.queries.stats(now) }));
  }
  throughput(now = this.now()): Promise<ThroughputHistory> {
    return settle(() => this.queries.throughput(now, this.since));
  }
  listMessages(input: MessageListInput): Promise<Page<MessageSummary>> {
    return settle(() => this.queries.listMessages(input));
  }
  listThreads(input: ThreadListInput): Promise<Page<ThreadSummary>> {
    return settle(() => this.queries.listThreads(input));
  }
  getMessage(id: string): Promise<MessageDetail | undefined> {
    return settle(() => this.queries.getMessage(id));
  }
  transitions(afterSeq: number, limit: number): Promise<Transition[]> {
    return settle(() => this.queries.transitions(afterSeq, limit));
  }
  routedTransitions(afterSeq: number, limit: number): Promise<RoutedTransition[]> {
    return settle(() => this.queries.routedTransitions(afterSeq, limit));
  }
  recordedTransitions(afterSeq: number, limit: number): Promise<RecordedTransition[]> {
    return settle(() => this.queries.recordedTransitions(afterSeq, limit));
  }
  headSeq(): Promise<number> {
    return settle(() => this.store.headSeq);
  }
  deadLetters(input: DeadLettersInput): Promise<DeadLettersResult> {
    return settle(() => this.queries.deadLetters(input));
  }
  latestFailures(limit: number): Promise<MessageSummary[]> {
    return settle(() => this.queries.latestFailures(limit));
  }
  find(q: string, limit: number): Promise<FoundEntries> {
    return settle(() => this.queries.find(q, limit));
  }
  search(req: SearchRequest): Promise<SearchPage> {
    return searchEntries(this.store.messages, req);
  }

  /** Nothing is ever pending: every write applied when it was made. */
  flush(): Promise<void> {
    return Promise.resolve();
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}
