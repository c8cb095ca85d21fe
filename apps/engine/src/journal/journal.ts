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
import type { Delivery } from '../pump/delivery.ts';
import type { DispatchHooks } from '../pump/dispatch-hooks.ts';
import type { Peers } from './peers.ts';
import type { SearchPage, SearchRequest } from './search/search-request.ts';
import type { CountedRates } from './throughput-history.ts';

/**
 * A transition with what a reader of the event log needs to rebuild the dispatch protocol from it (a
 * durable extension): its entry's route, parent and payload, and its thread's counts as they are now.
 */
export interface RecordedTransition extends RoutedTransition {
  parentId: string | null;
  payloadXml: string | null;
  /** Recorded and never dispatched (a reply to an outside producer): logged ACKED at once. */
  egress: boolean;
  /** The thread's PENDING or DISPATCHED entries now (null: no thread). */
  threadOpen: number | null;
  /** The thread's FAILED entries now (null: no thread). */
  threadFailed: number | null;
}

/** What `retryMany` would touch (dry run) or touched. */
export interface RetryManyResult {
  count: number;
  /** Up to 5 of the entries, oldest first, for a preview. */
  sample: MessageSummary[];
  /** The deliveries to hand back to the pump (empty on a dry run). */
  deliveries: Delivery[];
}

/**
 * Which dead letters a bulk action reads: those a retry can take (no refused input, no answer to an outside
 * producer), or `all` of them (a discard).
 */
export interface FailedScope {
  all?: boolean;
}

/** A bulk action's options: a dry run only counts and samples; `note` is each transition's detail. */
export interface BulkOptions {
  dryRun: boolean;
  note?: string;
}

/** What `discardMany` would remove (dry run) or removed. */
export type DiscardManyResult = Omit<RetryManyResult, 'deliveries'>;

/** What `find` found for an id or id prefix. */
export interface FoundEntries {
  messages: MessageSummary[];
  threads: ThreadSummary[];
}

/** An entry an earlier run left PENDING or DISPATCHED. */
export interface UnfinishedEntry {
  /** The delivery to re-queue; its attempt is one more than those already recorded. */
  delivery: Delivery;
  /** When its scheduled retry is due (ms): it must not run before. Null: it may run at once. */
  nextAttemptAt: number | null;
}

/** What boot recovery decided for the unfinished entries; `recordRecovery` writes it in one transaction. */
export interface RecoveryPlan {
  /**
   * Handed back to the pump (now, or at their scheduled time). Each one's start (DISPATCHED, with its
   * attempt) is committed before its handler runs, so a run that takes the process down is counted.
   */
  redeliver: readonly Delivery[];
  /** Dead-lettered with code REDELIVERY_EXHAUSTED, saying why. */
  exhaust: readonly { delivery: Delivery; detail: string }[];
}

/** A reply to an orchestration run's step or item, as Journal.answersTo reads it. */
export interface OrchestrationAnswer {
  id: string;
  /** The step's or item's message it answers. */
  inReplyTo: string;
  /** Clark name of its payload's root (a SystemError when the step failed). */
  root: string;
  payloadXml: string;
}

/**
 * Certified mail. Every implementation passes the same contract suite (journal-contract.ts).
 * It attaches to the pump through `hooks`; writes are batched (group commit) and a hook's promise
 * resolves once its batch is committed (and fsynced in strict mode).
 */
export interface Journal {
  readonly durability: JournalStats['durability'];
  readonly hooks: DispatchHooks;

  /** PENDING and DISPATCHED entries left by an earlier run, oldest first, with their retry schedule. */
  unfinished(): Promise<UnfinishedEntry[]>;
  /**
   * Writes boot recovery's plan: the dead letters in one transaction, and from then on each redelivery's
   * start is committed before its handler runs. A message that kills the process thus runs out of
   * attempts instead of looping forever, while entries that never started are not charged.
   */
  recordRecovery(plan: RecoveryPlan): Promise<void>;
  /** How many PENDING or DISPATCHED entries are addressed to `listener`: an exact count at any size. */
  countUnfinished(listener: string): Promise<number>;
  /** Marks an entry FAILED (REDELIVERY_EXHAUSTED) without dispatching it, e.g. when its listener is gone. */
  exhaust(id: string, detail: string): Promise<void>;
  /**
   * Puts a FAILED entry back to PENDING; returns the delivery to re-queue. Throws JournalError. `note` is
   * the PENDING transition's detail (`retried by jane`).
   */
  retry(id: string, note?: string): Promise<Delivery>;
  /**
   * Puts every retryable dead letter matching `filter` back to PENDING (a dry run only counts them and
   * reads a sample). The deliveries are handed to `onRetried` as each chunk of them is committed, to be
   * re-queued at once: a failure halfway leaves none moved and not handed on.
   */
  retryMany(
    filter: MessageFilter,
    opts: BulkOptions,
    onRetried?: (ds: readonly Delivery[]) => void | Promise<void>,
  ): Promise<RetryManyResult>;
  /** Removes a FAILED entry for good (the event log keeps a DISCARDED transition, `note` its detail). */
  discard(id: string, note?: string): Promise<void>;
  /**
   * Discards every FAILED entry matching `filter`, refused input included (a dry run only counts them and
   * reads a sample); returns how many, and the oldest few.
   */
  discardMany(filter: MessageFilter, opts: BulkOptions): Promise<DiscardManyResult>;
  /** Deletes ACKED entries last updated before `cutoff` (ms); returns how many. */
  prune(cutoff: number): Promise<number>;

