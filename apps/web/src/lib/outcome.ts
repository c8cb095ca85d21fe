import type { MessageSummary, Transition } from '@organism/shared';

/**
 * Refused at intake (it never reached a listener): shown amber, as "rejected". The journal records such
 * input as a FAILED entry of kind `rejected`, whose one transition has attempt 0 (deliveries start at 1).
 */
export function isRejected(m: Pick<MessageSummary, 'kind'>): boolean {
  return m.kind === 'rejected';
}

export function isRejectionTransition(t: Pick<Transition, 'state' | 'attempt'>): boolean {
  return t.state === 'FAILED' && t.attempt === 0;
}
