import { expect, it } from 'vitest';
import type { RoutedTransition, StreamItem } from '@organism/shared';
import { encodeFrame, encodeItem } from './event-stream-endpoint.ts';

const transition = (seq: number, detail: string | null = null): RoutedTransition =>
  ({
    seq,
    messageId: `m-${seq}`,
    threadId: 't-1',
    state: 'ACKED',
    attempt: 1,
    errorCode: null,
    detail,
    at: 1_700_000_000_000 + seq,
    from: 'bench',
    to: 'sink',
  }) as unknown as RoutedTransition;

it('encodes every kind of item to the JSON of the item', () => {
  const items: StreamItem[] = [
    { kind: 'changes', transitions: [transition(1), transition(2, 'quote " and \u2028 and é')], events: [] },
    { kind: 'changes', transitions: [], events: [{ after: 3, event: { type: 'engine.paused' } as never }] },
    { kind: 'activity', activity: { at: 5, listeners: [] } as never },
    { kind: 'lagged', behind: 6_000 },
    { kind: 'pruned', from: 1, to: 9 },
    { kind: 'reset', reason: 'the engine restarted' },
  ];
  for (const item of items) {
    expect(JSON.parse(encodeItem(item))).toEqual(item);
    expect(encodeItem(item).length).toBe(JSON.stringify(item).length);
  }
});

it('encodes an item once: the same item gives the same bytes, however many subscribers send it', () => {
  const item: StreamItem = { kind: 'changes', transitions: [transition(7)], events: [] };
  const first = encodeFrame('e.7.0', item);
  // The hub never changes an item it has handed out: the bytes kept are the ones sent again.
  (item.transitions[0] as { detail: string | null }).detail = 'changed';
  expect(encodeFrame('e.7.0', item)).toBe(first);
  // The same item under another id is framed again, with that id.
  expect(encodeFrame('e.7.1', item).toString()).toContain('\nid: e.7.1\n');
  const extra = { kind: 'changes', transitions: [transition(8)], events: [], more: 1 } as StreamItem;
  expect(JSON.parse(encodeItem(extra))).toEqual(extra);
});
