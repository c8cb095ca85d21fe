import type {
  JournalStats,
  MessageDetail,
  MessageFilter,
  MessageListInput,
  MessageSummary,
  Page,
  ThreadListInput,
  ThreadSummary,
  Transition,
} from '@organism/shared';
import type { Delivery, DispatchFailure } from '../../pump/delivery.ts';
import type { DispatchHooks, FailureOutcome, Rejection } from '../../pump/dispatch-hooks.ts';
import type { Journal, RetryManyResult } from '../journal.ts';
import { JournalError } from '../journal-error.ts';
import { rejectionEntry } from '../rejection-record.ts';
import { recordFailure } from '../entry-record.ts';
import { GroupCommit } from './group-commit.ts';
import { openDatabase } from './open-database.ts';
import type { OpenDatabase } from './open-database.ts';
import { SqliteQueries } from './sqlite-queries.ts';
import { Statements } from './statements.ts';

export interface SqliteJournalOptions {
  path: string;
  durability: 'strict' | 'fast';
  /** Most writes (state changes) in one group commit: about three per delivery. Default 1024. */
  maxBatch?: number;
  now?: () => number;
}

/** The embedded journal: SQLite in WAL mode, hot path on prepared statements, group commit. */
export class SqliteJournal implements Journal {
  readonly durability: 'strict' | 'fast';
  readonly hooks: DispatchHooks;
  private readonly open: OpenDatabase;
  private readonly st: Statements;
  private readonly writer: GroupCommit;
  private readonly queries: SqliteQueries;
  private readonly now: () => number;

  constructor(opts: SqliteJournalOptions) {
    this.durability = opts.durability;
    this.now = opts.now ?? Date.now;
    this.open = openDatabase(opts.path, opts.durability);
    this.st = new Statements(this.open.sqlite);
    this.writer = new GroupCommit(this.open.sqlite, opts.maxBatch ?? 1024);
    this.writer.onFailure((err) => console.error('journal write failed:', err));
    this.queries = new SqliteQueries(this.open.db, this.open.sqlite);
    this.hooks = {
      onIntent: (ds) => this.writer.commit(() => this.addAll(ds)),
      onDispatched: (d) =>
        this.writer.enqueue(() => this.st.move(d.id, d.threadId, 'DISPATCHED', d.attempt, this.now())),
      onAcknowledged: (d, outputs) =>
        this.writer.commit(() => {
          this.st.move(d.id, d.threadId, 'ACKED', d.attempt, this.now());
          this.addAll(outputs);
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
    this.st.insertRow({ ...entry, chain: '[]', egress: 0 });
    this.st.logOnly(entry.id, entry.threadId, 'FAILED', 0, entry.createdAt, {
      code: entry.errorCode,
      detail: entry.errorDetail,
    });
  }

  async unfinished(): Promise<Delivery[]> {
    await this.flush();
    return this.queries.unfinished();
  }

  async exhaust(id: string, detail: string): Promise<void> {
    await this.flush();
    const row = this.queries.row(id);
    if (!row) throw new JournalError('NOT_FOUND', `no journal entry ${id}`);
    await this.writer.commit(() =>
      this.st.move(id, row.threadId, 'FAILED', row.attempts, this.now(), {
        code: 'REDELIVERY_EXHAUSTED',
        detail,
      }),
    );
  }

  async retry(id: string): Promise<Delivery> {
    await this.flush();
    const d = this.retryable(id);
    await this.writer.commit(() => this.st.move(d.id, d.threadId, 'PENDING', d.attempt - 1, this.now()));
    return d;
  }

  async retryMany(filter: MessageFilter, opts: { dryRun: boolean }): Promise<RetryManyResult> {
    await this.flush();
    const rows = this.queries.failedMatching(filter);
    const sample = rows.slice(0, 10).map((r) => this.queries.summary(r));
    if (opts.dryRun) return { count: rows.length, sample, deliveries: [] };
    const deliveries = rows.map((r) => this.queries.toDelivery(r));
    await this.writer.commit(() => {
      const now = this.now();
      for (const d of deliveries) this.st.move(d.id, d.threadId, 'PENDING', d.attempt - 1, now);
    });
    return { count: deliveries.length, sample, deliveries };
  }

  async discard(id: string): Promise<void> {
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
      this.queries.deleteMessage(id);
    });
  }

  async prune(cutoff: number): Promise<number> {
    await this.flush();
    let pruned = 0;
    await this.writer.commit(() => {
      pruned = this.queries.pruneAcked(cutoff);
    });
    return pruned;
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
    return this.queries.toDelivery(row);
  }

  stats(now = this.now()): Promise<JournalStats> {
    return Promise.resolve({ durability: this.durability, ...this.queries.stats(now) });
  }
  listMessages(input: MessageListInput): Promise<Page<MessageSummary>> {
    return Promise.resolve(this.queries.listMessages(input));
  }
  listThreads(input: ThreadListInput): Promise<Page<ThreadSummary>> {
    return Promise.resolve(this.queries.listThreads(input));
  }
  getMessage(id: string): Promise<MessageDetail | undefined> {
    return Promise.resolve(this.queries.getMessage(id));
  }
  transitions(afterSeq: number, limit: number): Promise<Transition[]> {
    return Promise.resolve(this.queries.transitions(afterSeq, limit));
  }

  flush(): Promise<void> {
    this.writer.flush();
    return Promise.resolve();
  }

  async close(): Promise<void> {
    await this.flush();
    this.open.sqlite.pragma('wal_checkpoint(TRUNCATE)');
    this.open.close();
  }
}
