import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Delivery } from '../../pump/delivery.ts';
import { delivery, failure } from '../contract/fixtures.ts';
import { RecoveredDelivery } from './recovered-delivery.ts';
import { SqliteJournal } from './sqlite-journal.ts';

/**
 * A journal that takes two dead letters a transaction, its clock stopped, holding five dead letters and
 * one made a minute after the clock (after a bulk action begins).
 */
async function deadLetters(): Promise<{ j: SqliteJournal; older: Delivery[]; newer: Delivery }> {
  const began = Date.now();
  const j = new SqliteJournal({
    path: join(mkdtempSync(join(tmpdir(), 'bulk-actions-')), 'j.sqlite'),
    durability: 'fast',
    pruneChunk: 2,
    now: () => began,
  });
  const older = Array.from({ length: 5 }, () => delivery());
  const newer = delivery({ createdAt: began + 60_000 });
  await j.hooks.onIntent?.([...older, newer]);
  for (const d of [...older, newer]) await j.hooks.onFailed?.(d, failure, { outputs: [] });
  return { j, older, newer };
}

describe('a bulk action on dead letters', () => {
  it('discards in chunks, and leaves what was made after it began', async () => {
    const { j, older, newer } = await deadLetters();

    expect((await j.discardMany({}, { dryRun: true })).count).toBe(6);
    const done = await j.discardMany({}, { dryRun: false });
    // Three transactions of two: the sample is the oldest of the first.
    expect(done.count).toBe(5);
    expect(done.sample.map((m) => m.id)).toEqual(older.slice(0, 2).map((d) => d.id));
    for (const d of older) expect(await j.getMessage(d.id)).toBeUndefined();
    expect(await j.getMessage(newer.id)).toMatchObject({ state: 'FAILED' });
    const discarded = (await j.transitions(0, 100)).filter((t) => t.state === 'DISCARDED');
    expect(discarded.map((t) => t.messageId)).toEqual(older.map((d) => d.id));
    expect((await j.stats()).counts.FAILED).toBe(1);
    await j.close();
  });

  it('retries in chunks, each re-queued as it is committed, and takes each entry once', async () => {
    const { j, older, newer } = await deadLetters();

    const handed: string[][] = [];
    const done = await j.retryMany({}, { dryRun: false }, async (chunk) => {
      handed.push(chunk.map((d) => d.id));
      for (const d of chunk) expect(await j.getMessage(d.id)).toMatchObject({ state: 'PENDING' });
      // Each chunk's first fails again at once: the retry goes on past it, never taking it twice.
      await j.hooks.onFailed?.(chunk[0]!, failure, { outputs: [] });
    });
    expect(handed).toEqual(
      [older.slice(0, 2), older.slice(2, 4), older.slice(4)].map((c) => c.map((d) => d.id)),
    );
    expect(done.count).toBe(5);
    expect(done.deliveries.map((d) => d.attempt)).toEqual([2, 2, 2, 2, 2]);
    // Their payloads wait in the journal: each is read once its start is committed, before its handler
    // runs, as boot recovery's are.
    const [second] = done.deliveries.slice(1);
    if (!second) throw new Error('no delivery');
    expect(second).toBeInstanceOf(RecoveredDelivery);
    const started = j.hooks.onDispatched?.(second);
    expect(started).toBeInstanceOf(Promise);
    await started;
    expect(await j.getMessage(second.id)).toMatchObject({ state: 'DISPATCHED' });
    expect(second.payloadXml).toBe(older[1]?.payloadXml);
    expect(await j.getMessage(newer.id)).toMatchObject({ state: 'FAILED' });
    expect((await j.stats()).counts).toMatchObject({ PENDING: 1, DISPATCHED: 1, FAILED: 4 });
    await j.close();
  });
});
