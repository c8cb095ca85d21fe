import { expect, it } from 'vitest';
import { failingAgain } from './code-hints';

it('counts, by code, what a retry would take that fails the same way again, refused input left out', () => {
  const groups = [
    { errorCode: 'HANDLER_ERROR', count: 40, refused: 0 },
    { errorCode: 'PEER_VIOLATION', count: 12, refused: 0 },
    { errorCode: 'FILTER_REJECTED', count: 30, refused: 30 }, // refused at intake: never retried
    { errorCode: 'FILTER_REJECTED', count: 5, refused: 2 },
    { errorCode: 'PEER_VIOLATION', count: 8, refused: 0 },
    { errorCode: null, count: 3, refused: 0 },
  ];
  expect(failingAgain(groups)).toEqual([
    { code: 'PEER_VIOLATION', count: 20 },
    { code: 'FILTER_REJECTED', count: 3 },
  ]);
  expect(failingAgain([{ errorCode: 'HANDLER_TIMEOUT', count: 9, refused: 0 }])).toEqual([]);
});