  stats(now?: number): Promise<JournalStats>;
  /** Outcomes per second over the last five minutes, counted as this process wrote them (in memory). */
  throughput(now?: number): Promise<ThroughputHistory>;
  /**
   * What the journal counted in memory (the overview's rates and chart), for the engine that opens it next
   * (`restoreCounted`, on a restart). Only a journal that counts in memory (SQLite) has them.
   */
  counted?(): CountedRates;
  restoreCounted?(before: CountedRates): void;
  /**
   * When this journal began counting the seconds its process lives through (SQLite, on its clock): an
   * engine on it counts its uptime from then, so that the chart's first counted second is never before the
   * engine's start, which would read as a restart. Undefined where the chart reads the event log.
   */
  readonly openedAt?: number;
  /**
   * Where an engine on this journal leaves what it counted in memory as it stops (its routes, the rates
   * above) for the engine that opens the journal next: beside a SQLite file. None in memory, nor on
   * PostgreSQL, whose engines share their routes as they run and whose chart reads the event log.
   */
  readonly countsFile?: string;
  listMessages(input: MessageListInput): Promise<Page<MessageSummary>>;
  listThreads(input: ThreadListInput): Promise<Page<ThreadSummary>>;
  getMessage(id: string): Promise<MessageDetail | undefined>;
  /** Transitions with `seq > afterSeq`, in order: the stream the console follows and resumes. */
  transitions(afterSeq: number, limit: number): Promise<Transition[]>;
  /** The same with each entry's route (from, to, root, kind), read in one query per page. */
  routedTransitions(afterSeq: number, limit: number): Promise<RoutedTransition[]>;
  /** The same with each entry's parent and payload and its thread's counts, in one query per page. */
  recordedTransitions(afterSeq: number, limit: number): Promise<RecordedTransition[]>;
  /** The highest transition sequence number given so far (never goes down); cheap. */
  headSeq(): Promise<number>;
  /** FAILED entries grouped by recipient and error code, biggest groups first; indexed. */
  deadLetters(input: DeadLettersInput): Promise<DeadLettersResult>;
  /**
   * The `limit` FAILED entries that failed last, by when they failed (`updatedAt`), then by id: a retried
   * entry that fails again comes first although it was made long ago. Along a partial index of FAILED
   * entries only, so the hot path's writes never touch it.
   */
  latestFailures(limit: number): Promise<MessageSummary[]>;
  /**
   * Entries and threads whose id is `q` or, for 4 characters or more, starts with it (any case): at most
   * `limit` of each, by id. Prefix ranges on the primary keys.
   */
  find(q: string, limit: number): Promise<FoundEntries>;
  /**
   * Entries matching a filter and a text query (every phrase in the payload's text), tested one by one,
   * at most `scan` examined per call: see SearchRequest. The text is indexed as entries are written.
   */
  search(req: SearchRequest): Promise<SearchPage>;

  /**
   * Calls `fn` after every write transaction: with no argument when it was committed, with the error
   * when it failed (full disk, read-only file, I/O error). Where several engines share the journal
   * (PostgreSQL), also when another engine committed, with `peer` true. Returns a function that stops
   * watching.
   */
  watchWrites(fn: (error?: unknown, peer?: boolean) => void): () => void;
  /** A small real write that leaves nothing behind: rejects while the journal cannot write. */
  probe(): Promise<void>;

  /**
   * Where several engines share the journal (PostgreSQL, docs/scale-out.md): once boot recovery ran,
   * the unfinished entries and orchestration runs this engine adopts from engines that died are handed
   * to `fn`, to be recovered as boot recovery does; so is the unowned work it claims for the listeners it
   * runs (`claimed` true), when engines run different listeners.
   */
  onAdoption?(fn: (entries: UnfinishedEntry[], runs: string[], claimed: boolean) => Promise<void>): void;
  /**
   * Where several engines share the journal (PostgreSQL): the replies to `system.sequence` and
   * `system.buffer` that answer any of `forwards` (message ids) and were handled (ACKED), on whichever
   * engine. An answer reaches the engine that wrote it, which may not hold the run it answers; the engine
   * that does takes it in from here (lifecycle/orchestration/peer-answers.ts).
   */
  answersTo?(forwards: readonly string[]): Promise<OrchestrationAnswer[]>;
  /**
   * Where several engines share the journal: `fn` hears once that another engine adopted this one's
   * work (it was found dead). The journal then refuses every write, and the engine must end.
   */
  onFenced?(fn: (reason: string) => void): void;
  /** Where several engines share the journal: what they tell each other (peers.ts). */
  readonly peers?: Peers;
  /**
   * Where several engines share the journal and this one runs only some listeners: whether it runs
   * `listener`. Entries for the others are recorded unowned, for the engines that run them to claim.
   */
  readonly runsHere?: ((listener: string) => boolean) | undefined;

  /** Resolves once everything written so far is committed. */
  flush(): Promise<void>;
  close(): Promise<void>;
}
