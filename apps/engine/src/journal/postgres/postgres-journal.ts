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
import { stderrLog } from '../../pump/stderr-log.ts';
import type {
  FoundEntries,
  Journal,
  RecordedTransition,
  RecoveryPlan,
  RetryManyResult,
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
import type { SearchPage, SearchRequest } from '../search/search-request.ts';
import { guarded } from '../journal-outage.ts';
import { TransitionRates } from '../sqlite/transition-rates.ts';
import { WriteRecorder } from '../sqlite/write-ops.ts';
import { WriteQueue } from '../sqlite/write-queue.ts';
import { openPostgres } from './open-postgres.ts';
import type { OpenPostgres, PostgresSettings } from './open-postgres.ts';
import { PgQueries } from './pg-queries.ts';
import { PgBatchRunner } from './pg-writes.ts';
import { EngineClaim } from './engine-claim.ts';

/** How many entries a bulk retry shows. */
const SAMPLE = 5;

export interface PostgresJournalOptions {
  /** Most writes in one batch (one transaction). Default 4,096. */
  maxBatch?: number;
  now?: () => number;
  /** Where write failures nobody else hears of are reported. Default: human lines on stderr. */
  log?: Log;
  /** ACKED entries retention deletes per transaction. Default 5,000. */
  pruneChunk?: number;
}

/**
 * The journal on PostgreSQL, for organisms that outgrow one machine (docs/scale-out.md). The same
 * contract as the SQLite journal (journal-contract.ts): writes are recorded as they happen and committed
 * in batches, one transaction each (postgres/pg-writes.ts), and a hook's promise resolves once its batch
 * is committed (with `synchronous_commit = on` in strict mode: flushed to the server's WAL). Reads are
 * pg-queries.ts. Its methods reject with JournalError JOURNAL_UNAVAILABLE when the server cannot be
 * reached or cannot write now, never with a raw driver error.
 */
export class PostgresJournal implements Journal {
  readonly durability: 'strict' | 'fast';
  readonly hooks: DispatchHooks;
  private readonly writes: WriteQueue;
  private readonly queries: PgQueries;
  private readonly now: () => number;
  private readonly pruneChunk: number;
  private readonly rates: TransitionRates;
  /** Deliveries handed back by boot recovery whose start is not yet committed. */
  private readonly redelivered = new Set<string>();
  private readonly writeWatchers = new Set<(error?: unknown) => void>();

  /** Connects, migrates, and returns the journal (see openPostgres for the settings). */
  static async open(settings: PostgresSettings, opts: PostgresJournalOptions = {}): Promise<PostgresJournal> {
    const open = await openPostgres(settings);
    let claim: EngineClaim;
    try {
      claim = await EngineClaim.take(open, settings.url);
    } catch (err) {
      await open.close();
      throw err;
    }
    return new PostgresJournal(open, claim, settings.durability, opts);
  }

  private constructor(
    readonly database: OpenPostgres,
    private readonly claim: EngineClaim,
    durability: 'strict' | 'fast',
    opts: PostgresJournalOptions,
  ) {
    this.durability = durability;
    this.now = opts.now ?? Date.now;
    this.pruneChunk = opts.pruneChunk ?? 5_000;
    this.rates = new TransitionRates(this.now());
    const log = opts.log ?? stderrLog('journal');
    const runner = new PgBatchRunner(database.pool);
    const recorder = new WriteRecorder(this.now, (state, at, attempt) => this.rates.add(state, at, attempt));
    this.writes = new WriteQueue(
      {
        // One batch at a time, in order: what arrives meanwhile is merged into the next.
        depth: 1,
        batchLimit: opts.maxBatch ?? 4_096,
        run: (ops, done) =>
          void runner.run(ops).then(
            (value) => done({ value }),
            (error: unknown) => done({ error }),
          ),
        wait: () => {
          throw new Error('the PostgreSQL journal never blocks the event loop for a commit');
        },
      },
      recorder,
      log,
    );
    this.writes.onBatch((err) => {
      for (const fn of this.writeWatchers) fn(err);
    });
    this.writes.onFailure((err) => {
      if (this.writeWatchers.size === 0) log.error({ err }, 'journal write failed');
    });
    this.queries = new PgQueries(database);
    this.hooks = {
      onIntent: (ds) => this.writes.commit((w) => w.add(ds)),
      onDispatched: (d) => {
        const start = (w: WriteRecorder): void =>
          w.move(d.id, d.threadId, 'DISPATCHED', d.attempt, this.now());
        // A redelivery's start is committed before its handler runs (the pump waits for this promise), so a
        // handler that kills the process is counted. Every other start is written with the next batch.
        if (this.redelivered.delete(d.id)) return this.writes.commit(start);
        this.writes.enqueue(start);
        return undefined;
      },
      onAcknowledged: (d, outputs) =>
        // Outputs first, as in the SQLite journal: a reader of the event log knows a hop's outputs when it
        // reaches its acknowledgement.
        this.writes.commit((w) => {
          w.add(outputs);
          w.move(d.id, d.threadId, 'ACKED', d.attempt, this.now());
        }),
      onFailed: (d, failure, outcome) =>
        this.writes.commit((w) => recordFailure(w, d, failure, outcome, this.now())),
      onRejected: (r) =>
        this.writes.enqueue((w) => {
          const entry = rejectionEntry(r, this.now());
          w.insert(entry);
          w.log(entry.id, entry.threadId, 'FAILED', 0, entry.createdAt, {
            code: r.error.code,
            detail: entry.errorDetail,
          });
        }),
    };
  }

  unfinished(): Promise<UnfinishedEntry[]> {
    return guarded('read unfinished entries', async () => {
      await this.flush();
      return this.queries.unfinished();
    });
  }

  recordRecovery(plan: RecoveryPlan): Promise<void> {
    return guarded('record the recovery', async () => {
      await this.flush();
      await this.writes.commit((w) => recordExhausted(w, plan, this.now()));
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
      const row = await this.existing(id);
      await this.writes.commit((w) =>
        w.move(id, row.threadId, 'FAILED', row.attempts, this.now(), {
          code: 'REDELIVERY_EXHAUSTED',
          detail,
        }),
      );
    });
  }

  retry(id: string): Promise<Delivery> {
    return guarded(`retry entry ${id}`, async () => {
      const d = retryableDelivery(await this.existing(id));
      await this.writes.commit((w) => w.move(d.id, d.threadId, 'PENDING', d.attempt - 1, this.now()));
      return d;
    });
  }

  retryMany(filter: MessageFilter, opts: { dryRun: boolean }): Promise<RetryManyResult> {
    return guarded('retry dead letters', async () => {
      await this.flush();
      if (opts.dryRun) {
        const [sample, count] = await Promise.all([
          this.queries.failedMatching(filter, SAMPLE),
          this.queries.countFailedMatching(filter),
        ]);
        return { count, sample: sample.map(toSummary), deliveries: [] };
      }
      const rows = await this.queries.failedMatching(filter);
      const deliveries = rows.map(toDelivery);
      await this.writes.commit((w) => {
        const now = this.now();
        for (const d of deliveries) w.move(d.id, d.threadId, 'PENDING', d.attempt - 1, now);
      });
      return { count: deliveries.length, sample: rows.slice(0, SAMPLE).map(toSummary), deliveries };
    });
  }

  discard(id: string): Promise<void> {
    return guarded(`discard entry ${id}`, async () => {
      const row = await this.existing(id);
      assertDiscardable(row);
      await this.writes.commit((w) => {
        w.log(id, row.threadId, 'DISCARDED', row.attempts, this.now(), null);
        w.delete(id);
      });
    });
  }

  prune(cutoff: number): Promise<number> {
    return guarded('prune old entries', async () => {
      await this.flush();
      let pruned = 0;
      for (;;) {
        const n = (await this.writes.commitAlone((w) => w.prune(cutoff, this.pruneChunk))) ?? 0;
        pruned += n;
        if (n < this.pruneChunk) return pruned;
      }
    });
  }

  /** The entry `id` as it is once everything written so far is committed; NOT_FOUND when there is none. */
  private async existing(id: string): Promise<EntryRow> {
    await this.flush();
    return foundEntry(await this.queries.row(id), id);
  }

  stats(now = this.now()): Promise<JournalStats> {
    return guarded('read its statistics', async () => ({
      durability: this.durability,
      ...(await this.queries.stats()),
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
    // What this process wrote is read back as written (a redelivery's start, just committed).
    return guarded(`read entry ${id}`, async () => {
      await this.flush();
      return this.queries.getMessage(id);
    });
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
    return guarded('search entries', () => this.queries.search(req));
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

  async close(): Promise<void> {
    await this.flush();
    await this.database.close();
    await this.claim.release();
  }
}
