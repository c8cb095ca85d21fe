import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Delivery } from '../../pump/delivery.ts';
import { newEntryRow, toSummary } from '../entry-record.ts';
import { collectHits, TEST_BATCH } from './search-request.ts';
import type { Candidate } from './search-request.ts';

function candidates(n: number): Candidate[] {
  return Array.from({ length: n }, (_, i) => {
    const d = {
      id: randomUUID(),
      threadId: randomUUID(),
      from: 'traffic',
      to: 'orders',
      chain: ['traffic'],
      root: '{}order',
      payloadXml: `<order n="${i}"/>`,
      kind: 'ingress',
      attempt: 1,
      createdAt: 1_000 + n - i,
    } as unknown as Delivery;
    const row = newEntryRow(d, d.createdAt);
    return { row, position: { kind: 'list' as const, at: row.createdAt, id: row.id } };
  });
}

describe('collectHits', () => {
  it('ends the page where the tests spent their budget, with a cursor to go on from', async () => {
    let tested = 0;
    const page = await collectHits(
      candidates(100),
      {
        filter: {},
        limit: 50,
        scan: 1_000,
        test: (xmls) => Promise.resolve(xmls.map(() => (++tested % 2 ? 'hit' : null))),
        spent: () => tested >= 2 * TEST_BATCH,
      },
      toSummary,
    );
    // Two batches decided, then the budget is spent.
    expect(page.scanned).toBe(2 * TEST_BATCH);
    expect(page.hits).toHaveLength(TEST_BATCH);
    expect(page.nextCursor).not.toBeNull();
  });

  it('decides candidates a batch at a time, in order, and stops at the limit inside a batch', async () => {
    const batches: number[] = [];
    const all = candidates(100);
    const page = await collectHits(
      all,
      {
        filter: {},
        limit: 3,
        scan: 1_000,
        test: (xmls) => {
          batches.push(xmls.length);
          // Every fifth candidate is a hit.
          return Promise.resolve(xmls.map((x) => (Number(/n="(\d+)"/.exec(x)?.[1]) % 5 === 0 ? x : null)));
        },
      },
      toSummary,
    );
    expect(batches).toEqual([TEST_BATCH]);
    expect(page.hits.map((h) => h.match)).toEqual(['<order n="0"/>', '<order n="5"/>', '<order n="10"/>']);
    // Examined up to the third hit, and goes on right after it.
    expect(page.scanned).toBe(11);
    const next = await collectHits(
      all.slice(11),
      { filter: {}, limit: 1, scan: 1_000, test: (xmls) => Promise.resolve(xmls.map((x) => x)) },
      toSummary,
    );
    expect(next.hits[0]?.match).toBe('<order n="11"/>');
  });

  it('gives the event loop its turns while tests run elsewhere, however its candidates are read', async () => {
    let turned = false;
    setImmediate(() => (turned = true));
    const seen: boolean[] = [];
    // Read all at once (an array), decided by a test that answers later, as a worker does.
    await collectHits(
      candidates(3 * TEST_BATCH),
      {
        filter: {},
        limit: 500,
        scan: 1_000,
        test: (xmls) => {
          seen.push(turned);
          return new Promise((resolve) => setImmediate(() => resolve(xmls.map(() => null))));
        },
      },
      toSummary,
    );
    expect(seen).toEqual([false, true, true]);
  });

  it('stops where it is once its caller went away', async () => {
    const gone = new AbortController();
    let batches = 0;
    const page = await collectHits(
      candidates(5 * TEST_BATCH),
      {
        filter: {},
        limit: 500,
        scan: 1_000,
        signal: gone.signal,
        test: (xmls) => {
          if (++batches === 2) gone.abort();
          return Promise.resolve(xmls.map(() => null));
        },
      },
      toSummary,
    );
    expect(batches).toBe(2);
    expect(page.scanned).toBe(2 * TEST_BATCH);
  });
});
