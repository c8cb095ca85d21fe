import type {
  DeadLettersInput,
  DeadLettersResult,
  JournalStats,
  Log,
  MessageDetail,
  MessageFilter,
  MessageListInput,
  MessageState,
  MessageSummary,
  Page,
  RoutedTransition,
  ThreadListInput,
  ThreadSummary,
  ThroughputHistory,
  Transition,
} from '@organism/shared';
import { messageStates } from '@organism/shared';
import type { Delivery } from '../../pump/delivery.ts';
import type { DispatchHooks } from '../../pump/dispatch-hooks.ts';
import { stderrLog } from '../../pump/stderr-log.ts';
import type {
  FoundEntries,
  Journal,
  OrchestrationAnswer,
  RecordedTransition,
  RecoveryPlan,
  RetryManyResult,
  BulkOptions,
  DiscardManyResult,
  UnfinishedEntry,
} from '../journal.ts';
import type { SearchPage, SearchRequest } from '../search/search-request.ts';
import { JournalError } from '../journal-error.ts';
import { guarded } from '../journal-outage.ts';
import { QueuedOperations, queuedHooks } from '../queued-journal.ts';
import { TransitionRates } from '../sqlite/transition-rates.ts';
import { WriteRecorder } from '../sqlite/write-ops.ts';
import { WriteQueue } from '../sqlite/write-queue.ts';
import { openPostgres } from './open-postgres.ts';
import type { OpenPostgres, PostgresSettings } from './open-postgres.ts';
import { PgQueries } from './pg-queries.ts';
import { PgBatchRunner } from './pg-writes.ts';
import { EngineMembership } from './engine-membership.ts';
import { PgPeers } from './pg-peers.ts';
import { PgClaims } from './pg-claims.ts';
import { PgPartitions } from './pg-partitions.ts';
import type { Adoption, MembershipSettings } from './engine-membership.ts';
import { PgExtensionStore } from '../extensions/pg-extension-store.ts';
import type { ExtensionStore } from '../extensions/extension-store.ts';
import { PgOperationsStore } from '../operations/pg-operations-store.ts';
import type { OperationsStore } from '../operations/operations-store.ts';
import { PgOperatorStore } from '../operators/pg-operator-store.ts';
import type { OperatorStore } from '../operators/operator-store.ts';
import { PgOrchestrationStore } from '../orchestrations/pg-orchestration-store.ts';
import type { OrchestrationStore } from '../orchestrations/orchestration-store.ts';

export interface PostgresJournalOptions {
  /** Most writes in one batch (one transaction). Default 4,096. */
  maxBatch?: number;
  now?: () => number;
  /** Where write failures nobody else hears of are reported. Default: human lines on stderr. */
  log?: Log;
  /** ACKED entries retention deletes per transaction (a bulk discard at most 500). Default 5,000. */
  pruneChunk?: number;
  /** How engines sharing the schema watch each other (engine-membership.ts). */
  membership?: MembershipSettings;
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
  private readonly ops: QueuedOperations;
  private readonly rates: TransitionRates;
  private readonly log: Log;
  private readonly writeWatchers = new Set<(error?: unknown, peer?: boolean) => void>();
  private claims: PgClaims | undefined;

  /** Connects, migrates, and returns the journal (see openPostgres for the settings). */
  static async open(settings: PostgresSettings, opts: PostgresJournalOptions = {}): Promise<PostgresJournal> {
    const open = await openPostgres(settings);
    const failed = async (what: string, err: unknown): Promise<JournalError> => {
      await open.close();
      return new JournalError(
        'JOURNAL_UNAVAILABLE',
        `journal database ${open.where} schema ${open.schema}: ${what}: ${
          err instanceof Error ? err.message : String(err)
        }`,
        { cause: err },
      );
    };
    const partitions = new PgPartitions(open.pool, open.schema, opts.now ?? Date.now);
    // Today's partitions exist before the first write (else its rows go to the kept partition).
    await partitions.ensure().catch(async (err: unknown) => {
      throw await failed("this engine could not create the coming days' partitions", err);
    });
    let member: EngineMembership | undefined;
    let peers: PgPeers;
    try {
      member = await EngineMembership.join(open, opts.membership);
      peers = await PgPeers.start(open, member);
    } catch (err) {
      await member?.leave();
      throw await failed('this engine could not join its engines', err);
    }
    return new PostgresJournal(open, member, peers, partitions, settings.durability, opts);
  }

