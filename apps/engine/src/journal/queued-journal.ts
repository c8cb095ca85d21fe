import type { MessageFilter, MessageSummary } from '@organism/shared';
import type { Delivery } from '../pump/delivery.ts';
import type { DispatchHooks } from '../pump/dispatch-hooks.ts';
import {
  assertDiscardable,
  foundEntry,
  recordExhausted,
  recordFailure,
  retryableDelivery,
  shortEntryId,
  toDelivery,
  toSummary,
} from './entry-record.ts';
import type { EntryRow } from './entry-record.ts';
import type {
  BulkOptions,
  DiscardManyResult,
  FailedScope,
  RecoveryPlan,
  RetryManyResult,
} from './journal.ts';
import { JournalError } from './journal-error.ts';
import { guarded } from './journal-outage.ts';
import { loadPayload } from './sqlite/recovered-delivery.ts';
import { rejectionEntry } from './rejection-record.ts';
import type { BatchValue, WriteRecorder } from './sqlite/write-ops.ts';
import type { WriteQueue } from './sqlite/write-queue.ts';

/** How many entries a bulk retry or discard shows. */
const SAMPLE = 5;
/** Dead letters a bulk retry or discard reads and moves per transaction, at most (`pruneChunk` if smaller). */
const BULK_CHUNK = 500;

/** The ids a batch's operator actions left alone (another took them first), from its value. */
const leftIds = (value: BatchValue | undefined): readonly string[] => (Array.isArray(value) ? value : []);

/**
 * The dispatch hooks of a journal whose writes go through a WriteQueue (SQLite, PostgreSQL): each hook
 * the pump waits on commits; the others are written with the next batch. `redelivered` holds the
 * deliveries boot recovery handed back whose start is not yet committed (QueuedOperations fills it).
 */
export function queuedHooks(writes: WriteQueue, now: () => number, redelivered: Set<string>): DispatchHooks {
  return {
    onIntent: (ds) => writes.commit((w) => w.add(ds)),
    onDispatched: (d) => {
      // A redelivery's start is committed before its handler runs (the pump waits for this promise, and
      // the starts of a burst share one commit), so a handler that kills the process is counted. Every
      // other start is written with the next batch.
      // A recovered delivery's payload is read then (sqlite/recovered-delivery.ts): a read that fails
      // fails this promise, and the pump leaves the entry unfinished for the next run.
      if (redelivered.delete(d.id))
        return writes
          .commit((w) => started(w, d, now()))
          .then(() => guarded(`read the payload of entry ${d.id}`, () => loadPayload(d)));
      writes.enqueue((w) => started(w, d, now()));
      return undefined;
    },
    onAcknowledged: (d, outputs) =>
      // Outputs first: the event log then shows a hop's outputs before its acknowledgement, so a reader
      // of the log (a durable extension) knows them when it reaches the ACKED transition.
      writes.commit((w) => {
        w.add(outputs);
        w.move(d.id, d.threadId, 'ACKED', d.attempt, now());
      }),
    onFailed: (d, failure, outcome) => {
      // One that fails before it started (a killed thread's queued work) is not waited for any more.
      redelivered.delete(d.id);
      return writes.commit((w) => recordFailure(w, d, failure, outcome, now()));
    },
    onRejected: (r) =>
      writes.enqueue((w) => {
        const entry = rejectionEntry(r, now());
        w.insert(entry);
        w.log(entry.id, entry.threadId, 'FAILED', 0, entry.createdAt, {
          code: r.error.code,
          detail: entry.errorDetail,
        });
      }),
  };
}

/** A delivery's start. At module level: an arrow function made per delivery would be named per delivery. */
function started(w: WriteRecorder, d: Delivery, at: number): void {
  w.move(d.id, d.threadId, 'DISPATCHED', d.attempt, at);
}

