import type {
  DiagnosticEvent,
  MessageFailedEvent,
  MessageReceivedEvent,
  MessageSentEvent,
} from '@organism/shared';
import type { Delivery, DispatchFailure } from './delivery.ts';

/** The engine events that describe one delivery, built in one place. */
export function receivedEvent(d: Delivery): MessageReceivedEvent {
  const at = Date.now();
  return {
    type: 'message.received',
    at,
    messageId: d.id,
    threadId: d.threadId,
    from: d.from,
    to: d.to,
    root: d.root,
    attempt: d.attempt,
    waitedMs: at - d.createdAt,
  };
}

export function sentEvent(o: Delivery): MessageSentEvent {
  const kind = o.egress ? 'egress' : (o.kind as 'reply' | 'forward' | 'error');
  return {
    type: 'message.sent',
    at: Date.now(),
    messageId: o.id,
    threadId: o.threadId,
    from: o.from,
    to: o.to,
    root: o.root,
    kind,
  };
}

export function failedEvent(d: Delivery, failure: DispatchFailure, willRetry: boolean): MessageFailedEvent {
  return {
    type: 'message.failed',
    at: Date.now(),
    messageId: d.id,
    threadId: d.threadId,
    from: d.from,
    listener: d.to,
    code: failure.code,
    message: failure.message,
    ...(failure.detail ? { detail: failure.detail } : {}),
    attempt: d.attempt,
    willRetry,
  };
}

/** A delivery ran (or was killed) but its outcome could not be recorded: the journal keeps it unfinished. */
export function notRecordedEvent(d: Delivery): DiagnosticEvent {
  return {
    type: 'diagnostic',
    at: Date.now(),
    code: 'OUTCOME_NOT_RECORDED',
    message: `the outcome of ${d.id} (to ${d.to}) could not be recorded; it stays unfinished in the journal and runs again at the next start`,
    threadId: d.threadId,
  };
}
