import { expect, it } from 'vitest';
import { describeError, errorProblems, shownError } from './engine-error';

it('leaves out a problem that only repeats the error’s own message, and keeps every one with a place', () => {
  const message = 'listener "big-orders" takes only payloads matching /order; this one does not';
  expect(errorProblems({ message, data: { problems: [{ message }] } })).toEqual([]);
  const placed = [
    { message, path: 'payloadXml' },
    { message: 'element nom not allowed', line: 3, column: 2 },
  ];
  expect(errorProblems({ message, data: { problems: placed } })).toEqual(placed);
  expect(errorProblems({ message: 'x', data: { problems: null } })).toEqual([]);
  expect(errorProblems(null)).toEqual([]);
});

it('says an ended session in the console’s words alone, and any other refusal with the engine’s', () => {
  expect(describeError({ message: 'sign in first', data: { engineCode: 'UNAUTHORIZED' } })).toBe(
    'Your session has ended. Sign in again.',
  );
  expect(describeError({ message: 'operator role required', data: { engineCode: 'FORBIDDEN' } })).toBe(
    'Your role does not allow this. (operator role required)',
  );
  expect(describeError(new Error('fetch failed'))).toMatch(/^The engine could not be reached/);
});

it('says what became of a call no engine answered: a query is asked again, an action was not done, or may have been', () => {
  const unreached = (what: string) => ({ message: 'x', data: { httpStatus: 502, unreached: what } });
  expect(describeError(unreached('query'))).toMatch(/the console retries by itself/);
  expect(describeError(unreached('not-taken'))).toBe(
    'The engine could not be reached, so this was not done. It may be restarting: try again once it answers.',
  );
  expect(describeError(unreached('maybe-taken'))).toMatch(
    /whether it was done is not known: look before trying again/,
  );
});

it('lets a refusal that names its case stand alone: a retry or discard of what is no dead letter', () => {
  const sentence = 'message 1a2b3c4d is DISPATCHED now, not a dead letter: someone retried it';
  expect(describeError({ message: sentence, data: { engineCode: 'NOT_RETRYABLE' } })).toBe(sentence);
  expect(describeError({ message: sentence, data: { engineCode: 'CONFLICT' } })).toBe(sentence);
});

it('says what to try when the queue is full or the engine failed unexpectedly', () => {
  expect(describeError({ message: 'queue full (1000)', data: { engineCode: 'QUEUE_FULL' } })).toBe(
    'The engine’s queue is full: wait for it to drain, or resume a paused listener whose work is filling it. (queue full (1000))',
  );
  expect(describeError({ message: 'boom', data: { engineCode: 'INTERNAL' } })).toMatch(/its log says why/);
});

it('keeps what a page read when the engine cannot be reached, and shows what the engine answered', () => {
  const away = { message: 'fetch failed', data: { unreached: 'query' } };
  const gone = { message: 'no message 1a2b', data: { engineCode: 'NOT_FOUND' } };
  const read = { id: '1a2b' };
  expect(shownError({ error: null, data: read })).toBeNull();
  expect(shownError({ error: away, data: undefined })).toBe(away);
  expect(shownError({ error: away, data: read })).toBeNull();
  expect(shownError({ error: gone, data: read })).toBe(gone);
  // Rows kept from the list's last filter while this one is read are not this filter's.
  expect(shownError({ error: away, data: read, isPlaceholderData: true })).toBe(away);
});
