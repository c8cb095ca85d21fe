import type { Journal, RecordedTransition } from '../../journal/journal.ts';
import type { DeliveryRecord, DispatchEvent } from './extension-api.ts';

/** A dispatch event rebuilt from the event log, with the sequence number of the transition it ends at. */
export interface LoggedEvent {
  seq: number;
  event: DispatchEvent;
}

/** Threads (and outputs) remembered at most; past it the oldest are forgotten (see `partial`). */
const REMEMBERED = 50_000;

/**
 * Rebuilds the dispatch protocol (docs/extensions.md) from the journal's event log, page by page, for a
 * durable extension. The log has every fact the live hooks carry, in order, within each transaction:
 *
 * - a new entry is PENDING (an egress reply is ACKED at once); a hop's outputs are logged just before
 *   the hop's own ACKED or FAILED, so a run of new entries with one parent followed by that parent's
 *   outcome are its outputs, and any other new entry (or an operator's retry) is an intent;
 * - a failure with a retry ahead is FAILED followed by PENDING of the same entry (`willRetry`);
 * - a thread completes at the outcome that leaves none of its entries PENDING or DISPATCHED. The reader
 *   counts the entries it saw open; for a thread some of whose entries it did not see opened (they came
 *   before it started reading), it asks the journal's thread counts instead.
 *
 * A page's tail that may continue on the next page (a FAILED whose retry may follow, a run of outputs
 * whose parent's outcome may follow) is left for the next page: `convert` says where it stopped.
 */
export class DispatchLog {
  /** Open entries per thread, as far as this reader saw them opened. */
  private readonly open = new Map<string, Set<string>>();
  /** Threads with a failed entry since they were last complete. */
  private readonly failed = new Set<string>();
  /** Threads with entries this reader did not see opened: their completion is checked in the journal. */
  private readonly partial = new Set<string>();

  /** Reads rows before the reader's start: the threads they touch count as partial. */
  prime(rows: readonly RecordedTransition[]): void {
    for (const r of rows) if (r.threadId !== null) this.remember(this.partial, r.threadId);
  }

  /**
   * The events of a page read after `afterSeq` (`full`: the page had as many rows as asked, so more may
   * follow), and the sequence number up to which the page was used: the next read starts after it.
   */
  convert(
    rows: readonly RecordedTransition[],
    afterSeq: number,
    full: boolean,
  ): { events: LoggedEvent[]; upTo: number } {
    const events: LoggedEvent[] = [];
    let upTo = afterSeq;
    let i = 0;
    while (i < rows.length) {
      const r = rows[i] as RecordedTransition;
      // Refused input has no route, and a discarded dead letter's route is gone with it.
      if (r.to === null || r.threadId === null || r.state === 'DISCARDED') {
        upTo = r.seq;
        i++;
        continue;
      }
      const thread = r.threadId;
      if (r.parentId !== null && isNew(r)) {
        let j = i;
        while (j < rows.length && rows[j]?.parentId === r.parentId && isNew(rows[j] as RecordedTransition))
          j++;
        const outcome = rows[j];
        if (!outcome && full) break;
        if (
          outcome &&
          outcome.messageId === r.parentId &&
          (outcome.state === 'ACKED' || outcome.state === 'FAILED')
        ) {
          const outputs = rows.slice(i, j);
          for (const o of outputs) if (!o.egress) this.opened(thread, o.messageId);
          const next = this.outcome(outcome, rows[j + 1], outputs.map(record), full);
          if (!next) break;
          events.push(...next.events);
          upTo = rows[j + next.used - 1]?.seq ?? upTo;
          i = j + next.used;
          continue;
        }
      }
      if (r.state === 'PENDING') {
        // A new entry with no hop behind it (from outside, a republish), or an operator's retry.
        this.opened(thread, r.messageId);
        events.push({ seq: r.seq, event: { type: 'dispatch.intent', at: r.at, delivery: record(r) } });
      } else if (r.state === 'DISPATCHED') {
        if (!this.open.get(thread)?.has(r.messageId)) this.remember(this.partial, thread);
        events.push({ seq: r.seq, event: { type: 'dispatch.dispatched', at: r.at, delivery: record(r) } });
      } else {
        const next = this.outcome(r, rows[i + 1], [], full);
        if (!next) break;
        events.push(...next.events);
        upTo = rows[i + next.used - 1]?.seq ?? upTo;
        i += next.used;
        continue;
      }
      upTo = r.seq;
      i++;
    }
    return { events, upTo };
  }

