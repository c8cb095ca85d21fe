import type { Problem } from '@organism/shared';
import { expect, test } from 'vitest';
import { fieldProblems, problemCount, readDocument, whyUnparsed } from './listener-doc.ts';

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

test('says why the YAML does not parse in the engine’s words and place once it has checked, else the parser’s', () => {
  const read = readDocument('name: "demo\nlisteners: []\n');
  expect(read.error).toBe('Missing closing "quote');
  const checked: Problem[] = [
    { file: 'organism.yaml', line: 1, column: 7, message: 'invalid YAML: this string has no closing "' },
  ];
  expect(whyUnparsed(read.error ?? '', checked)).toBe('line 1: this string has no closing "');
  // Still being checked, or checked with nothing about the YAML: the parser's words.
  expect(whyUnparsed(read.error ?? '', null)).toBe('Missing closing "quote');
  expect(whyUnparsed(read.error ?? '', [{ ...checked[0]!, message: 'unknown key "x"' }])).toBe(
    'Missing closing "quote',
  );
});
