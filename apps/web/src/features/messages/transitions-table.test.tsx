import type { Transition } from '@organism/shared';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { TransitionsTable } from './transitions-table';

const at = Date.now() - 5_000;
const transition = (over: Partial<Transition>): Transition => ({
  seq: 1,
  messageId: 'm',
  threadId: null,
  state: 'PENDING',
  attempt: 1,
  errorCode: null,
  detail: null,
  at,
  ...over,
});

/** Each row's state word and attempt cell, as the table shows them. */
function rows(transitions: Transition[]): string[][] {
  const html = renderToStaticMarkup(<TransitionsTable transitions={transitions} />);
  const body = html.slice(html.indexOf('<tbody>'));
  return [...body.matchAll(/<tr[^>]*>(.*?)<\/tr>/g)].map((m) =>
    [...(m[1] ?? '').matchAll(/<td[^>]*>(.*?)<\/td>/g)]
      .slice(1, 3)
      .map((c) => (c[1] ?? '').replace(/<[^>]+>/g, '').trim()),
  );
}

describe('TransitionsTable', () => {
  it('shows refused input as REJECTED, without an attempt, and a dead letter as FAILED with its attempt', () => {
    expect(rows([transition({ state: 'FAILED', attempt: 0, errorCode: 'SCHEMA_INVALID' })])).toEqual([
      ['REJECTED', '—'],
    ]);
    expect(
      rows([
        transition({ seq: 1, state: 'DISPATCHED', attempt: 2 }),
        transition({ seq: 2, state: 'FAILED', attempt: 2, errorCode: 'HANDLER_ERROR' }),
      ]),
    ).toEqual([
      ['DISPATCHED', '2'],
      ['FAILED', '2'],
    ]);
  });
});
