import { describe, expect, it } from 'vitest';
import { runCleanup } from './cleanup-steps.ts';

describe('runCleanup', () => {
  it('runs every step after one that throws or rejects, in order, and reports each failure', async () => {
    const ran: string[] = [];
    const heard: string[] = [];
    const failures = await runCleanup(
      [
        { name: 'a', run: () => ran.push('a') },
        {
          name: 'b',
          run: () => {
            ran.push('b');
            throw new Error('b broke');
          },
        },
        { name: 'c', run: () => Promise.resolve().then(() => ran.push('c')) },
        {
          name: 'd',
          run: async () => {
            ran.push('d');
            await Promise.resolve();
            throw new Error('d broke');
          },
        },
        { name: 'e', run: () => ran.push('e') },
      ],
      (f) => heard.push(f.step),
    );
    expect(ran).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(heard).toEqual(['b', 'd']);
    expect(failures.map((f) => [f.step, (f.error as Error).message])).toEqual([
      ['b', 'b broke'],
      ['d', 'd broke'],
    ]);
  });

  it('waits for each step before the next one starts', async () => {
    const order: string[] = [];
    await runCleanup([
      {
        name: 'slow',
        run: async () => {
          await new Promise((r) => setTimeout(r, 20));
          order.push('slow done');
        },
      },
      { name: 'next', run: () => order.push('next') },
    ]);
    expect(order).toEqual(['slow done', 'next']);
  });
});