  private constructor(
    readonly database: OpenPostgres,
    /** This engine among those sharing the schema. */
    readonly member: EngineMembership,
    readonly peers: PgPeers,
    /** The days' partitions of the hot tables, and retention by dropping them. */
    readonly partitions: PgPartitions,
    durability: 'strict' | 'fast',
    opts: PostgresJournalOptions,
  ) {
    this.durability = durability;
    this.now = opts.now ?? Date.now;
    this.rates = new TransitionRates(this.now());
    peers.shareActivity('rates', () => this.rates.perSecond(this.now()));
    const log = opts.log ?? stderrLog('journal');
    this.log = log;
    const runner = new PgBatchRunner(database.pool, member);
    const recorder = new WriteRecorder(this.now, (state, at, attempt) => this.rates.add(state, at, attempt));
    this.writes = new WriteQueue(
      {
        // One batch at a time, in order: what arrives meanwhile is merged into the next.
        depth: 1,
        batchLimit: opts.maxBatch ?? 4_096,
        mergeLimit: Infinity,
        run: (ops, done) =>
          void runner.run(ops).then(
            (value) => done({ value }),
            (error: unknown) => done({ error }),
          ),
      },
      recorder,
      log,
    );
    this.writes.onBatch((err) => {
      for (const fn of this.writeWatchers) fn(err);
    });
    member.onPeerWrites(() => {
      for (const fn of this.writeWatchers) fn(undefined, true);
    });
    this.writes.onFailure((err) => {
      if (this.writeWatchers.size === 0) log.error({ err }, 'journal write failed');
    });
    this.queries = new PgQueries(database);
    this.ops = new QueuedOperations(this.writes, this.queries, this.now, opts.pruneChunk ?? 5_000);
    this.hooks = queuedHooks(this.writes, this.now, this.ops.redelivered);
  }

  unfinished(): Promise<UnfinishedEntry[]> {
    return guarded('read unfinished entries', async () => {
      await this.flush();
      return this.queries.unfinished(this.member.id);
    });
  }

  /**
   * From now on (after boot recovery): the work this engine adopts from engines that died, and the
   * unowned work it claims for the listeners it runs (pg-claims.ts), is read and handed to `fn`.
   */
  onAdoption(fn: (entries: UnfinishedEntry[], runs: string[], claimed: boolean) => Promise<void>): void {
    const hand = async (work: Adoption, what: string, claimed = false): Promise<void> => {
      try {
        // Runs alone (offered ones taken) have no entries to read.
        const entries =
          work.entries.length > 0 ? await this.queries.unfinished(this.member.id, work.entries) : [];
        await fn(entries, work.runs, claimed);
      } catch (err) {
        // They are this engine's now: its next start recovers them, as after a crash.
        this.log.error(
          { err, from: work.from, entries: work.entries.length, runs: work.runs.length },
          `${what} but could not hand it to the pump; it runs at this engine's next start`,
        );
      }
    };
    this.member.onAdoption(async (work) => {
      // A peer that stopped gracefully (a rolling restart's) left nothing: nothing to say.
      if (work.released + work.runs.length + work.offered > 0)
        this.log.warn(
          { from: work.from, released: work.released, runs: work.runs.length, offered: work.offered },
          `engine ${work.from ?? '(none)'} is gone: ${work.released} unfinished entries left for the engines that run their listeners to claim, ${work.runs.length} orchestration run(s) adopted here, ${work.offered} offered to the other engines`,
        );
      // Its own NOTIFY does not reach it: it claims its share with the others now.
      if (work.released > 0) void this.claims?.wake();
      await hand(work, `adopted the work of engine ${work.from ?? '(none)'}`);
    });
    this.claims = new PgClaims(
      this.database,
      this.member,
      (ids) =>
        hand(
          { from: null, entries: ids, runs: [], released: 0, offered: 0 },
          `claimed ${ids.length} unowned entries`,
          true,
        ),
      (runs) =>
        hand(
          { from: null, entries: [], runs, released: 0, offered: 0 },
          `took ${runs.length} orchestration run(s) offered by the adopter of an engine that died`,
          true,
        ),
    );
    void this.claims
      .start()
      .catch((err: unknown) => this.log.error({ err }, 'could not listen for unowned work'));
  }

