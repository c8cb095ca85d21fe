/**
 * A rolling restart whose leader is killed (SIGKILL) after the first engine it asked has restarted:
 * another engine takes it over, restarts the engine that remains, then itself, and records the end.
 */
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { openPostgres } from '../../src/journal/postgres/open-postgres.ts';
import { freshPostgres } from '../../src/journal/postgres/postgres-test.ts';
import { freePort } from '../support/organism-copy.ts';
import { signedIn, until } from '../cli/organism-process.ts';
import type { OrganismProcess } from '../cli/organism-process.ts';
import { writeTwoHopOrganism } from './two-hop-organism.ts';
import { engineRows, running, startSupervised, stopAll } from './supervised-cluster.ts';

beforeAll(() => {
  process.env['ORGANISM_TEST_PG_URL'] = inject('postgresUrl');
});
afterAll(() => {
  delete process.env['ORGANISM_TEST_PG_URL'];
});

it('goes on with a rolling restart whose leader was killed mid-way: every engine restarted, the end recorded', async () => {
  const { url, schema = '' } = freshPostgres('strict');
  const organism = writeTwoHopOrganism(
    'takeover',
    schema,
    `export function first(_payload, ctx) { ctx.forward('second', ctx.payloadXml); }\nexport function second() {}\n`,
  );
  const ports = await Promise.all([freePort(), freePort(), freePort()]);
  const urls = ports.map((port) => `http://127.0.0.1:${port}`);
  const db = await openPostgres({ url, schema, durability: 'fast', poolSize: 2 });
  const supervisors: OrganismProcess[] = [];
  try {
    const { engines, before } = await startSupervised(organism.yaml, ports, 1_000, supervisors);
    const originalIds = before.map((e) => e.id);
    const leader = before.find((e) => e.address === urls[0])!;

    const admin = await signedIn(urls[0]!);
    expect(await admin.organism.restart.mutate({ drainMs: 1_000 })).toEqual({ accepted: true, engines: 3 });
    // The first engine it asked stopped and a new one joined in its place: the leader dies.
    await until(
      'the first engine restarted',
      async () => {
        const now = await engines();
        const stopped = now.filter((e) => originalIds.includes(e.id) && e.state !== 'running');
        const fresh = running(now).filter((e) => !originalIds.includes(e.id) && e.address !== null);
        return stopped.length >= 1 && fresh.length >= 1 ? true : undefined;
      },
      60_000,
    );
    process.kill(leader.pid, 'SIGKILL');

    // Another engine takes the restart over: every original engine ends, three new ones serve, and the
    // end is recorded. The new leader records it once it has seen the last engine come back (it polls),
    // which may be a moment after the third new one serves.
    const ended = async () =>
      (await db.pool.query('SELECT 1 FROM rolling_restarts WHERE ended_at IS NOT NULL')).rowCount === 1;
    await until(
      'three new engines, every original gone, the end recorded',
      async () => {
        const now = await engines();
        const originals = now.filter((e) => originalIds.includes(e.id));
        const fresh = running(now).filter((e) => !originalIds.includes(e.id) && e.address !== null);
        const all = originals.every((e) => e.state !== 'running') && fresh.length === 3;
        return all && (await ended()) ? true : undefined;
      },
      120_000,
    );
    const { rows } = await db.pool.query<{ leader: string; outcome: string | null; ended: boolean }>(
      'SELECT leader, outcome, ended_at IS NOT NULL AS ended FROM rolling_restarts',
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ outcome: 'done', ended: true });
    // Led to the end by another engine: one of the other two originals, or one that joined since (the
    // first engine asked, back), whichever saw the leader dead first.
    expect(rows[0]!.leader).not.toBe(leader.id);
    const members = await engineRows(db);
    expect(members.map((m) => m.id)).toContain(rows[0]!.leader);
    // The killed leader was adopted (found dead); the two others stopped gracefully.
    const originals = originalIds.map((id) => members.find((m) => m.id === id)!);
    expect(originals.find((o) => o.id === leader.id)?.adoptedBy).not.toBeNull();
    expect(originals.filter((o) => o.id !== leader.id).every((o) => o.stoppedAt !== null)).toBe(true);
  } catch (err) {
    for (const [i, s] of supervisors.entries())
      console.error(`--- engine ${i + 1} (${urls[i]}):\n${s.output()}`);
    throw err;
  } finally {
    await stopAll(supervisors);
    await db.close();
  }
}, 180_000);
