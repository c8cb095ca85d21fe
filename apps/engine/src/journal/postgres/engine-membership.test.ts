import { describe, expect, it } from 'vitest';
import { until } from '../../../test/support/until.ts';
import type { UnfinishedEntry } from '../journal.ts';
import { delivery, failure } from '../contract/fixtures.ts';
import type { PostgresSettings } from './open-postgres.ts';
import { PostgresJournal } from './postgres-journal.ts';
import { freshPostgres } from './postgres-test.ts';

/** Two engines on one schema, beating and looking at each other every 50 ms. */
async function twoEngines(
  settings: PostgresSettings,
  leaseMs = 15_000,
): Promise<[PostgresJournal, PostgresJournal]> {
  const a = await PostgresJournal.open(settings, { membership: { heartbeatMs: 50, leaseMs } });
  const b = await PostgresJournal.open(settings, { membership: { heartbeatMs: 50, leaseMs } });
  return [a, b];
}

/** Orchestration runs `engine` drives, the first oldest. */
async function insertRuns(
  engine: PostgresJournal,
  ids: readonly string[],
  status = 'running',
): Promise<void> {
  for (const [i, id] of ids.entries())
    await engine.database.pool.query(
      `INSERT INTO orchestrations (id, kind, thread_id, spec, state, status, created_at, updated_at, owner)
       VALUES ($1, 'sequence', 't', '{}', '{}', $2, $3, $3, $4)`,
      [id, status, 1_000 + i, engine.member.id],
    );
}

