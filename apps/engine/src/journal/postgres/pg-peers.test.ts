import { describe, expect, it } from 'vitest';
import { until } from '../../../test/support/until.ts';
import type { RestartPlan } from '../peers.ts';
import { PostgresJournal } from './postgres-journal.ts';
import { freshPostgres } from './postgres-test.ts';

describe('rolling restarts recorded in a PostgreSQL journal', () => {
  it('allows one at a time, and hands one whose leader stopped to another engine, once', async () => {
    const settings = freshPostgres();
    const a = await PostgresJournal.open(settings, { membership: { heartbeatMs: 50 } });
    const b = await PostgresJournal.open(settings, { membership: { heartbeatMs: 50 } });
    const c = await PostgresJournal.open(settings, { membership: { heartbeatMs: 50 } });
    const plan = await a.peers.beginRestart(2_000);
    expect(plan).toMatchObject({ leader: a.member.id, drainMs: 2_000 });
    expect(plan.startedAt).toBeGreaterThan(0);
    const refused = (await b.peers.beginRestart(1_000).catch((e: unknown) => e)) as Error & { code: string };
    expect(refused.code).toBe('CONFLICT');
    expect(refused.message).toMatch(/a rolling restart is already under way/);

    const taken: [string, RestartPlan][] = [];
    for (const j of [b, c]) j.peers.onRestartOrphaned((p) => taken.push([j.member.id, p]));
    // Its leader alive, nobody takes it: a poll or two later, still nothing.
    await new Promise((r) => setTimeout(r, 1_500));
    expect(taken).toEqual([]);
    // The leader stops before the end: one engine, and only one, goes on with it.
    await a.close();
    await until('the restart taken over', () => (taken.length > 0 ? true : undefined), 10_000);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(taken).toHaveLength(1);
    const [[by, p]] = taken as [[string, RestartPlan]];
    expect(p).toEqual({ ...plan, leader: by });
    const taker = by === b.member.id ? b : c;
    await taker.peers.endRestart(p.id, 'done');
    // Ended, another may begin.
    await expect(c.peers.beginRestart(1_000)).resolves.toMatchObject({ leader: c.member.id });
    await b.close();
    await c.close();
  });
});
