import type { MessageDetail } from '@organism/shared';
import { expect, it } from 'vitest';
import { failedAgain, failedAgainText } from './use-retried';

const id = 'a1b2c3d4-0000-4000-8000-000000000000';
const read = (state: string, attempts: number) =>
  ({ id, state, attempts, errorCode: 'HANDLER_ERROR' }) as MessageDetail;
const retriedWith = new Map([[id, 3]]);

it('tells a retried message that failed again, once, and not one still read from before its retry', () => {
  // Read before the retry reached it: FAILED with the attempts it had.
  expect(failedAgain([read('FAILED', 3)], retriedWith, new Set())).toEqual([]);
  expect(failedAgain([read('PENDING', 3), read('DISPATCHED', 4)], retriedWith, new Set())).toEqual([]);
  expect(failedAgain([undefined, read('FAILED', 4)], retriedWith, new Set())).toEqual([read('FAILED', 4)]);
  // Told already; retried again and failed again after more attempts, told again.
  expect(failedAgain([read('FAILED', 4)], retriedWith, new Set([`${id}:4`]))).toEqual([]);
  expect(failedAgain([read('FAILED', 5)], retriedWith, new Set([`${id}:4`]))).toHaveLength(1);
  // Not followed from this page: not told.
  expect(failedAgain([read('FAILED', 9)], new Map(), new Set())).toEqual([]);
});

it('says which failed again, or how many and the last', () => {
  expect(failedAgainText(read('FAILED', 4), 1)).toBe(
    'Retried message a1b2c3d4 failed again (HANDLER_ERROR).',
  );
  expect(failedAgainText({ ...read('FAILED', 4), errorCode: null }, 3)).toBe(
    '3 retried messages failed again, the last a1b2c3d4.',
  );
});