  answersTo(forwards: readonly string[]): Promise<OrchestrationAnswer[]> {
    return guarded('read the answers to orchestration runs', () => this.queries.answersTo(forwards));
  }

  /** Defined only when this engine runs some listeners, not all. */
  get runsHere(): ((listener: string) => boolean) | undefined {
    return this.member.listeners === undefined ? undefined : (l) => this.member.runsHere(l);
  }

  onFenced(fn: (reason: string) => void): void {
    this.member.onFenced(fn);
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
  /**
   * Retention: drops the days wholly before `cutoff` (pg-partitions.ts), prunes the kept partition row by
   * row as the SQLite journal does, and creates the coming days' partitions. Returns the entries that went.
   */
  async prune(cutoff: number): Promise<number> {
    const retired = await guarded('drop old days', async () => {
      await this.writes.flush();
      return this.partitions.retire(cutoff);
    });
    if (retired.days.length > 0)
      this.log.info(
        { days: retired.days.length, entries: retired.entries, kept: retired.kept, ms: retired.ms },
        `retention dropped ${retired.days.length} day(s) of the journal (${retired.entries} ACKED entries)`,
      );
    const pruned = await this.ops.prune(cutoff);
    await guarded('create the coming days', () => this.partitions.ensure());
    return retired.entries + pruned;
  }

  stats(now = this.now()): Promise<JournalStats> {
    return guarded('read its statistics', async () => ({
      durability: this.durability,
      ...(await this.queries.stats()),
      // This engine's, counted as it writes, and what each other running engine shared last.
      ratePerSecond: sumRates([
        this.rates.perSecond(now),
        ...this.peers.peerActivity().flatMap((a) => (a.rates ? [a.rates] : [])),
      ]),
    }));
  }
  /** Counted from the event log: every engine sharing the schema, over the whole five minutes. */
  throughput(now = this.now()): Promise<ThroughputHistory> {
    return guarded('count recent outcomes', () => this.queries.throughput(now));
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
  latestFailures(limit: number): Promise<MessageSummary[]> {
    return guarded('list the latest failures', () => this.queries.latestFailures(limit));
  }
  find(q: string, limit: number): Promise<FoundEntries> {
    return guarded('find entries', () => this.queries.find(q, limit));
  }
  search(req: SearchRequest): Promise<SearchPage> {
    return guarded('search entries', () => this.queries.search(req));
  }

  watchWrites(fn: (error?: unknown, peer?: boolean) => void): () => void {
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
    this.peers.close();
    this.claims?.close();
    await this.member.leave();
    await this.database.close();
  }

  // The stores beside this journal's entries, on its pool (journal/index.ts: `openOperatorStore` and the
  // others), made here so that nothing of PostgreSQL is imported until a PostgreSQL journal is opened.
  operatorStore(): OperatorStore {
    return new PgOperatorStore(this.database);
  }
  extensionStore(): ExtensionStore {
    return new PgExtensionStore(this.database);
  }
  orchestrationStore(): OrchestrationStore {
    return new PgOrchestrationStore(this.database, this.member.id);
  }
  operationsStore(): OperationsStore {
    return new PgOperationsStore(this.database);
  }
}

function sumRates(all: readonly Record<MessageState, number>[]): Record<MessageState, number> {
  const sum = Object.fromEntries(messageStates.map((s) => [s, 0])) as Record<MessageState, number>;
  for (const rates of all) for (const s of messageStates) sum[s] += rates[s] ?? 0;
  return sum;
}
