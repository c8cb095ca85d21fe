import type { RoutedTransition } from '@organism/shared';
import { describe, expect, it } from 'vitest';
import { TailModel } from './live-tail-model.ts';

let seq = 0;
const t = (messageId: string, to: string, state: RoutedTransition['state']): RoutedTransition => ({
  seq: ++seq,
  messageId,
  threadId: 'th',
  from: 'traffic',
  to,
  root: '{}x',
  kind: 'ingress',
  state,
  attempt: 1,
  errorCode: null,
  detail: null,
  at: seq,
});

describe('TailModel', () => {
  it('counts every transition it reads, and apart those of the messages its filter shows', () => {
    const tail = new TailModel(100, { to: 'greeter' });
    for (const [id, to] of [
      ['a', 'greeter'],
      ['b', 'shouter'],
      ['c', 'shouter'],
    ] as const) {
      tail.apply(t(id, to, 'PENDING'));
      tail.apply(t(id, to, 'DISPATCHED'));
      tail.apply(t(id, to, 'ACKED'));
    }
    expect(tail.received).toBe(9);
    expect(tail.shown).toBe(3);
    expect(tail.snapshot().map((r) => [r.id, r.state])).toEqual([['a', 'ACKED']]);
  });
});
