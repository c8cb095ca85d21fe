import type {
  ExtensionFailure,
  ExtensionStore,
  FailurePlace,
} from '../../journal/extensions/extension-store.ts';
import { backoffDelay } from '../../pump/backoff.ts';
import { newMessageId } from '../../pump/message-id.ts';
import type { RetryPolicy } from '../../pump/listener.ts';
import type { DispatchEvent } from './extension-api.ts';
import { errorText } from './handler-runner.ts';

/** Its failures are counted again at most this often, unless it changed them itself (or an operator did). */
const RECOUNT_EVERY_MS = 1_000;
/** Failures run again per read of those due. */
const DUE_PAGE = 100;

/** A failure as operators see it: the event, which handler, how often and why. */
export interface DurableFailure {
  id: string;
  handler: string;
  seq: number;
  type: string;
  event: DispatchEvent;
  attempts: number;
  lastError: string;
  /** When it runs again; null: a dead letter, waiting for an operator. */
  nextAt: number | null;
  createdAt: number;
  updatedAt: number;
}

/** A failure read back to run again, its event parsed. */
export interface DueFailure {
  failure: ExtensionFailure;
  event: DispatchEvent;
}

/**
 * A durable extension's failures in the store (`extension_failures`): the events its handlers failed on,
 * each with its attempts and next attempt (with backoff), or none once its retries are spent (a dead
 * letter, until an operator retries it); and their counts, kept in memory. Between counts only this
 * extension's own changes are known: another engine's, sharing a PostgreSQL journal, are seen at the next
 * count, at most `RECOUNT_EVERY_MS` later.
 */
export class DurableFailures {
  /** Failures waiting for their next attempt, and dead letters, as last counted. */
  counts = { retrying: 0, dead: 0 };
  /** When they were last counted, and whether this extension changed them since. */
  private counted = { at: 0, changed: false };

  constructor(
    private readonly store: ExtensionStore,
    private readonly extension: string,
  ) {}

  /** Counts them in the store. */
  async recount(): Promise<void> {
    this.counted = { at: Date.now(), changed: false };
    this.counts = await this.store.counts(this.extension);
  }

  /** Counts them again if this extension changed them since the last count, or a while has passed. */
  async recountIfStale(): Promise<void> {
    if (this.counted.changed || Date.now() - this.counted.at >= RECOUNT_EVERY_MS) await this.recount();
  }

  /** Dead letters first, then oldest first; at most `limit`. */
  async list(limit: number, after?: FailurePlace | null): Promise<DurableFailure[]> {
    return (await this.store.failures(this.extension, limit, after)).map((f) => {
      const event = JSON.parse(f.event) as DispatchEvent;
      return {
        id: f.id,
        handler: f.handler,
        seq: f.seq,
        type: event.type,
        event,
        attempts: f.attempts,
        lastError: f.lastError,
        nextAt: f.nextAt,
        createdAt: f.createdAt,
        updatedAt: f.updatedAt,
      };
    });
  }

  /** Makes a failure due now (a dead letter gets a fresh set of attempts). False: no such failure. */
  async retry(id: string): Promise<boolean> {
    const f = await this.store.get(id);
    if (!f || f.extension !== this.extension) return false;
    const now = Date.now();
    await this.store.updateFailure(id, { attempts: 0, lastError: f.lastError, nextAt: now, updatedAt: now });
    await this.recount();
    return true;
  }

  /** Makes every dead letter due now, each with a fresh set of attempts; returns how many. */
  async retryDead(): Promise<number> {
    const n = await this.store.reviveDead(this.extension, Date.now());
    await this.recount();
    return n;
  }

  /** Forgets every dead letter for good; returns how many. Failures waiting for a retry stay. */
  async discardDead(): Promise<number> {
    const n = await this.store.removeDead(this.extension);
    await this.recount();
    return n;
  }

  /** Forgets a failure for good. False: no such failure. */
  async discard(id: string): Promise<boolean> {
    const f = await this.store.get(id);
    if (!f || f.extension !== this.extension) return false;
    const removed = await this.store.removeFailure(id);
    await this.recount();
    return removed;
  }

  /**
   * Writes down an event `handler` failed on at its first attempt, due again after its backoff, or dead
   * at once when its policy allows one attempt; returns whether it is dead.
   */
  async add(handler: string, retry: RetryPolicy, seq: number, event: DispatchEvent, err: unknown) {
    const now = Date.now();
    const dead = retry.maxAttempts <= 1;
    await this.store.addFailure({
      // Time-ordered, as an entry's: failures are listed by when they were made, then by id, so those
      // made in one millisecond keep the order they came in (and a page of them its place).
      id: newMessageId(),
      extension: this.extension,
      handler,
      seq,
      event: JSON.stringify(event),
      attempts: 1,
      lastError: errorText(err),
      nextAt: dead ? null : now + backoffDelay(retry, 1),
      createdAt: now,
      updatedAt: now,
    });
    this.counted.changed = true;
    return dead;
  }

  /**
   * Runs `run` on each failure due now, soonest first, a page at a time, until none is due or `stopped`
   * says so. Whatever `run` does with a failure, it is no longer due at once: it is removed, or its next
   * attempt is later, or it is dead.
   */
  async runDue(run: (due: DueFailure) => Promise<void>, stopped: () => boolean): Promise<void> {
    if (this.counts.retrying === 0) return;
    for (;;) {
      const due = await this.store.due(this.extension, Date.now(), DUE_PAGE);
      if (due.length > 0) this.counted.changed = true;
      for (const failure of due) {
        if (stopped()) return;
        await run({ failure, event: JSON.parse(failure.event) as DispatchEvent });
      }
      if (due.length < DUE_PAGE) return;
    }
  }

  /** A failure run again that succeeded: forgotten. */
  async succeeded(f: ExtensionFailure): Promise<void> {
    await this.store.removeFailure(f.id);
  }

  /**
   * A failure run again that failed at `attempt`: due again after its backoff, or dead once its policy's
   * attempts are spent (or with no `retry`: its handler is gone); returns whether it is dead.
   */
  async failedAgain(f: ExtensionFailure, attempt: number, err: unknown, retry?: RetryPolicy) {
    const dead = retry === undefined || attempt >= retry.maxAttempts;
    const at = Date.now();
    await this.store.updateFailure(f.id, {
      attempts: attempt,
      lastError: errorText(err),
      nextAt: dead ? null : at + backoffDelay(retry, attempt),
      updatedAt: at,
    });
    return dead;
  }

  /** When the next retry is due, if any is waiting as last counted. */
  async nextDue(): Promise<number | undefined> {
    return this.counts.retrying === 0 ? undefined : this.store.nextDue(this.extension);
  }
}
