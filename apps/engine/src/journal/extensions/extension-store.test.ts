import { describe, expect, it } from 'vitest';
import { storeMakers } from '../store-makers.ts';
import { MemoryExtensionStore, SqliteExtensionStore } from './extension-store.ts';
import { PgExtensionStore } from './pg-extension-store.ts';
import type { ExtensionFailure, ExtensionStore, FailurePlace } from './extension-store.ts';

const makers = storeMakers<ExtensionStore>(
  () => new MemoryExtensionStore(),
  (open) => new SqliteExtensionStore(open),
  (open) => new PgExtensionStore(open),
);

function failure(over: Partial<ExtensionFailure>): ExtensionFailure {
  return {
    id: 'f1',
    extension: 'audit',
    handler: 'dispatch.failed#0',
    seq: 10,
    event: '{"type":"dispatch.failed"}',
    attempts: 1,
    lastError: 'boom',
    nextAt: 100,
    createdAt: 1,
    updatedAt: 1,
    ...over,
  };
}

describe.each(makers)('%s extension store', (_name, make) => {
  it('keeps a cursor per extension, a second write moving it', async () => {
    const s = await make();
    expect(await s.cursor('audit')).toBeUndefined();
    await s.setCursor('audit', 5, 1);
    await s.setCursor('other', 2, 1);
    await s.setCursor('audit', 9, 2);
    expect([await s.cursor('audit'), await s.cursor('other')]).toEqual([9, 2]);
  });

  it('hands out failures when due, keeps dead ones apart, and counts both', async () => {
    const s = await make();
    await s.addFailure(failure({ id: 'a', nextAt: 300, createdAt: 1 }));
    await s.addFailure(failure({ id: 'b', nextAt: 100, createdAt: 2 }));
    await s.addFailure(failure({ id: 'c', nextAt: null, createdAt: 3 }));
    await s.addFailure(failure({ id: 'x', extension: 'other', nextAt: 50 }));
    expect((await s.due('audit', 200, 10)).map((f) => f.id)).toEqual(['b']);
    expect((await s.due('audit', 300, 10)).map((f) => f.id)).toEqual(['b', 'a']);
    expect(await s.nextDue('audit')).toBe(100);
    expect(await s.counts('audit')).toEqual({ retrying: 2, dead: 1 });
    // Dead letters first, then the waiting ones, each oldest first.
    expect((await s.failures('audit', 10)).map((f) => f.id)).toEqual(['c', 'a', 'b']);
    expect((await s.failures('audit', 2)).map((f) => f.id)).toEqual(['c', 'a']);

    await s.updateFailure('b', { attempts: 5, lastError: 'still', nextAt: null, updatedAt: 9 });
    expect(await s.get('b')).toMatchObject({ attempts: 5, lastError: 'still', nextAt: null, updatedAt: 9 });
    expect(await s.counts('audit')).toEqual({ retrying: 1, dead: 2 });
    expect(await s.removeFailure('a')).toBe(true);
    expect(await s.removeFailure('a')).toBe(false);
    expect(await s.nextDue('audit')).toBeUndefined();
    expect(await s.get('a')).toBeUndefined();
    // Every dead letter of the extension (and only of it) runs again, with a fresh set of attempts.
    await s.addFailure(failure({ id: 'y', extension: 'other', nextAt: null }));
    expect(await s.reviveDead('audit', 500)).toBe(2);
    expect(await s.counts('audit')).toEqual({ retrying: 2, dead: 0 });
    expect((await s.due('audit', 500, 10)).map((f) => [f.id, f.attempts])).toEqual([
      ['b', 0],
      ['c', 0],
    ]);
    expect(await s.counts('other')).toEqual({ retrying: 1, dead: 1 });
  });

  it('pages its failures in their order, dead letters first, each page after the last one of the one before', async () => {
    const s = await make();
    // Out of order, two pairs created in the same millisecond (the id decides), and another extension's.
    await s.addFailure(failure({ id: 'w2', nextAt: 300, createdAt: 5 }));
    await s.addFailure(failure({ id: 'd3', nextAt: null, createdAt: 7 }));
    await s.addFailure(failure({ id: 'd2', nextAt: null, createdAt: 4 }));
    await s.addFailure(failure({ id: 'd1', nextAt: null, createdAt: 4 }));
    await s.addFailure(failure({ id: 'w1', nextAt: 200, createdAt: 5 }));
    await s.addFailure(failure({ id: 'w0', nextAt: 900, createdAt: 1 }));
    await s.addFailure(failure({ id: 'o', extension: 'other', nextAt: null, createdAt: 0 }));
    const all = ['d1', 'd2', 'd3', 'w0', 'w1', 'w2'];
    expect((await s.failures('audit', 10)).map((f) => f.id)).toEqual(all);
    for (const size of [1, 2, 4]) {
      const seen: string[] = [];
      let after: FailurePlace | null = null;
      for (let page = 0; page < 10; page++) {
        const rows: ExtensionFailure[] = await s.failures('audit', size, after);
        seen.push(...rows.map((f) => f.id));
        const last = rows.at(-1);
        if (rows.length < size || !last) break;
        after = { dead: last.nextAt === null, createdAt: last.createdAt, id: last.id };
      }
      expect(seen, `pages of ${size}`).toEqual(all);
    }
    // After the last dead letter: only those waiting; after the last of all: none.
    expect((await s.failures('audit', 10, { dead: true, createdAt: 7, id: 'd3' })).map((f) => f.id)).toEqual([
      'w0',
      'w1',
      'w2',
    ]);
    expect(await s.failures('audit', 10, { dead: false, createdAt: 5, id: 'w2' })).toEqual([]);
  });

  it("discards every dead letter of an extension, and only those: its retries and others' stay", async () => {
    const s = await make();
    await s.addFailure(failure({ id: 'd1', nextAt: null }));
    await s.addFailure(failure({ id: 'd2', nextAt: null, createdAt: 2 }));
    await s.addFailure(failure({ id: 'w', nextAt: 300 }));
    await s.addFailure(failure({ id: 'o', extension: 'other', nextAt: null }));
    expect(await s.removeDead('audit')).toBe(2);
    expect(await s.counts('audit')).toEqual({ retrying: 1, dead: 0 });
    expect((await s.failures('audit', 10)).map((f) => f.id)).toEqual(['w']);
    expect(await s.counts('other')).toEqual({ retrying: 0, dead: 1 });
    expect(await s.removeDead('audit')).toBe(0);
  });
});
