import { expect, it } from 'vitest';
import { codeHint, DELIVERY, failingAgain, REFUSED } from './code-hints';

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
  expect(codeHint('SENDER_RESERVED', true)).toMatch(/^It claimed a listener’s or the engine’s name/);
  expect(codeHint('DOCTYPE_FORBIDDEN', true)).toMatch(/DOCTYPE/);
  expect(codeHint('FILTER_REJECTED', true)).toMatch(/filter/);
  expect(codeHint('SCHEMA_VIOLATION', true)).toBe(
    'Its input broke the envelope or the contract: fix it at the sender.',
  );
  expect(codeHint(null, true)).toBe('Its input broke the envelope or the contract: fix it at the sender.');
  expect(codeHint('HANDLER_ERROR', false)).toMatch(/^The handler threw/);
});

it("says each hint in at most 84 characters: two lines of the dead letters' cell at 1024 px", () => {
  const hints = [
    ...Object.keys(DELIVERY).map((c) => codeHint(c, false)),
    ...[...Object.keys(REFUSED), null].map((c) => codeHint(c, true)),
  ];
  expect(hints).toHaveLength(Object.keys(DELIVERY).length + Object.keys(REFUSED).length + 1);
  expect(hints.filter((h) => h === undefined || h.length > 84)).toEqual([]);
});
