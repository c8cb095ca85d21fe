import { expect, it } from 'vitest';
import { firstLine } from './entry-record.ts';

it("gives a list the first non-blank line of an error's detail, cut with an ellipsis past 200 characters", () => {
  expect(firstLine(null)).toBeNull();
  expect(firstLine('  \n\n')).toBeNull();
  expect(firstLine('\n  HandlerError: cannot divide 3 by zero\n    at calculate (calc.ts:15:38)')).toBe(
    'HandlerError: cannot divide 3 by zero',
  );
  const long = firstLine(`${'x'.repeat(300)}\nsecond`);
  expect(long).toHaveLength(200);
  expect(long?.endsWith('…')).toBe(true);
  expect(firstLine('y'.repeat(200))).toBe('y'.repeat(200));
});
