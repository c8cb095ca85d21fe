import type { MessageFilter, MessageSummary, Transition } from '@organism/shared';
import { messageStates } from '@organism/shared';

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

/**
 * The states the console's filters offer: the journal's four, and REJECTED for refused input, as the
 * badges show them. In a journal filter FAILED means the failed deliveries and REJECTED the refused input
 * (`refused`), so what a filter keeps looks like what it was asked for.
 */
export const stateChoices = [...messageStates, 'REJECTED'] as const;
export type StateChoice = (typeof stateChoices)[number];

export function stateFilter(s: StateChoice | null | undefined): Pick<MessageFilter, 'state' | 'refused'> {
  if (!s) return {};
  if (s === 'REJECTED') return { state: 'FAILED', refused: true };
  if (s === 'FAILED') return { state: 'FAILED', refused: false };
  return { state: s };
}

/** The console's state choice a journal filter's `state` and `refused` ask for (`stateFilter`'s inverse). */
export function stateChoiceOf(f: Pick<MessageFilter, 'state' | 'refused'>): StateChoice | undefined {
  if (f.state === 'FAILED' && f.refused === true) return 'REJECTED';
  return f.state;
}