/** What the operator's operations read from a database (synchronously for SQLite, or not). */
export interface EntryReads {
  row(id: string): EntryRow | undefined | Promise<EntryRow | undefined>;
  failedMatching(
    filter: MessageFilter,
    opts?: FailedScope & { limit?: number; after?: EntryRow },
  ): EntryRow[] | Promise<EntryRow[]>;
  countFailedMatching(filter: MessageFilter, opts?: FailedScope): number | Promise<number>;
  /**
   * A bulk retry's next chunk, where the database can leave its payloads in the journal until each
   * delivery runs (SQLite: `RecoveredDelivery`); where it cannot, `failedMatching` is read.
   */
  retryChunk?(
    filter: MessageFilter,
    opts: { limit: number; after?: EntryRow },
  ): { rows: EntryRow[]; deliveries: Delivery[] };
}

/**
 * The journal's operations on entries (an operator's retry and discard, boot recovery's dead letters,
 * retention), the same on every database whose writes go through a WriteQueue. Each first waits for
 * what is already written, then reads, then commits; an outage rejects as JOURNAL_UNAVAILABLE.
 */
export class QueuedOperations {
  /** Deliveries handed back by boot recovery whose start is not yet committed (see queuedHooks). */
  readonly redelivered = new Set<string>();

  constructor(
    private readonly writes: WriteQueue,
    private readonly reads: EntryReads,
    private readonly now: () => number,
    /** ACKED entries retention deletes per transaction. */
    private readonly pruneChunk: number,
  ) {}

  /** Dead letters a bulk retry or discard takes per transaction. */
  private get bulkChunk(): number {
    return Math.min(this.pruneChunk, BULK_CHUNK);
  }

  recordRecovery(plan: RecoveryPlan): Promise<void> {
    return guarded('record the recovery', async () => {
      await this.writes.flush();
      await this.writes.commit((w) => recordExhausted(w, plan, this.now()));
      for (const d of plan.redeliver) this.redelivered.add(d.id);
    });
  }

