import { expect, it } from 'vitest';
import { messageFilterValues, messagesHref, toMessageFilter } from './url-filters';

it('links a journal filter to the messages list whole: its thread, and refused input as REJECTED', () => {
  const refusedOfThread = {
    threadId: 't-1',
    state: 'FAILED',
    refused: true,
    since: 1000,
    until: 2000,
  } as const;
  const href = messagesHref(messageFilterValues(refusedOfThread));
  const params = new URL(href, 'http://console').searchParams;
  expect(params.get('thread')).toBe('t-1');
  expect(params.get('state')).toBe('REJECTED');
  expect(params.get('since')).toBe(new Date(1000).toISOString());
  // Read back as the list reads its URL: the same filter.
  expect(toMessageFilter(messageFilterValues(refusedOfThread))).toEqual(refusedOfThread);
  const deliveries = { to: 'greeter', state: 'FAILED', refused: false, root: 'greeting' } as const;
  expect(toMessageFilter(messageFilterValues(deliveries))).toEqual(deliveries);
});
