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
import type { Delivery } from '../pump/delivery.ts';
import type { DispatchHooks } from '../pump/dispatch-hooks.ts';

/** What `retryMany` would touch (dry run) or touched. */
export interface RetryManyResult {
  count: number;
  /** Up to 10 of the entries, for a preview. */
  sample: MessageSummary[];
  /** The deliveries to hand back to the pump (empty on a dry run). */
  deliveries: Delivery[];
}

/**
 * Certified mail. Every implementation passes the same contract suite (journal-contract.ts).
 * It attaches to the pump through `hooks`; writes are batched (group commit) and a hook's promise
 * resolves once its batch is committed (and fsynced in strict mode).
 */
export interface Journal {
  readonly durability: JournalStats['durability'];
  readonly hooks: DispatchHooks;

  /** PENDING and DISPATCHED entries left by an earlier run, oldest first, as deliveries to re-queue. */
  unfinished(): Promise<Delivery[]>;
  /** Marks an entry FAILED without dispatching it (its attempts ran out before a crash). */
  exhaust(id: string, detail: string): Promise<void>;
  /** Puts a FAILED entry back to PENDING; returns the delivery to re-queue. Throws JournalError. */
  retry(id: string): Promise<Delivery>;
  retryMany(filter: MessageFilter, opts: { dryRun: boolean }): Promise<RetryManyResult>;
  /** Removes a FAILED entry for good (the event log keeps a DISCARDED transition). */
  discard(id: string): Promise<void>;
  /** Deletes ACKED entries last updated before `cutoff` (ms); returns how many. */
  prune(cutoff: number): Promise<number>;

  stats(now?: number): Promise<JournalStats>;
  listMessages(input: MessageListInput): Promise<Page<MessageSummary>>;
  listThreads(input: ThreadListInput): Promise<Page<ThreadSummary>>;
  getMessage(id: string): Promise<MessageDetail | undefined>;
  /** Transitions with `seq > afterSeq`, in order: the stream the console follows and resumes. */
  transitions(afterSeq: number, limit: number): Promise<Transition[]>;

  /**
   * Calls `fn` after every write transaction: with no argument when it was committed, with the error
   * when it failed (full disk, read-only file, I/O error). Returns a function that stops watching.
   */
  watchWrites(fn: (error?: unknown) => void): () => void;
  /** A small real write that leaves nothing behind: rejects while the journal cannot write. */
  probe(): Promise<void>;

  /** Resolves once everything written so far is committed. */
  flush(): Promise<void>;
  close(): Promise<void>;
}
