/**
 * The journal contract's figures: per-state counts (refused input apart), outcomes per second, and dead
 * letters grouped by recipient and code.
 */
import { expect, it } from 'vitest';
import type { Journal } from '../journal.ts';
import { delivery, failure } from './fixtures.ts';

export function countsContract(fresh: () => Promise<Journal>): void {
  it('groups dead letters by recipient and error code, biggest first, with the newest as sample', async () => {
    const j = await fresh();
    const timeout = { ...failure, code: 'HANDLER_TIMEOUT' as const };
    const toA = Array.from({ length: 3 }, () => delivery({ to: 'a' }));
    const toB = Array.from({ length: 2 }, () => delivery({ to: 'b' }));
    const slowA = delivery({ to: 'a' });
    const fine = delivery({ to: 'a' });
    await j.hooks.onIntent?.([...toA, ...toB, slowA, fine]);
    for (const d of [...toA, ...toB]) {
      await j.hooks.onFailed?.(d, failure, { outputs: [] });
      await new Promise((r) => setTimeout(r, 2));
    }
    await j.hooks.onFailed?.(slowA, timeout, { outputs: [] });
    await j.hooks.onAcknowledged?.(fine, []);
    j.hooks.onRejected?.({ raw: '<oops', error: { code: 'MALFORMED_XML', message: 'bad', problems: [] } });
    await j.flush();
    const all = await j.deadLetters({});
    expect(all.total).toBe(7);
    expect(all.groups.map((g) => [g.to, g.errorCode, g.count])).toEqual([
      ['a', 'HANDLER_ERROR', 3],
      ['b', 'HANDLER_ERROR', 2],
      expect.anything(),
      expect.anything(),
    ]);
    expect(all.groups.slice(2).map((g) => [g.to, g.errorCode, g.count])).toEqual(
      expect.arrayContaining([
        ['a', 'HANDLER_TIMEOUT', 1],
        [null, 'MALFORMED_XML', 1],
      ]),
    );
    const [a] = all.groups;
    expect(a?.sampleId).toBe(toA[2]?.id);
    // Every group's sample is one of its own, the refused input without a recipient's too.
    for (const g of all.groups) {
      const sample = await j.getMessage(g.sampleId);
      expect([sample?.to ?? null, sample?.errorCode ?? null]).toEqual([g.to, g.errorCode]);
    }
    expect(a?.firstAt).toBeLessThan(a?.lastAt ?? 0);
    const onlyA = await j.deadLetters({ to: 'a' });
    expect(onlyA.total).toBe(4);
    expect(onlyA.groups.map((g) => g.errorCode)).toEqual(['HANDLER_ERROR', 'HANDLER_TIMEOUT']);
    expect((await j.deadLetters({ errorCode: 'HANDLER_TIMEOUT' })).groups).toMatchObject([
      { to: 'a', count: 1, sampleId: slowA.id },
    ]);
    const top = await j.deadLetters({ limit: 1 });
    expect(top).toMatchObject({ total: 7, groups: [{ to: 'a', errorCode: 'HANDLER_ERROR' }] });
    await j.close();
  });

  it('lists the latest failures by when they failed: a retried entry failing again comes first', async () => {
    const j = await fresh();
    const pause = () => new Promise((r) => setTimeout(r, 2));
    const [old, middle, fine] = [delivery({ to: 'a' }), delivery({ to: 'b' }), delivery({ to: 'a' })];
    if (!old || !middle || !fine) throw new Error('setup');
    await j.hooks.onIntent?.([old, middle, fine]);
    await j.hooks.onFailed?.(old, failure, { outputs: [] });
    await pause();
    await j.hooks.onFailed?.(middle, failure, { outputs: [] });
    await pause();
    j.hooks.onRejected?.({ raw: '<oops', error: { code: 'MALFORMED_XML', message: 'bad', problems: [] } });
    await j.hooks.onAcknowledged?.(fine, []);
    await j.flush();
    const before = await j.latestFailures(8);
    expect(before.map((m) => m.errorCode)).toEqual(['MALFORMED_XML', 'HANDLER_ERROR', 'HANDLER_ERROR']);
    expect(before.slice(1).map((m) => m.id)).toEqual([middle.id, old.id]);
    // The oldest entry, retried, fails again: it is now the latest failure, though made first.
    await pause();
    const again = await j.retry(old.id);
    void j.hooks.onDispatched?.(again);
    await j.hooks.onFailed?.(again, { ...failure, code: 'HANDLER_TIMEOUT' }, { outputs: [] });
    await j.flush();
    const after = await j.latestFailures(2);
    expect(after.map((m) => [m.id, m.errorCode, m.state])).toEqual([
      [old.id, 'HANDLER_TIMEOUT', 'FAILED'],
      [before[0]?.id, 'MALFORMED_XML', 'FAILED'],
    ]);
    expect(after[0]?.updatedAt).toBeGreaterThan(after[1]?.updatedAt ?? Infinity);
    expect(after[0]?.createdAt).toBeLessThan(after[1]?.createdAt ?? 0);
    // A retried entry waiting again is no failure; one discarded neither.
    await j.retry(middle.id);
    await j.discard(old.id);
    await j.flush();
    expect((await j.latestFailures(8)).map((m) => m.errorCode)).toEqual(['MALFORMED_XML']);
    await j.close();
  });

  it('says per dead letter group how much of it is refused input, also when a group mixes both', async () => {
    const j = await fresh();
    const gone = { code: 'UNKNOWN_ROUTE' as const, message: 'the listener is gone', detail: 'removed' };
    const stranded = Array.from({ length: 2 }, () => delivery({ to: 'b' }));
    const broken = delivery({ to: 'a' });
    await j.hooks.onIntent?.([...stranded, broken]);
    for (const d of stranded) await j.hooks.onFailed?.(d, gone, { outputs: [] });
    await j.hooks.onFailed?.(broken, failure, { outputs: [] });
    const refuse = (to: string | undefined, code: 'UNKNOWN_ROUTE' | 'SCHEMA_VIOLATION' | 'MALFORMED_XML') =>
      j.hooks.onRejected?.({
        raw: '<x/>',
        error: { code, message: 'refused', problems: [] },
        ...(to ? { to, root: 'x' } : {}),
      });
    // Addressed to b but not a root b accepts: refused at intake with the same code as b's stranded work.
    refuse('b', 'UNKNOWN_ROUTE');
    refuse('a', 'SCHEMA_VIOLATION');
    refuse('a', 'SCHEMA_VIOLATION');
    refuse(undefined, 'MALFORMED_XML');
    await j.flush();
    const all = await j.deadLetters({});
    expect(all.total).toBe(7);
    const byGroup = all.groups.map((g) => [g.to, g.errorCode, g.count, g.refused]);
    expect(byGroup).toHaveLength(4);
    expect(byGroup).toEqual(
      expect.arrayContaining([
        ['b', 'UNKNOWN_ROUTE', 3, 1],
        ['a', 'SCHEMA_VIOLATION', 2, 2],
        ['a', 'HANDLER_ERROR', 1, 0],
        [null, 'MALFORMED_XML', 1, 1],
      ]),
    );
    expect(await j.deadLetters({ to: 'a', errorCode: 'SCHEMA_VIOLATION' })).toMatchObject({
      total: 2,
      groups: [{ count: 2, refused: 2 }],
    });
    // A retry takes the stranded deliveries out of the group; the refused one stays.
    for (const d of stranded) await j.retry(d.id);
    await j.flush();
    expect((await j.deadLetters({ to: 'b' })).groups).toMatchObject([
      { errorCode: 'UNKNOWN_ROUTE', count: 1, refused: 1 },
    ]);
    await j.close();
  });

  it('counts outcomes per second for the throughput chart: delivered, failed, rejected', async () => {
    const j = await fresh();
    const [a, b, c] = [delivery(), delivery(), delivery()];
    if (!a || !b || !c) throw new Error('setup');
    await j.hooks.onIntent?.([a, b, c]);
    await j.hooks.onAcknowledged?.(a, []);
    await j.hooks.onFailed?.(b, failure, { outputs: [] });
    await j.hooks.onFailed?.(c, failure, { retryAt: Date.now() + 60_000, outputs: [] });
    j.hooks.onRejected?.({ raw: '<oops', error: { code: 'MALFORMED_XML', message: 'bad', problems: [] } });
    await j.flush();
    // A second later, so the second of these writes is a whole one.
    const h = await j.throughput(Date.now() + 1_000);
    const sum = (xs: (number | null)[]): number => xs.reduce<number>((n, x) => n + (x ?? 0), 0);
    expect(h.delivered).toHaveLength(300);
    // A failure with a retry ahead is a failure too (its FAILED transition; the overview says so).
    expect([sum(h.delivered), sum(h.failed), sum(h.rejected)]).toEqual([1, 2, 1]);
    // Seconds before the journal counted are unknown, not zero (a journal that reads its event log
    // knows the whole window).
    if (h.since > h.start) expect(h.delivered[h.since - h.start - 1]).toBeNull();
    else expect(h.delivered.every((x) => x !== null)).toBe(true);
    expect(h.delivered.at(-1)).not.toBeNull();
    await j.close();
  });

  it('counts entries per state and reports the oldest pending one', async () => {
    const j = await fresh();
    const [a, b] = [delivery(), delivery()];
    if (!a || !b) throw new Error('setup');
    await j.hooks.onIntent?.([a, b]);
    await j.hooks.onAcknowledged?.(b, []);
    const s = await j.stats();
    expect(s.counts).toEqual({ PENDING: 1, DISPATCHED: 0, ACKED: 1, FAILED: 0 });
    expect(s.refused).toBe(0);
    expect(s.oldestPendingAt).toBe(a.createdAt);
    expect(s.ratePerSecond.ACKED).toBeGreaterThan(0);
    await j.close();
  });

  it('counts refused input among the FAILED entries, in as it is refused and out as it is discarded', async () => {
    const j = await fresh();
    const d = delivery();
    if (!d) throw new Error('setup');
    await j.hooks.onIntent?.([d]);
    await j.hooks.onFailed?.(
      d,
      { code: 'HANDLER_ERROR', message: 'failed', detail: 'boom' },
      { outputs: [] },
    );
    const refuse = (raw: string): void =>
      j.hooks.onRejected?.({ raw, error: { code: 'MALFORMED_XML', message: 'bad', problems: [] } });
    refuse('<oops');
    refuse('<again');
    await j.flush();
    let s = await j.stats();
    expect(s.counts.FAILED).toBe(3);
    expect(s.refused).toBe(2);
    // Discarding a failed delivery leaves the refused count; discarding refused input takes one off it.
    await j.discard(d.id);
    const [first] = (await j.listMessages({ limit: 10, refused: true })).items;
    if (!first) throw new Error('no refused entry listed');
    await j.discard(first.id);
    s = await j.stats();
    expect(s.counts.FAILED).toBe(1);
    expect(s.refused).toBe(1);
    await j.close();
  });
}
