import { describe, expect, it } from 'vitest';
import { until } from '../../../test/support/until.ts';
import type { UnfinishedEntry } from '../journal.ts';
import { delivery } from '../contract/fixtures.ts';
import { CLAIM, CLAIM_SETTINGS } from './pg-claims.ts';
import { DAY_MS, partitionName } from './pg-partitions.ts';
import { PostgresJournal } from './postgres-journal.ts';
import { freshPostgres } from './postgres-test.ts';

const ownerOf = async (j: PostgresJournal, id: string): Promise<string | null> =>
  (await j.database.pool.query<{ owner: string | null }>('SELECT owner FROM messages WHERE id = $1', [id]))
    .rows[0]!.owner;

describe('listeners per engine: unowned work and its claims', () => {
  it('leaves entries for listeners an engine does not run to the engines that run them, each once', async () => {
    const settings = freshPostgres();
    const front = await PostgresJournal.open(settings, { membership: { listeners: ['greeter'] } });
    const backs = [
      await PostgresJournal.open(settings, { membership: { listeners: ['shouter'] } }),
      await PostgresJournal.open(settings, { membership: { listeners: ['shouter'] } }),
    ];
    const claimed = new Map<PostgresJournal, UnfinishedEntry[]>(backs.map((b) => [b, []]));
    for (const b of backs)
      b.onAdoption((entries) => {
        claimed.get(b)!.push(...entries);
        return Promise.resolve();
      });
    const mine = delivery({ to: 'greeter' });
    const theirs = Array.from({ length: 40 }, () => delivery({ to: 'shouter' }));
    const sys = delivery({ to: 'system.sequence' });
    await front.hooks.onIntent?.([mine, sys, ...theirs]);

    expect(front.runsHere?.('greeter')).toBe(true);
    expect(front.runsHere?.('shouter')).toBe(false);
    expect(await ownerOf(front, mine.id)).toBe(front.member.id);
    expect(await ownerOf(front, sys.id)).toBe(front.member.id);
    const all = () => [...claimed.values()].flat();
    await until(
      'every shouter entry claimed',
      () => (all().length >= theirs.length ? true : undefined),
      10_000,
    );
    // Each exactly once, by one of the engines that run shouter, handed over as a first delivery.
    expect(
      all()
        .map((u) => u.delivery.id)
        .sort(),
    ).toEqual(theirs.map((d) => d.id).sort());
    expect(all().every((u) => u.delivery.attempt === 1 && u.delivery.to === 'shouter')).toBe(true);
    for (const d of theirs) expect(backs.map((b) => b.member.id)).toContain(await ownerOf(front, d.id));
    expect((await front.unfinished()).map((u) => u.delivery.id).sort()).toEqual([mine.id, sys.id].sort());

    for (const j of [front, ...backs]) await j.close();
  });

  it('gives the work a dead engine leaves for listeners its adopter does not run to engines that run them', async () => {
    const settings = freshPostgres();
    const everything = await PostgresJournal.open(settings);
    const greeters = await PostgresJournal.open(settings, {
      membership: { listeners: ['greeter'], heartbeatMs: 50 },
    });
    const shouters = await PostgresJournal.open(settings, {
      membership: { listeners: ['shouter'], heartbeatMs: 50 },
    });
    const got = { greeters: [] as string[], shouters: [] as string[] };
    greeters.onAdoption((entries) => {
      got.greeters.push(...entries.map((u) => u.delivery.id));
      return Promise.resolve();
    });
    shouters.onAdoption((entries) => {
      got.shouters.push(...entries.map((u) => u.delivery.id));
      return Promise.resolve();
    });
    const g = delivery({ to: 'greeter' });
    const s = delivery({ to: 'shouter' });
    await everything.hooks.onIntent?.([g, s]);
    await everything.close();
    await until(
      'both entries taken over',
      () => (got.greeters.length + got.shouters.length === 2 ? true : undefined),
      10_000,
    );
    expect(got).toEqual({ greeters: [g.id], shouters: [s.id] });
    await greeters.close();
    await shouters.close();
  });

  it('claims along the unowned index in write order, never with a bitmap scan, whatever the table holds', async () => {
    const settings = freshPostgres();
    const j = await PostgresJournal.open(settings, { membership: { listeners: ['nobody'] } });
    const plan = async (): Promise<string> => {
      const client = await j.database.pool.connect();
      try {
        await client.query('ANALYZE messages');
        await client.query('BEGIN');
        for (const setting of CLAIM_SETTINGS) await client.query(setting);
        const { rows } = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${CLAIM}`, [
          j.member.id,
          'l1',
          256,
        ]);
        await client.query('ROLLBACK');
        return rows.map((r) => r['QUERY PLAN']).join('\n');
      } finally {
        client.release();
      }
    };
    const write = async (n: number, to: (k: number) => string, finish: boolean): Promise<void> => {
      for (let done = 0; done < n; done += 5_000) {
        const batch = Array.from({ length: Math.min(5_000, n - done) }, (_, k) =>
          delivery({ to: to(k), createdAt: Date.now() }),
        );
        await j.hooks.onIntent?.(batch);
        if (finish) for (const d of batch) void j.hooks.onAcknowledged?.(d, []);
        await j.flush();
      }
    };
    // Today's partition holds the work (pg-partitions.ts): the claim reads it along its unowned index.
    const today = partitionName('messages', Math.floor(Date.now() / DAY_MS));
    const pinned = (p: string, backlog: boolean): void => {
      // A few waiting: the planner's costs for the two partial indexes of unfinished work are all but
      // equal, and ANALYZE's sample tips them either way (it took `owner_unfinished` and a sort of its
      // few rows in one CI run). Either reads only unfinished entries. A backlog has one plan only.
      const index = backlog ? `${today}_unowned` : `${today}_(unowned|owner_unfinished)`;
      expect(p).toMatch(new RegExp(`Index Scan using ${index} on ${today}`));
      expect(p).not.toMatch(new RegExp(`Bitmap|Seq Scan on ${today}`));
      // Many waiting: the partitions' index scans merged in seq order, nothing read past the batch.
      if (backlog) expect(p).toMatch(/Merge Append[^]*Sort Key: messages.seq/);
      if (backlog) expect(p).not.toMatch(/-> {2}Sort/);
    };
    // Normal running: a few unowned entries among many finished ones.
    await write(40_000, () => 'nobody', true);
    await write(400, (k) => `l${k % 4}`, false);
    pinned(await plan(), false);
    // A backlog (engines for these listeners were away): as many unowned entries as finished ones.
    await write(40_000, (k) => `l${k % 4}`, false);
    pinned(await plan(), true);
    await j.close();
  }, 120_000);
});
