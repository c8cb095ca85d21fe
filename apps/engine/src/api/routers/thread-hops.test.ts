import { expect, it } from 'vitest';
import type { MessageSummary } from '@organism/shared';
import { oldestFirst } from './thread-hops.ts';

const entry = (id: string, parentId: string | null, createdAt: number): MessageSummary => ({
  id,
  threadId: 't',
  parentId,
  from: 'a',
  to: 'b',
  root: 'r',
  kind: parentId ? 'reply' : 'ingress',
  state: 'ACKED',
  attempts: 1,
  errorCode: null,
  errorLine: null,
  egress: false,
  createdAt,
  updatedAt: createdAt,
});

/** Newest first, ties by id descending: the order `listMessages` gives. */
const page = (entries: MessageSummary[]): MessageSummary[] =>
  [...entries].sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1));

it('puts a reply made in the same millisecond after the message that caused it, whatever the ids', () => {
  // Ids that sort against the causal order: the reply's id is the smaller.
  const hops = [entry('f-in', null, 100), entry('c-reply', 'f-in', 100), entry('a-back', 'c-reply', 100)];
  expect(oldestFirst(page(hops)).map((m) => m.id)).toEqual(['f-in', 'c-reply', 'a-back']);
});

it('orders by time first, and keeps siblings of one millisecond in the page order', () => {
  const hops = [
    entry('root', null, 100),
    entry('x-first', 'root', 101),
    entry('b-sibling', 'root', 101),
    entry('late', 'x-first', 105),
  ];
  expect(oldestFirst(page(hops)).map((m) => m.id)).toEqual(['root', 'b-sibling', 'x-first', 'late']);
});

it('counts a parent outside the page as the top, and is not caught by a loop of parents', () => {
  const hops = [entry('b', 'gone', 100), entry('a', 'b', 100), entry('p', 'q', 200), entry('q', 'p', 200)];
  const ids = oldestFirst(page(hops)).map((m) => m.id);
  expect(ids.slice(0, 2)).toEqual(['b', 'a']);
  expect(ids.slice(2).sort()).toEqual(['p', 'q']);
});
