/**
 * What a dead letter's code means for the operator, and whether retrying can help: one line each, by
 * code (never by the error's text). Codes without a hint show none. Each fits the dead letters' two-line
 * cell at 1024 px (80 characters or so).
 */
export const DELIVERY: Record<string, string> = {
  HANDLER_ERROR: 'The handler threw. Read the detail; retry once the cause is fixed.',
  HANDLER_TIMEOUT: 'Timed out on each attempt: raise the timeout or fix the handler, then retry.',
  PEER_VIOLATION: 'An agent reached outside its peers: a retry fails alike until its peers change.',
  INVALID_REPLY: 'The handler’s reply broke its target’s contract. Fix it, then retry.',
  KILLED: 'An operator killed its thread. A retry runs it again.',
  REDELIVERY_EXHAUSTED: 'It was running each time the engine went down: check it is not the cause.',
  UNKNOWN_ROUTE: 'Its listener was removed by a reload; a retry cannot reach it.',
  FILTER_REJECTED: 'Its target’s filter refuses this payload: a retry fails alike until it changes.',
  HOP_LIMIT_EXCEEDED: 'Its thread ran past the hop budget: a loop between listeners?',
  QUEUE_FULL: 'The queue was full. Retry once the load is down.',
};

const REJECTED = 'Its input broke the envelope or the contract: fix it at the sender.';
/** Refused input whose code says more than that it broke the envelope or the contract. */
export const REFUSED: Record<string, string> = {
  FILTER_REJECTED: 'No listener’s filter takes its payload: send it elsewhere, or change a filter.',
  SENDER_RESERVED: 'It claimed a listener’s or the engine’s name: a producer sends under its own.',
  DOCTYPE_FORBIDDEN: 'It carried a DOCTYPE, which the engine never reads: send it without one.',
  PAYLOAD_TOO_LARGE: 'Over the size limit (pump.maxMessageBytes): send it smaller, or raise the limit.',
};

export function codeHint(code: string | null, rejected: boolean): string | undefined {
  if (rejected) return (code !== null ? REFUSED[code] : undefined) ?? REJECTED;
  return code === null ? undefined : DELIVERY[code];
}

/** Codes a retry meets again unless the configuration changes first: retried as they are, they fail again. */
const FAILS_AGAIN = new Set(['PEER_VIOLATION', 'FILTER_REJECTED', 'UNKNOWN_ROUTE']);

/**
 * Of the dead letters a bulk retry would take, those that would fail the same way again, by code (biggest
 * first), from their groups: refused input is never retried, so it is not counted.
 */
export function failingAgain(
  groups: readonly { errorCode: string | null; count: number; refused: number }[],
): { code: string; count: number }[] {
  const byCode = new Map<string, number>();
  for (const g of groups)
    if (g.errorCode !== null && FAILS_AGAIN.has(g.errorCode) && g.count > g.refused)
      byCode.set(g.errorCode, (byCode.get(g.errorCode) ?? 0) + g.count - g.refused);
  return [...byCode].map(([code, count]) => ({ code, count })).sort((a, b) => b.count - a.count);
}
