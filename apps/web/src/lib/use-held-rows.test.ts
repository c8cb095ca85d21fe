import { describe, expect, it } from 'vitest';
import { heldRows } from './use-held-rows';

describe('heldRows', () => {
  const key = (r: { id: string }) => r.id;

  it('keeps the rows where they were shown, with their figures of now, and counts the new ones', () => {
    const now = [
      { id: 'new', n: 1 },
      { id: 'b', n: 9 },
      { id: 'a', n: 2 },
    ];
    expect(
      heldRows(
        now,
        [
          { id: 'a', n: 1 },
          { id: 'b', n: 8 },
        ],
        key,
      ),
    ).toEqual({
      rows: [
        { id: 'a', n: 2 },
        { id: 'b', n: 9 },
      ],
      waiting: 1,
    });
  });

  it('leaves out the rows that went meanwhile', () => {
    const shown = [{ id: 'a' }, { id: 'b' }, { id: 'c' }];
    expect(heldRows([{ id: 'z' }, { id: 'b' }], shown, key)).toEqual({ rows: [{ id: 'b' }], waiting: 1 });
  });
});
