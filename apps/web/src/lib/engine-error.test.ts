import { expect, it } from 'vitest';
import { errorProblems } from './engine-error';

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
