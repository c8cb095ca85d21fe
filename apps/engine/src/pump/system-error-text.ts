import type { EngineErrorCode } from '@organism/shared';
import { retryableCodes } from '@organism/shared';
import type { SystemErrorPayload } from '@organism/shared';

// What a sender is told. Fixed texts: the detail (which listener, which peer, the stack) goes to operators.
const TEXT: Partial<Record<EngineErrorCode, string>> = {
  HANDLER_ERROR: 'the message could not be processed',
  HANDLER_TIMEOUT: 'the message was not processed in time',
  PEER_VIOLATION: 'the message could not be processed: a route it needed is not permitted',
  INVALID_REPLY: 'the message could not be processed: an answer was invalid',
  UNKNOWN_ROUTE: 'the message could not be processed: a route it needed does not exist',
  FILTER_REJECTED: 'the message could not be processed: a listener it needed does not take it',
  DEPTH_EXCEEDED: 'the message could not be processed: the conversation is too deep',
  HOP_LIMIT_EXCEEDED: 'the message could not be processed: the conversation went on too long',
};

/** The SystemError payload for a failure: code, a topology-free message, and whether to try again. */
export function systemErrorFor(code: EngineErrorCode, retryable = true): SystemErrorPayload {
  const message = TEXT[code] ?? 'the message could not be processed';
  return { code, message, retryAllowed: retryable && retryableCodes.has(code) };
}
