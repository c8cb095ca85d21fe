import { expect, it } from 'vitest';
import { clipDetail, firstLine, MAX_DETAIL_CHARS } from './entry-record.ts';

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

it('keeps a detail up to 16 KiB as it is, and cuts a longer one saying how much it left out', () => {
  const fits = 'd'.repeat(MAX_DETAIL_CHARS);
  expect(clipDetail(fits)).toBe(fits);
  expect(clipDetail(`${fits}xyz`)).toBe(`${fits}\n(3 more characters not kept)`);
});