  /**
   * An ACKED or FAILED row (with `after`, the row after it) as events, and how many rows it used (2 for a
   * failure followed by its retry's PENDING). Undefined: the page ends where its retry may follow.
   */
  private outcome(
    r: RecordedTransition,
    after: RecordedTransition | undefined,
    outputs: DeliveryRecord[],
    full: boolean,
  ): { events: LoggedEvent[]; used: number } | undefined {
    const thread = r.threadId as string;
    const delivery = record(r);
    if (r.state === 'ACKED') {
      if (r.egress) return { events: [], used: 1 };
      const events: LoggedEvent[] = [
        { seq: r.seq, event: { type: 'dispatch.acknowledged', at: r.at, delivery, outputs } },
      ];
      return { events: [...events, ...this.closed(r)], used: 1 };
    }
    if (!after && full) return undefined;
    const willRetry = after?.messageId === r.messageId && after.state === 'PENDING';
    const failed: LoggedEvent = {
      seq: willRetry && after ? after.seq : r.seq,
      event: {
        type: 'dispatch.failed',
        at: r.at,
        delivery,
        code: r.errorCode ?? 'INTERNAL',
        message: r.detail ?? '',
        willRetry,
      },
    };
    if (willRetry) {
      if (!this.open.get(thread)?.has(r.messageId)) this.remember(this.partial, thread);
      return { events: [failed], used: 2 };
    }
    this.remember(this.failed, thread);
    return { events: [failed, ...this.closed(r)], used: 1 };
  }

  /** The entry of an outcome row is no longer open: its thread's completion, if that was the last. */
  private closed(r: RecordedTransition): LoggedEvent[] {
    const thread = r.threadId as string;
    const open = this.open.get(thread);
    if (!open?.delete(r.messageId)) this.remember(this.partial, thread);
    if (open && open.size > 0) return [];
    const partial = this.partial.has(thread);
    if (partial && r.threadOpen !== 0) return [];
    const failed = this.failed.has(thread) || (partial && (r.threadFailed ?? 0) > 0);
    this.open.delete(thread);
    this.failed.delete(thread);
    this.partial.delete(thread);
    return [
      {
        seq: r.seq,
        event: {
          type: 'dispatch.thread-complete',
          at: r.at,
          threadId: thread,
          outcome: failed ? 'failed' : 'completed',
        },
      },
    ];
  }

  private opened(thread: string, id: string): void {
    let open = this.open.get(thread);
    if (!open) {
      if (this.open.size >= REMEMBERED) this.forgetOldest();
      open = new Set();
      this.open.set(thread, open);
    }
    open.add(id);
  }

  /** A thread forgotten is partial from then on: the journal decides its completion. */
  private forgetOldest(): void {
    const oldest = this.open.keys().next().value;
    if (oldest === undefined) return;
    this.open.delete(oldest);
    this.remember(this.partial, oldest);
  }

  private remember(set: Set<string>, thread: string): void {
    if (set.size >= REMEMBERED && !set.has(thread)) {
      const oldest = set.values().next().value;
      if (oldest !== undefined) set.delete(oldest);
    }
    set.add(thread);
  }
}

/**
 * The events after `cursor`, read in a page of `size` rows (more when one unit of the log, a hop's
 * outputs with its outcome, does not fit in it), and the sequence number they reach (`cursor` when there
 * is nothing new). `more`: the page was full, so more rows may wait.
 */
export async function readEvents(
  journal: Pick<Journal, 'recordedTransitions'>,
  log: DispatchLog,
  cursor: number,
  size: number,
): Promise<{ events: LoggedEvent[]; upTo: number; more: boolean }> {
  for (let limit = size; ; limit *= 2) {
    const rows = await journal.recordedTransitions(cursor, limit);
    const full = rows.length === limit;
    const { events, upTo } = log.convert(rows, cursor, full);
    if (upTo > cursor || !full) return { events, upTo, more: full };
  }
}

/** A new entry's first row: PENDING, or ACKED at once for an egress reply. */
function isNew(r: RecordedTransition): boolean {
  return r.state === 'PENDING' || (r.state === 'ACKED' && r.egress);
}

function record(r: RecordedTransition): DeliveryRecord {
  return {
    id: r.messageId,
    threadId: r.threadId ?? '',
    from: r.from ?? '',
    to: r.to ?? '',
    root: r.root ?? '',
    kind: r.kind,
    attempt: r.attempt,
    payloadXml: r.payloadXml ?? '',
  };
}
