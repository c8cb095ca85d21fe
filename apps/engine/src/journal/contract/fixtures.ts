/** What every part of the journal contract builds its deliveries and failures from. */
import { randomUUID } from 'node:crypto';
import type { MessageId, ThreadId } from '@organism/shared';
import type { Delivery } from '../../pump/delivery.ts';

/** The time the last delivery was made at: one millisecond more for each. */
export let clock = 1_700_000_000_000;
export const T = (): ThreadId => randomUUID() as ThreadId;

export function delivery(over: Partial<Delivery> = {}): Delivery {
  return {
    id: randomUUID() as MessageId,
    threadId: over.threadId ?? T(),
    from: 'client',
    to: 'greeter',
    chain: ['client'],
    root: 'greeting',
    payloadXml: '<greeting><name>Ada</name></greeting>',
    kind: 'ingress',
    attempt: 1,
    createdAt: ++clock,
    ...over,
  };
}

export const failure = {
  code: 'HANDLER_ERROR' as const,
  message: 'the handler failed',
  detail: 'greeter: Error: boom',
};
