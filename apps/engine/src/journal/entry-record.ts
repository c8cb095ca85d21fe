import type { MessageId, MessageState, MessageSummary, ThreadId, TransitionState } from '@organism/shared';
import type { Delivery, DeliveryKind, DispatchFailure } from '../pump/delivery.ts';
import type { FailureOutcome } from '../pump/dispatch-hooks.ts';

/** The fields every journal stores for an entry; the chain as an array (SQLite keeps it as JSON). */
export interface EntryFields {
  id: string;
  threadId: string | null;
  parentId: string | null;
  from: string | null;
  to: string | null;
  root: string | null;
  kind: string;
  payload: string | null;
  state: MessageState;
  attempts: number;
  errorCode: string | null;
  egress: boolean;
  createdAt: number;
  updatedAt: number;
}

/** An entry as lists show it. */
export function toSummary(r: EntryFields): MessageSummary {
  return {
    id: r.id,
    threadId: r.threadId,
    parentId: r.parentId,
    from: r.from,
    to: r.to,
    root: r.root,
    kind: r.kind,
    state: r.state,
    attempts: r.attempts,
    errorCode: r.errorCode,
    egress: r.egress,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}

/** An entry handed back to the pump: its next attempt is one more than those already started. */
export function toDelivery(r: EntryFields, chain: readonly string[]): Delivery {
  return {
    id: r.id as MessageId,
    threadId: r.threadId as ThreadId,
    from: r.from ?? '',
    to: r.to ?? '',
    chain,
    root: r.root ?? '',
    payloadXml: r.payload ?? '',
    kind: r.kind as DeliveryKind,
    ...(r.parentId ? { parentId: r.parentId as MessageId } : {}),
    attempt: r.attempts + 1,
    createdAt: r.createdAt,
  };
}

/** The writes a journal offers `recordFailure`. */
export interface TransitionWriter {
  move(
    id: string,
    threadId: string | null,
    state: MessageState,
    attempt: number,
    now: number,
    error?: { code: string; detail: string | null } | null,
    nextAttemptAt?: number | null,
  ): void;
  log(
    id: string,
    threadId: string | null,
    state: TransitionState,
    attempt: number,
    now: number,
    error: { code: string; detail: string | null } | null,
  ): void;
  add(outputs: readonly Delivery[]): void;
}

/**
 * A failed delivery, the same in every journal: with a retry ahead the failure is logged and the entry
 * goes back to PENDING for its next attempt; otherwise it becomes FAILED, a dead letter. The
 * SystemError outputs are recorded in the same step.
 */
export function recordFailure(
  w: TransitionWriter,
  d: Delivery,
  failure: DispatchFailure,
  outcome: FailureOutcome,
  now: number,
): void {
  const error = { code: failure.code, detail: failure.detail ?? failure.message };
  if (outcome.retryAt !== undefined) {
    w.log(d.id, d.threadId, 'FAILED', d.attempt, now, error);
    w.move(d.id, d.threadId, 'PENDING', d.attempt, now, error, outcome.retryAt);
  } else {
    w.move(d.id, d.threadId, 'FAILED', d.attempt, now, error);
  }
  w.add(outcome.outputs);
}