describe('several engines on one PostgreSQL journal schema', () => {
  it('hands each engine back only what it wrote, and the unfinished work of one that left to another, once', async () => {
    const settings = freshPostgres();
    const [a, b] = await twoEngines(settings);
    const [a1, a2, a3, b1] = [delivery(), delivery(), delivery(), delivery()];
    if (!a1 || !a2 || !a3 || !b1) throw new Error('setup');
    await a.hooks.onIntent?.([a1, a2, a3]);
    void a.hooks.onDispatched?.(a2);
    await a.hooks.onAcknowledged?.(a3, []);
    await b.hooks.onIntent?.([b1]);
    expect((await a.unfinished()).map((u) => u.delivery.id)).toEqual([a1.id, a2.id]);
    expect((await b.unfinished()).map((u) => u.delivery.id)).toEqual([b1.id]);

    const adopted: UnfinishedEntry[] = [];
    b.onAdoption((entries) => {
      adopted.push(...entries);
      return Promise.resolve();
    });
    await a.close();
    await until('a’s work adopted', () => (adopted.length === 2 ? true : undefined), 10_000);
    // The one that had started comes back counted; the finished one stays finished.
    expect(adopted.map((u) => [u.delivery.id, u.delivery.attempt])).toEqual([
      [a1.id, 1],
      [a2.id, 2],
    ]);
    expect((await b.unfinished()).map((u) => u.delivery.id).sort()).toEqual([a1.id, a2.id, b1.id].sort());
    // Operators see both: the one answering running, the other stopped and adopted.
    expect(await b.peers.engines()).toEqual([
      expect.objectContaining({ id: b.member.id, state: 'running', self: true, adoptedBy: null }),
      expect.objectContaining({ id: a.member.id, state: 'stopped', self: false, adoptedBy: b.member.id }),
    ]);

    // An engine that joins later finds nothing left to adopt: it was adopted once.
    const c = await PostgresJournal.open(settings);
    expect(await c.unfinished()).toEqual([]);
    await c.close();
    await b.close();
  });

  it('fences an engine whose heartbeat is older than the lease: its work is adopted and it can write nothing more', async () => {
    const settings = freshPostgres();
    // `hung` never beats (a paused process); `watcher` holds a peer dead after 300 ms without a beat. It
    // joins once hung's work is written, and adopts it at once (at its join) or at its next look.
    const hung = await PostgresJournal.open(settings, { membership: { heartbeatMs: 3_600_000 } });
    const d = delivery();
    await hung.hooks.onIntent?.([d]);
    void hung.hooks.onDispatched?.(d);
    await hung.flush();
    const fenced: string[] = [];
    hung.onFenced((reason) => fenced.push(reason));
    const watcher = await PostgresJournal.open(settings, { membership: { heartbeatMs: 50, leaseMs: 300 } });
    watcher.onAdoption(() => Promise.resolve());
    await until(
      'the hung engine’s work adopted',
      async () =>
        (await watcher.peers.engines()).find((e) => e.id === hung.member.id)?.adoptedBy === watcher.member.id
          ? true
          : undefined,
      10_000,
    );
    // Left unowned at once, and claimed by the only engine that runs.
    const taken = await until(
      'the hung engine’s entry claimed',
      async () => {
        const mine = await watcher.unfinished();
        return mine.length > 0 ? mine : undefined;
      },
      10_000,
    );
    expect(taken.map((u) => u.delivery)).toMatchObject([{ id: d.id, attempt: 2 }]);
    expect((await watcher.peers.engines()).find((e) => e.id === hung.member.id)).toMatchObject({
      state: 'dead',
      adoptedBy: watcher.member.id,
    });

    // It wakes up and acknowledges what it no longer owns: refused, and it learns why.
    await expect(hung.hooks.onAcknowledged?.(d, [])).rejects.toThrow(
      new RegExp(
        `engine ${hung.member.id} was declared dead and its work adopted by engine ${watcher.member.id}`,
      ),
    );
    expect(fenced).toHaveLength(1);
    expect(await watcher.getMessage(d.id)).toMatchObject({ state: 'DISPATCHED', attempts: 1 });
    await hung.close();
    await watcher.close();
  });

  it('lets one engine act on a dead letter when operators on two engines act on it at once', async () => {
    const [a, b] = await twoEngines(freshPostgres());
    const [d, e] = [delivery(), delivery()];
    await a.hooks.onIntent?.([d, e]);
    for (const x of [d, e]) await a.hooks.onFailed?.(x, failure, { outputs: [] });
    // The same dead letter retried on both: delivered once.
    const retries = await Promise.allSettled([a.retry(d.id), b.retry(d.id)]);
    expect(retries.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    // Discarded on one while retried in bulk on the other: one of them takes it.
    const [discard, bulk] = await Promise.allSettled([a.discard(e.id), b.retryMany({}, { dryRun: false })]);
    const retried = bulk.status === 'fulfilled' ? bulk.value.deliveries.map((x) => x.id) : [];
    expect(retried.includes(e.id)).toBe(discard.status === 'rejected');
    const discarded = (await a.transitions(0, 100)).filter((t) => t.state === 'DISCARDED');
    expect(discarded.map((t) => t.messageId)).toEqual(discard.status === 'fulfilled' ? [e.id] : []);
    await a.close();
    await b.close();
  });

  it('tells an engine’s write watchers when another engine commits', async () => {
    const [a, b] = await twoEngines(freshPostgres());
    const heard: boolean[] = [];
    const stop = b.watchWrites((err, peer) => {
      if (!err) heard.push(peer === true);
    });
    await a.hooks.onIntent?.([delivery()]);
    await until('b hears a’s commit', () => (heard.includes(true) ? true : undefined), 10_000);
    stop();
    await a.close();
    await b.close();
  });

  it('counts every engine’s outcomes in the throughput chart, whichever engine is asked', async () => {
    const [a, b] = await twoEngines(freshPostgres());
    const [x, y] = [delivery(), delivery()];
    if (!x || !y) throw new Error('setup');
    await a.hooks.onIntent?.([x]);
    await a.hooks.onAcknowledged?.(x, []);
    await b.hooks.onIntent?.([y]);
    await b.hooks.onAcknowledged?.(y, []);
    const sum = (xs: (number | null)[]): number => xs.reduce<number>((n, v) => n + (v ?? 0), 0);
    for (const j of [a, b]) expect(sum((await j.throughput(Date.now() + 1_000)).delivered)).toBe(2);
    await a.close();
    await b.close();
  });

  it('adopts no live peer when every engine lost its session at once (the server restarted)', async () => {
    // b looks every second, a every 50 ms: a is back long before b has made its session again.
    const settings = freshPostgres();
    const a = await PostgresJournal.open(settings, { membership: { heartbeatMs: 50 } });
    const b = await PostgresJournal.open(settings, { membership: { heartbeatMs: 1_000 } });
    const fenced: string[] = [];
    for (const j of [a, b]) {
      j.onFenced((reason) => fenced.push(reason));
      j.onAdoption(() => Promise.resolve());
    }
    // Both engines' own sessions (their locks) end together, as in a fail-over of the server.
    const pid = (j: PostgresJournal): number | undefined =>
      (j.member['client'] as unknown as { processID?: number } | undefined)?.processID;
    const pids = [a, b].map(pid);
    await a.database.pool.query('SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid', [pids]);
    await until(
      'both sessions made again',
      () => ([a, b].every((j) => pid(j) !== undefined && !pids.includes(pid(j))) ? true : undefined),
      10_000,
    );
    // Twenty of a's looks later neither was taken for dead, and both still write.
    await new Promise((r) => setTimeout(r, 1_000));
    expect(fenced).toEqual([]);
    expect((await a.peers.engines()).map((e) => [e.state, e.adoptedBy])).toEqual([
      ['running', null],
      ['running', null],
    ]);
    await b.hooks.onIntent?.([delivery()]);
    await a.close();
    await b.close();
  });

  it('adopts a peer that has not come back once its reconnect grace is up, and not before', async () => {
    // a looks every 50 ms with a 400 ms grace; b never beats again, so it never makes its session again.
    const settings = freshPostgres();
    const a = await PostgresJournal.open(settings, {
      membership: { heartbeatMs: 50, reconnectGraceMs: 400 },
    });
    const b = await PostgresJournal.open(settings, { membership: { heartbeatMs: 3_600_000 } });
    a.onAdoption(() => Promise.resolve());
    const pid = (j: PostgresJournal): number | undefined =>
      (j.member['client'] as unknown as { processID?: number } | undefined)?.processID;
    const pids = [a, b].map(pid);
    await a.database.pool.query('SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid', [pids]);
    await until('a’s session made again', () => (pid(a) !== pids[0] ? true : undefined), 10_000);
    const back = Date.now();
    const adoptedBy = async (): Promise<string | null | undefined> =>
      (await a.peers.engines()).find((e) => e.id === b.member.id)?.adoptedBy;
    // Within the grace b's free lock is not taken for death...
    await new Promise((r) => setTimeout(r, 200));
    expect(await adoptedBy()).toBeNull();
    // ...after it, it is.
    await until('b adopted', async () => ((await adoptedBy()) === a.member.id ? true : undefined), 10_000);
    expect(Date.now() - back).toBeGreaterThanOrEqual(300);
    await a.close();
    await b.close();
  });

  it('spreads a dead engine’s running orchestrations over the live engines, each taken once', async () => {
    const settings = freshPostgres();
    const [a, b] = await twoEngines(settings);
    const c = await PostgresJournal.open(settings, { membership: { heartbeatMs: 50 } });
    // Six runs c drives, and one it finished (which stays where it is).
    const runs = Array.from({ length: 6 }, (_, i) => `run-${i}`);
    await insertRuns(c, runs);
    await insertRuns(c, ['run-done'], 'done');
    const taken = new Map<string, string[]>();
    for (const j of [a, b])
      j.onAdoption((_, ids) => {
        taken.set(j.member.id, [...(taken.get(j.member.id) ?? []), ...ids]);
        return Promise.resolve();
      });
    await c.close();
    const all = await until(
      'every run taken',
      () => {
        const ids = [...taken.values()].flat();
        return ids.length >= runs.length ? ids : undefined;
      },
      10_000,
    );
    expect(all.sort()).toEqual(runs);
    // Three each, in turn by age, and the database agrees on who drives which.
    expect([...taken.values()].map((ids) => ids.length)).toEqual([3, 3]);
    const { rows } = await a.database.pool.query<{
      id: string;
      owner: string | null;
      offered_to: string | null;
    }>(`SELECT id, owner, offered_to FROM orchestrations ORDER BY id`);
    for (const r of rows.filter((r) => r.id !== 'run-done')) {
      expect(r.offered_to).toBeNull();
      expect(taken.get(r.owner ?? '')).toContain(r.id);
    }
    expect(rows.find((r) => r.id === 'run-done')?.owner).toBe(c.member.id);
    await a.close();
    await b.close();
  });

  it('spreads again the runs offered to an engine that died before it took them', async () => {
    const settings = freshPostgres();
    // b takes nothing offered (it hands nothing to a pump: no onAdoption), then dies too.
    const [a, b] = await twoEngines(settings);
    const c = await PostgresJournal.open(settings, { membership: { heartbeatMs: 50 } });
    const runs = Array.from({ length: 4 }, (_, i) => `run-${i}`);
    await insertRuns(c, runs);
    const taken: string[] = [];
    a.onAdoption((_, ids) => {
      taken.push(...ids);
      return Promise.resolve();
    });
    await c.close();
    await until('a took its share', () => (taken.length === 2 ? true : undefined), 10_000);
    const offered = await a.database.pool.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM orchestrations WHERE owner IS NULL AND offered_to = $1',
      [b.member.id],
    );
    expect(offered.rows[0]?.n).toBe(2);
    await b.close();
    await until('a took b’s share too', () => (taken.length === 4 ? true : undefined), 10_000);
    expect(taken.sort()).toEqual(runs);
    await a.close();
  });
});
