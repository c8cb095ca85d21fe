import { afterAll, describe, expect, it } from 'vitest';
import { XPathTooCostly } from './payload-xpath.ts';
import { XPathTooSlow, XPathWorkers } from './xpath-workers.ts';

const workers = new XPathWorkers(300);
afterAll(() => workers.close());

const orders = (n: number): string =>
  `<orders>${Array.from({ length: n }, (_, i) => `<line><sku>sku-${i}-abcdefghijklmnopqrstuvwxyz</sku><qty>${i}</qty></line>`).join('')}</orders>`;

describe('XPathWorkers', () => {
  it('evaluates a batch in a worker thread: what matched in each payload, and the steps taken', async () => {
    const matches = await workers.lend(async (w) => {
      const got = await w.evaluate('//line[qty > 2]/sku', [orders(2), orders(4)]);
      expect(w.spent).toBeGreaterThan(0);
      return got;
    });
    expect(matches).toEqual([null, 'sku: sku-3-abcdefghijklmnopqrstuvwxyz']);
  });

  it('ends a worker whose batch outlasts the deadline, and lends a fresh one after', async () => {
    // Rebuilds the payload's whole text for every element: few steps, seconds of work at this size.
    const started = Date.now();
    const slow = workers.lend((w) => w.evaluate("count(//*[contains(string(/), 'zzz')])", [orders(8000)]));
    await expect(slow).rejects.toBeInstanceOf(XPathTooSlow);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await workers.lend((w) => w.evaluate('count(//line)', [orders(3)]))).toEqual(['3']);
  });

  it('says when an expression takes more steps than a payload may cost', async () => {
    const nested = 'count(//*[count(//*[count(//*) > 0]) > 0])';
    await expect(workers.lend((w) => w.evaluate(nested, [orders(400)]))).rejects.toBeInstanceOf(
      XPathTooCostly,
    );
  });
});
