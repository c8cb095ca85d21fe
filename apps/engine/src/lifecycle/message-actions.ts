import { EngineError, RETRIED_IDS_MAX } from '@organism/shared';
import type {
  DiscardManyOutcome,
  MessageFilter,
  MessageProvenance,
  RetryManyOutcome,
  ThreadId,
} from '@organism/shared';
import type { BulkOptions, Journal } from '../journal/journal.ts';
import { shortEntryId } from '../journal/entry-record.ts';
import { JournalError } from '../journal/journal-error.ts';
import type { OperationsStore } from '../journal/operations/operations-store.ts';
import { wrapPayload } from '../pump/envelope/wrap-payload.ts';
import type { MessagePump, SubmitOptions, SubmitResult } from '../pump/message-pump.ts';

export interface MessageActionsDeps {
  journal: Journal;
  pump: MessagePump;
  operations: OperationsStore;
  /** The engine's intake: refused unless it runs and its journal can write. */
  submit: (xml: string, opts: SubmitOptions) => Promise<SubmitResult>;
  maxMessageBytes: () => number;
}

/** A bulk action asked for: a dry run only counts and samples; `by` is the operator, said in each history. */
export interface OperatorBulk {
  dryRun: boolean;
  by?: string;
}

/** What an operator's action says in its transition: `retried by jane`; nothing without a name. */
function noteOf(done: string, by: string | undefined, bulk?: string): string | undefined {
  if (by === undefined) return undefined;
  return bulk ? `${done} by ${by} in a bulk ${bulk}` : `${done} by ${by}`;
}

/** A bulk action's options for the journal: `retried by jane in a bulk retry` in each transition. */
function bulkOf(opts: OperatorBulk, done: string, bulk: string): BulkOptions {
  const note = noteOf(done, opts.by, bulk);
  return note === undefined ? { dryRun: opts.dryRun } : { dryRun: opts.dryRun, note };
}

/**
 * What operators do to messages from the console and the CLI: send, republish, retry and discard them,
 * and kill threads.
 */
export class MessageActions {
  constructor(private readonly deps: MessageActionsDeps) {}

  /**
   * Sends a payload from the console: wrapped in an envelope from `from`, then like any producer's. With
   * `republishOf` (an existing message's id, NOT_FOUND otherwise) each new entry is linked to it.
   */
  async inject(input: {
    from: string;
    to?: string;
    thread?: string;
    payloadXml: string;
    republishOf?: string;
  }): Promise<SubmitResult> {
    const { journal, operations } = this.deps;
    const source = input.republishOf;
    if (source !== undefined && !(await journal.getMessage(source)))
      throw new EngineError('NOT_FOUND', `no message ${source} to republish`);
    const wrapped = wrapPayload(input, input.payloadXml, this.deps.maxMessageBytes());
    if (!wrapped.ok) return wrapped;
    const res = await this.deps.submit(wrapped.xml, { wait: false });
    if (res.ok && source !== undefined) {
      const at = Date.now();
      await operations.recordRepublish(
        res.messageIds.map((messageId) => ({ messageId, sourceId: source, actor: input.from, at })),
      );
    }
    return res;
  }

  /** Where a message was republished from, and what it was republished as (console sends only). */
  async provenance(id: string): Promise<MessageProvenance> {
    const { operations } = this.deps;
    const [of, as] = await Promise.all([operations.republishOf(id), operations.republishedAs(id)]);
    return {
      republishOf: of ? { id: of.sourceId, by: of.actor, at: of.at } : null,
      republishedAs: as.map((l) => ({ id: l.messageId, by: l.actor, at: l.at })),
    };
  }

  /**
   * Puts a dead letter back in the queue; one whose listener is gone is refused and stays dead. `by`, the
   * operator, is said in its history (`retried by jane`).
   */
  async retry(messageId: string, by?: string): Promise<void> {
    const { journal, pump } = this.deps;
    const d = await journal
      .retry(messageId, noteOf('retried', by))
      .catch((err: unknown) => this.whyNot(err, messageId));
    if (!pump.listeners.get(d.to)) {
      await journal.exhaust(d.id, `listener ${d.to} no longer exists`);
      throw new JournalError(
        'NOT_RETRYABLE',
        `message ${shortEntryId(d.id)} is for ${d.to}, which is no longer a listener here: it stays a dead letter until ${d.to} is back`,
      );
    }
    pump.redeliver(d);
  }

  /**
   * `err` as thrown, but for a refusal of an entry that is no dead letter any more because an operator
   * retried it (a FAILED transition in its past): that is what the one refused wants to know.
   */
  private async whyNot(err: unknown, messageId: string): Promise<never> {
    if (!(err instanceof EngineError) || (err.code !== 'NOT_RETRYABLE' && err.code !== 'CONFLICT')) throw err;
    const m = await this.deps.journal.getMessage(messageId).catch(() => undefined);
    if (!m || m.state === 'FAILED' || !m.transitions.some((t) => t.state === 'FAILED')) throw err;
    const now =
      m.state === 'ACKED' ? ' and it was delivered' : m.state === 'DISPATCHED' ? ' and it is running' : '';
    throw new JournalError(
      err.code,
      `message ${shortEntryId(m.id)} is ${m.state} now, not a dead letter: someone retried it${now}`,
      { cause: err },
    );
  }

  /**
   * Retries every dead letter matching `filter`, answering the ids it retried (the first
   * `RETRIED_IDS_MAX`); a dry run only counts them and shows a sample. `by`, the operator, is said in each
   * one's history (`retried by jane in a bulk retry`).
   */
  async retryMany(filter: MessageFilter, opts: OperatorBulk): Promise<RetryManyOutcome> {
    const { journal, pump } = this.deps;
    const ids: string[] = [];
    // Each chunk re-queued as soon as it is committed back to PENDING.
    const result = await journal.retryMany(filter, bulkOf(opts, 'retried', 'retry'), async (ds) => {
      for (const d of ds) {
        if (ids.length < RETRIED_IDS_MAX) ids.push(d.id);
        if (pump.listeners.get(d.to)) pump.redeliver(d);
        else await journal.exhaust(d.id, `listener ${d.to} no longer exists`);
      }
    });
    return opts.dryRun
      ? { count: result.count, sample: result.sample }
      : { count: result.count, sample: result.sample, ids };
  }

  /**
   * Stops a thread: queued and retry-waiting work fails as KILLED; running handlers' outputs are dropped.
   * How many deliveries it stopped, or undefined when there is no such thread (none open here, and none in
   * the journal).
   */
  async killThread(threadId: string, actor: string): Promise<number | undefined> {
    const { journal, pump } = this.deps;
    const id = threadId as ThreadId;
    const known =
      pump.hasOpenThread(id) || (await journal.listMessages({ threadId, limit: 1 })).items.length > 0;
    return known ? pump.killThread(id, `killed by ${actor}`) : undefined;
  }

  /** Removes a dead letter for good; CONFLICT for one that is no dead letter (saying why). */
  async discard(messageId: string, by?: string): Promise<void> {
    await this.deps.journal
      .discard(messageId, noteOf('discarded', by))
      .catch((err: unknown) => this.whyNot(err, messageId));
  }
  /** Discards every dead letter matching `filter`, refused input too; a dry run only counts and samples. */
  discardMany(filter: MessageFilter, opts: OperatorBulk): Promise<DiscardManyOutcome> {
    return this.deps.journal.discardMany(filter, bulkOf(opts, 'discarded', 'discard'));
  }
}
