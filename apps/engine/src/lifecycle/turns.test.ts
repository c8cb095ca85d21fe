import { expect, it } from 'vitest';
import { Turns } from './turns.ts';

it('runs at most n at a time, the rest in the order they came, and passes a failed turn on', async () => {
  const turns = new Turns(2);
  let running = 0;
  let most = 0;
  const order: number[] = [];
  const work = (i: number) => async (): Promise<number> => {
    running++;
    most = Math.max(most, running);
    order.push(i);
    await new Promise((r) => setTimeout(r, 2));
    running--;
    if (i === 3) throw new Error('three fails');
    return i;
  };
  const all = Array.from({ length: 8 }, (_, i) => turns.run(work(i)).catch((e: Error) => e.message));
  expect(await Promise.all(all)).toEqual([0, 1, 2, 'three fails', 4, 5, 6, 7]);
  expect(most).toBe(2);
  expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  // Every turn was given back: two start at once again.
  await Promise.all([turns.take(), turns.take()]);
});
