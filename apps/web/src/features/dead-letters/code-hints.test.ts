import { expect, it } from 'vitest';
import { codeHint, failingAgain } from './code-hints';

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

it('says what refused input needs by its code, and what broke the envelope or the contract otherwise', () => {
  expect(codeHint('SENDER_RESERVED', true)).toMatch(/^It claimed to come from a listener or the engine/);
  expect(codeHint('DOCTYPE_FORBIDDEN', true)).toMatch(/DOCTYPE/);
  expect(codeHint('FILTER_REJECTED', true)).toMatch(/filter/);
  expect(codeHint('SCHEMA_VIOLATION', true)).toBe(
    'Its input broke the envelope or the contract: fix it at the sender.',
  );
  expect(codeHint(null, true)).toBe('Its input broke the envelope or the contract: fix it at the sender.');
  expect(codeHint('HANDLER_ERROR', false)).toMatch(/^The handler threw/);
});