  exhaust(id: string, detail: string): Promise<void> {
    this.redelivered.delete(id);
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

  retry(id: string, note?: string): Promise<Delivery> {
    return guarded(`retry entry ${id}`, async () => {
      const d = retryableDelivery(await this.existing(id));
      const left = await this.writes.commitAlone((w) =>
        w.retry(d.id, d.threadId, d.attempt - 1, this.now(), note ?? null),
      );
      if (leftIds(left).includes(id)) await this.refuseMoved(id, 'NOT_RETRYABLE');
      return d;
    });
  }

  retryMany(
    filter: MessageFilter,
    opts: BulkOptions,
    onRetried?: (ds: readonly Delivery[]) => void | Promise<void>,
  ): Promise<RetryManyResult> {
    return guarded('retry dead letters', async () => {
      await this.writes.flush();
      if (opts.dryRun) {
        // A preview counts in SQL and reads five rows, however many dead letters match.
        const sample = (await this.reads.failedMatching(filter, { limit: SAMPLE })).map(toSummary);
        return { count: await this.reads.countFailedMatching(filter), sample, deliveries: [] };
      }
      // A chunk read and moved per transaction, the oldest first, each handed on (`onRetried`) once it is
      // committed: the pump's commits go on between them, and a journal outage halfway leaves nothing
      // moved but not handed on. The chunks follow each other by their key (`after`), so a retried entry
      // that fails again meanwhile is not taken twice; only entries made before the retry began are taken.
      const bounded = { ...filter, until: Math.min(filter.until ?? Infinity, this.now()) };
      const deliveries: Delivery[] = [];
      let sample: MessageSummary[] | undefined;
      let after: EntryRow | undefined;
      for (;;) {
        const { rows, deliveries: chunk, lazy } = await this.retryChunk(bounded, after);
        sample ??= rows.slice(0, SAMPLE).map(toSummary);
        if (rows.length === 0) break;
        const left = await this.writes.commitAlone((w) => {
          const now = this.now();
          for (const d of chunk) w.retry(d.id, d.threadId, d.attempt - 1, now, opts.note ?? null);
        });
        // What another operator took meanwhile (retried or discarded) is theirs.
        const taken = leftIds(left);
        const moved = taken.length > 0 ? chunk.filter((d) => !taken.includes(d.id)) : chunk;
        // A delivery whose payload waits in the journal has its start committed, and its payload read,
        // before its handler runs, as boot recovery's do (queuedHooks): a read that fails leaves it PENDING.
        if (lazy) for (const d of moved) this.redelivered.add(d.id);
        deliveries.push(...moved);
        if (moved.length > 0) await onRetried?.(moved);
        after = rows.at(-1);
        if (rows.length < this.bulkChunk) break;
      }
      return { count: deliveries.length, sample: sample ?? [], deliveries };
    });
  }

  /** A bulk retry's next chunk after `after`: payloads left in the journal where the database can. */
  private async retryChunk(
    filter: MessageFilter,
    after: EntryRow | undefined,
  ): Promise<{ rows: EntryRow[]; deliveries: Delivery[]; lazy: boolean }> {
    const limit = this.bulkChunk;
    if (this.reads.retryChunk) return { ...this.reads.retryChunk(filter, { limit, after }), lazy: true };
    const rows = await this.reads.failedMatching(filter, { limit, after });
    return { rows, deliveries: rows.map(toDelivery), lazy: false };
  }

  discardMany(filter: MessageFilter, opts: BulkOptions): Promise<DiscardManyResult> {
    return guarded('discard dead letters', async () => {
      await this.writes.flush();
      const all = { all: true };
      if (opts.dryRun) {
        const sample = (await this.reads.failedMatching(filter, { ...all, limit: SAMPLE })).map(toSummary);
        return { count: await this.reads.countFailedMatching(filter, all), sample };
      }
      // A chunk read and discarded per transaction, the oldest first: memory stays bounded however many
      // match (refused input keeps its raw text), and the pump's commits go on between them. What arrives
      // meanwhile is left alone: only entries made before the discard began are taken.
      const bounded = { ...filter, until: Math.min(filter.until ?? Infinity, this.now()) };
      let count = 0;
      let sample: MessageSummary[] | undefined;
      for (;;) {
        const rows = await this.reads.failedMatching(bounded, { ...all, limit: this.bulkChunk });
        sample ??= rows.slice(0, SAMPLE).map(toSummary);
        if (rows.length === 0) break;
        const left = await this.writes.commitAlone((w) => {
          const now = this.now();
          for (const r of rows) w.discard(r.id, r.threadId, r.attempts, now, opts.note ?? null);
        });
        count += rows.length - leftIds(left).length;
        if (rows.length < this.bulkChunk) break;
      }
      return { count, sample: sample ?? [] };
    });
  }

  discard(id: string, note?: string): Promise<void> {
    return guarded(`discard entry ${id}`, async () => {
      const row = await this.existing(id);
      assertDiscardable(row);
      const left = await this.writes.commitAlone((w) =>
        w.discard(id, row.threadId, row.attempts, this.now(), note ?? null),
      );
      if (leftIds(left).includes(id)) await this.refuseMoved(id, 'CONFLICT');
    });
  }

  prune(cutoff: number): Promise<number> {
    return guarded('prune old entries', async () => {
      await this.writes.flush();
      // A chunk per transaction: the write lock is held briefly, so the pump's commits and an operator's
      // write (a login's session) go on between chunks instead of waiting for the whole prune.
      let pruned = 0;
      for (;;) {
        const value = await this.writes.commitAlone((w) => w.prune(cutoff, this.pruneChunk));
        const n = typeof value === 'number' ? value : 0;
        pruned += n;
        if (n < this.pruneChunk) return pruned;
      }
    });
  }

  /**
   * Throws why an operator's action on `id` was left alone: another took it between the read and the
   * commit (NOT_FOUND once discarded; once retried, NOT_RETRYABLE for a retry, CONFLICT for a discard).
   */
  private async refuseMoved(id: string, code: 'NOT_RETRYABLE' | 'CONFLICT'): Promise<never> {
    const row = foundEntry(await this.reads.row(id), id);
    throw new JournalError(
      code,
      `message ${shortEntryId(id)} is ${row.state} now, not a dead letter: another action took it first`,
    );
  }

  /** The entry `id` once everything written so far is committed; NOT_FOUND when there is none. */
  private async existing(id: string): Promise<EntryRow> {
    await this.writes.flush();
    return foundEntry(await this.reads.row(id), id);
  }
}
