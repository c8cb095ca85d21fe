/**
 * What a dead letter's code means for the operator, and whether retrying can help: one line each, by
 * code (never by the error's text). Codes without a hint show none.
 */
const DELIVERY: Record<string, string> = {
  HANDLER_ERROR: 'The handler threw. Read the detail; retry once the cause is fixed.',
  HANDLER_TIMEOUT:
    'Ran past the listener’s timeout on every attempt. Raise the timeout or fix the handler, then retry.',
  PEER_VIOLATION:
    'An agent tried to reach a listener outside its peers. Retrying fails again unless its peers change.',
  INVALID_REPLY: 'The handler answered with a payload its target refuses. Fix the handler, then retry.',
  KILLED: 'An operator killed its thread. Retry runs it again.',
  REDELIVERY_EXHAUSTED:
    'It was running each time the engine went down. Make sure it is not the cause before retrying.',
  UNKNOWN_ROUTE: 'Its listener was removed by a reload. Retrying cannot help while it is gone.',
  HOP_LIMIT_EXCEEDED: 'Its thread went past the hop budget, perhaps a loop between listeners.',
  QUEUE_FULL: 'The queue was full. Retry once the load is down.',
};

const REJECTED = 'Refused at intake: fix the input at its sender and send it again.';

export function codeHint(code: string | null, rejected: boolean): string | undefined {
  if (rejected) return REJECTED;
  return code === null ? undefined : DELIVERY[code];
}
