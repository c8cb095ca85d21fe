import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Delivery } from '../../pump/delivery.ts';
import { newEntryRow, toSummary } from '../entry-record.ts';
import { collectHits } from './search-request.ts';
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
      candidates(10),
      {
        filter: {},
        limit: 50,
        scan: 100,
        test: () => (++tested % 2 ? 'hit' : null),
        spent: () => tested >= 4,
      },
      toSummary,
    );
    expect(page.scanned).toBe(4);
    expect(page.hits).toHaveLength(2);
    expect(page.nextCursor).not.toBeNull();
  });

  it('gives the event loop a turn while its tests run long, however its candidates are read', async () => {
    let turned = false;
    setImmediate(() => (turned = true));
    const seen: boolean[] = [];
    const busy = (ms: number) => {
      const until = performance.now() + ms;
      while (performance.now() < until);
    };
    // Read all at once (an array): without turns of its own the loop would never let the timer in.
    await collectHits(
      candidates(8),
      {
        filter: {},
        limit: 50,
        scan: 100,
        test: () => {
          seen.push(turned);
          busy(4);
          return null;
        },
      },
      toSummary,
    );
    expect(seen[0]).toBe(false);
    expect(seen.at(-1)).toBe(true);
  });
});
