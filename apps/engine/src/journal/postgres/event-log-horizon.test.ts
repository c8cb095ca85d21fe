import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { delivery } from '../contract/fixtures.ts';
import { PostgresJournal } from './postgres-journal.ts';
import { freshPostgres } from './postgres-test.ts';

/** Transitions in the log, as a reader following it sees them from the start. */
async function follow(j: PostgresJournal): Promise<number[]> {
  const seen: number[] = [];
  let after = 0;
  for (;;) {
    const page = await j.transitions(after, 500);
    if (page.length === 0) return seen;
    for (const t of page) seen.push(t.seq);
    after = page.at(-1)?.seq ?? after;
  }
}

describe('the event log with engines committing in parallel (PostgreSQL)', () => {
  it('shows no transition above a batch still in progress, then both in order once it commits', async () => {
    const settings = freshPostgres();
    const a = await PostgresJournal.open(settings, { membership: { heartbeatMs: 50 } });
    const b = await PostgresJournal.open(settings, { membership: { heartbeatMs: 50 } });
    await a.hooks.onIntent?.([delivery()]);
    await a.flush();
    const before = await follow(b);
    expect(before).toHaveLength(1);

    // A batch in progress, as pg-writes.ts makes one: marked, its transition numbered, not committed.
    const slow = await a.database.pool.connect();
    await slow.query('BEGIN');
    await slow.query('SELECT log_mark()');
    const { rows } = await slow.query<{ seq: string }>(
      `INSERT INTO transitions (message_id, thread_id, state, attempt, at) VALUES ($1, $2, 'PENDING', 0, 1) RETURNING seq`,
      [randomUUID(), randomUUID()],
    );
    const slowSeq = Number(rows[0]?.seq);
    // Another engine commits after it: higher numbers, visible first.
    await b.hooks.onIntent?.([delivery(), delivery()]);
    await b.flush();
    const visible = await b.database.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM transitions');
    expect(visible.rows[0]?.n).toBe(3);
    // A reader stops below the batch in progress, on either engine, and so does the head.
    expect(await follow(a)).toEqual(before);
    expect(await follow(b)).toEqual(before);
    expect(await b.headSeq()).toBe(before.at(-1));

    await slow.query('COMMIT');
    slow.release();
    const after = await follow(b);
    expect(after).toHaveLength(4);
    expect(after).toContain(slowSeq);
    expect(after).toEqual([...after].sort((x, y) => x - y));
    expect(after.filter((s) => s > slowSeq)).toHaveLength(2);
    expect(await b.headSeq()).toBe(after.at(-1));
    await a.close();
    await b.close();
  });

  it('lets a reader following the log miss nothing while two engines commit at once', async () => {
    const settings = freshPostgres();
    const engines = [
      await PostgresJournal.open(settings, { membership: { heartbeatMs: 50 } }),
      await PostgresJournal.open(settings, { membership: { heartbeatMs: 50 } }),
    ];
    const reader = engines[0]!;
    const seen: number[] = [];
    let after = 0;
    let writing = true;
    const follower = (async () => {
      while (writing || after < (await reader.headSeq())) {
        const page = await reader.transitions(after, 100);
        for (const t of page) seen.push(t.seq);
        after = page.at(-1)?.seq ?? after;
        if (page.length === 0) await new Promise((r) => setTimeout(r, 1));
      }
    })();
    // Each engine commits 40 batches of 1 to 5 entries, both at once.
    await Promise.all(
      engines.map(async (j) => {
        for (let i = 0; i < 40; i++) {
          const batch = Array.from({ length: 1 + (i % 5) }, () => delivery());
          await j.hooks.onIntent?.(batch);
          for (const d of batch) void j.hooks.onDispatched?.(d);
        }
        await j.flush();
      }),
    );
    writing = false;
    await follower;
    const { rows } = await reader.database.pool.query<{ seq: string }>(
      'SELECT seq FROM transitions ORDER BY seq',
    );
    const all = rows.map((r) => Number(r.seq));
    expect(all.length).toBeGreaterThan(200);
    // Every committed transition, once, in order.
    expect(seen).toEqual(all);
    for (const j of engines) await j.close();
  });
});
