import type { Problem } from '@organism/shared';
import { expect, test } from 'vitest';
import { fieldProblems, problemCount } from './listener-doc.ts';

const problem = (path: string, message = 'bad'): Problem => ({ path, message });

test('a problem counts for the listener its path names, never for one whose index it starts with', () => {
  const problems = [
    problem('listeners[1].name'),
    problem('listeners[1]'),
    problem('listeners[10].payload.schema'),
    problem('listeners[10].handler'),
    problem('listeners[10].concurrency'),
    problem('pump.concurrency'),
  ];
  expect(problemCount(problems, 1)).toBe(2);
  expect(problemCount(problems, 10)).toBe(3);
  expect(problemCount(problems, 0)).toBe(0);
  expect(Object.keys(fieldProblems(problems, 1))).toEqual(['name']);
  expect(fieldProblems(problems, 10)).toMatchObject({ handler: 'bad', schema: 'bad' });
});
