import { expect, it } from 'vitest';
import type { RoutedTransition, StreamItem } from '@organism/shared';
import { encodeItem } from './event-stream-endpoint.ts';

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

it('serializes a transition shared by several items once, and keeps what an item adds', () => {
  const shared = transition(7);
  const first = encodeItem({ kind: 'changes', transitions: [shared], events: [] });
  // The same object later changed under the encoder would be sent as it was first: the hub never
  // changes a transition it has handed out, and this shows the string is the one kept.
  (shared as { detail: string | null }).detail = 'changed';
  const second = encodeItem({ kind: 'changes', transitions: [shared], events: [] });
  expect(second).toBe(first);
  const extra = { kind: 'changes', transitions: [transition(8)], events: [], more: 1 } as StreamItem;
  expect(JSON.parse(encodeItem(extra))).toEqual(extra);
});
