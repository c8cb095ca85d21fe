/**
 * A rolling restart of three supervised engines on one PostgreSQL schema (organism.restart on one of
 * them), under load: producers post through all three and retry a refused post on the next engine. No
 * producer is refused for good, every accepted message and its reply end ACKED, and each engine stops
 * gracefully and comes back as a new process, the engine asked last. An engine without a supervisor
 * makes the whole restart refused before any engine restarts.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import type { AppRouter } from '../../src/api/app-router.ts';
import { openPostgres } from '../../src/journal/postgres/open-postgres.ts';
import type { OpenPostgres } from '../../src/journal/postgres/open-postgres.ts';
import { freshPostgres } from '../../src/journal/postgres/postgres-test.ts';
import { freePort } from '../support/organism-copy.ts';
import { jobFor, writeTwoHopOrganism } from './two-hop-organism.ts';
import { engineRows, enginesView, running, startSupervised, stopAll } from './supervised-cluster.ts';
import { createToken, healthy, signedIn, spawnOrganism, until } from '../cli/organism-process.ts';
import type { OrganismProcess } from '../cli/organism-process.ts';

/** Posts in flight at any time, over the three engines. */
const PRODUCERS = 12;
/** The restart is asked for once this many messages were accepted. */
const RESTART_AFTER = 100;
/** After every engine is back, producers go on until this many more were accepted. */
const AFTER_RESTART = 60;
/** Each producer's pause between two messages, and before retrying a refused one on the next engine. */
const PACE_MS = 20;
const RETRY_PAUSE_MS = 100;
/** The drain each engine is given by the rolling restart. */
const DRAIN_MS = 5_000;

/**
 * A two-hop organism journaled in `schema`: `first` forwards each job to `second`. Runs are short
 * (10–40 ms), so the load keeps threads in flight during each drain without piling up a backlog that a
 * loaded 2-core machine would take long to finish.
 */
function writeOrganism(schema: string): { dir: string; yaml: string } {
  return writeTwoHopOrganism(
    'rolling',
    schema,
    `import { setTimeout as sleep } from 'node:timers/promises';
export async function first(_payload, ctx) {
  await sleep(10 + Math.random() * 30);
  ctx.forward('second', ctx.payloadXml);
}
export async function second() {
  await sleep(10 + Math.random() * 30);
}
`,
  );
}

const envelope = jobFor;

interface Accepted {
  ids: string[];
  /** The index of the engine (its port) that accepted it, and when. */
  engine: number;
  at: number;
}

interface Production {
  /** Every message that got a 202, by its number. */
  accepted: Map<number, Accepted>;
  /** Why posts were refused (a 503's code, or what cut the connection), with how many times. */
  refusals: Map<string, number>;
  /** Answers no producer expects (neither 202 nor 503): each was retried too. */
  unexpected: string[];
  /** Stops taking new messages; resolves once every producer is done with its last one. */
  stop(): Promise<{ posted: number; givenUp: number[] }>;
}

/**
 * `PRODUCERS` producers post numbered jobs over `urls` until stopped, each one message at a time. A post
 * that fails (no connection, a cut one, a timeout, anything but a 202) is retried, the same message on the
 * next engine round robin after a short pause; a producer gives up only `giveUpMs` after it was stopped.
 */
function produce(urls: readonly string[], token: string, giveUpMs = 60_000): Production {
  const accepted = new Map<number, Accepted>();
  const refusals = new Map<string, number>();
  const unexpected: string[] = [];
  const givenUp: number[] = [];
  let next = 0;
  let cursor = 0;
  let stopping = false;
  let deadline = Infinity;
  const refused = (why: string): void => void refusals.set(why, (refusals.get(why) ?? 0) + 1);

  /** One post: the ids it was accepted with, or undefined (the refusal counted). */
  const post = async (url: string, n: number): Promise<string[] | undefined> => {
    let res: Response;
    try {
      res = await fetch(`${url}/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/xml', authorization: `Bearer ${token}` },
        body: envelope(n),
        signal: AbortSignal.timeout(15_000),
      });
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause;
      refused(`no answer: ${cause?.code ?? (err as Error).name}`);
      return undefined;
    }
    const text = await res.text().catch(() => undefined);
    if (res.status === 202) {
      const body = JSON.parse(text ?? '{}') as { messageIds?: string[] };
      if (body.messageIds?.length) return body.messageIds;
      // Cut between its status line and its body: not known to be accepted.
      refused('202 without a body');
      return undefined;
    }
    if (res.status === 503) {
      const body = JSON.parse(text ?? '{}') as { error?: { code?: string } };
      refused(`503 ${body.error?.code ?? '?'}`);
      return undefined;
    }
    unexpected.push(`${url}: ${res.status} ${text ?? ''}`);
    refused(String(res.status));
    return undefined;
  };

  const producer = async (): Promise<void> => {
    while (!stopping) {
      const n = next++;
      let engine = cursor++ % urls.length;
      for (;;) {
        const ids = await post(urls[engine]!, n);
        if (ids) {
          accepted.set(n, { ids, engine, at: Date.now() });
          break;
        }
        if (Date.now() > deadline) {
          givenUp.push(n);
          break;
        }
        engine = (engine + 1) % urls.length;
        await sleep(RETRY_PAUSE_MS);
      }
      await sleep(PACE_MS);
    }
  };
  const running = Promise.all(Array.from({ length: PRODUCERS }, producer));
  return {
    accepted,
    refusals,
    unexpected,
    stop: async () => {
      stopping = true;
      deadline = Date.now() + giveUpMs;
      await running;
      return { posted: next, givenUp };
    },
  };
}

/** How many entries of the schema are in each state. */
async function stateCounts(db: OpenPostgres): Promise<Record<string, number>> {
  const { rows } = await db.pool.query<{ state: string; n: number }>(
    'SELECT state, count(*)::int AS n FROM messages GROUP BY state',
  );
  return Object.fromEntries(rows.map((r) => [r.state, r.n]));
}

beforeAll(() => {
  process.env['ORGANISM_TEST_PG_URL'] = inject('postgresUrl');
});
afterAll(() => {
  delete process.env['ORGANISM_TEST_PG_URL'];
});

it('restarts three supervised engines one at a time under load: no producer refused for good, every accepted message ACKED', async () => {
  const { url, schema = '' } = freshPostgres('strict');
  const organism = writeOrganism(schema);
  const ports = await Promise.all([freePort(), freePort(), freePort()]);
  const urls = ports.map((port) => `http://127.0.0.1:${port}`);
  // Made before any engine runs: the CLI migrates the schema itself.
  const { token } = await createToken({ ...organism, url: urls[0]!, journal: schema }, 'producers');
  // The test's own pool: a PostgresJournal would join the cluster as a fourth engine.
  const db = await openPostgres({ url, schema, durability: 'fast', poolSize: 2 });
  const supervisors: OrganismProcess[] = [];
  let production: Production | undefined;
  const t0 = Date.now();
  const phases: string[] = [];
  const phase = (what: string): void =>
    void phases.push(`${what} ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  try {
    const { engines, before } = await startSupervised(organism.yaml, ports, 3_000, supervisors);
    const originalIds = before.map((e) => e.id);
    const originalPids = before.map((e) => e.pid);
    const first = before.find((e) => e.address === urls[0])!;
    expect(first).toBeDefined();
    phase('three engines up');

    production = produce(urls, token);
    const { accepted } = production;
    await until('the first accepted messages', () => (accepted.size >= RESTART_AFTER ? true : undefined));

    phase(`${RESTART_AFTER} accepted`);
    const admin = await signedIn(urls[0]!);
    const askedAt = Date.now();
    expect(await admin.organism.restart.mutate({ drainMs: DRAIN_MS })).toEqual({
      accepted: true,
      engines: 3,
    });

    const after = await until(
      'three new engines, the original three stopped',
      async () => {
        const now = await engines();
        const originals = now.filter((e) => originalIds.includes(e.id));
        const fresh = running(now).filter((e) => !originalIds.includes(e.id) && e.address !== null);
        return originals.length === 3 && originals.every((e) => e.state !== 'running') && fresh.length === 3
          ? fresh
          : undefined;
      },
      120_000,
    );
    const backAt = Date.now();
    phase('all three back');
    const acceptedBefore = accepted.size;
    await until('more accepted after the restart', () =>
      accepted.size >= acceptedBefore + AFTER_RESTART ? true : undefined,
    );
    const { posted, givenUp } = await production.stop();
    const { refusals, unexpected } = production;
    production = undefined;
    phase('producers stopped');

    // No producer was refused for good: every message it posted was accepted by some engine.
    expect(givenUp).toEqual([]);
    expect(accepted.size).toBe(posted);
    expect(unexpected).toEqual([]);
    // The restart was felt (engines refused or were gone) and the producers went on elsewhere.
    expect([...refusals.values()].reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    const during = [...accepted.values()].filter((a) => a.at > askedAt && a.at < backAt).length;
    expect(during).toBeGreaterThan(0);
    // The new engines take work: each port accepted messages once all three were back.
    const lately = [0, 1, 2].map((i) =>
      [...accepted.values()].filter((a) => a.at > backAt && a.engine === i),
    );
    for (const l of lately) expect(l.length).toBeGreaterThan(0);

    // Posts cut off by a stop may be journaled without a 202: those must finish too.
    await until(
      'every entry to finish',
      async () => {
        const counts = await stateCounts(db);
        return (counts['PENDING'] ?? 0) + (counts['DISPATCHED'] ?? 0) === 0 ? true : undefined;
      },
      60_000,
    ).catch(async (err: unknown) => {
      throw new Error(`${String(err)}: ${JSON.stringify(await stateCounts(db))}`);
    });
    phase('every entry finished');
    const { rows } = await db.pool.query<{ id: string; parentId: string | null; to: string; state: string }>(
      'SELECT id, parent_id AS "parentId", to_name AS "to", state FROM messages',
    );
    const entries = new Map(rows.map((e) => [e.id, e]));
    const forwards = new Map<string, string[]>();
    for (const e of rows)
      if (e.parentId) forwards.set(e.parentId, [...(forwards.get(e.parentId) ?? []), `${e.to} ${e.state}`]);
    // 0 lost: each accepted job ACKED, with exactly one ACKED job for `second`; no dead letter anywhere.
    const acceptedIds = [...accepted.values()].flatMap((a) => a.ids);
    expect(acceptedIds).toHaveLength(accepted.size);
    const unfinished = acceptedIds.filter(
      (id) => entries.get(id)?.state !== 'ACKED' || forwards.get(id)?.join() !== 'second ACKED',
    );
    expect(unfinished).toEqual([]);
    const counts = await stateCounts(db);
    expect(counts['FAILED'] ?? 0).toBe(0);
    expect(Object.keys(counts)).toEqual(['ACKED']);

    // Each original engine stopped gracefully (its row says so; a peer may adopt what a stopped engine
    // leaves, but only after it stopped), and a new process serves on each port.
    const members = await engineRows(db);
    const originals = originalIds.map((id) => members.find((m) => m.id === id)!);
    for (const o of originals) {
      expect(o.stoppedAt).not.toBeNull();
      if (o.adoptedAt !== null) expect(o.adoptedAt).toBeGreaterThanOrEqual(o.stoppedAt!);
    }
    const fresh = after.map((e) => members.find((m) => m.id === e.id)!);
    expect(fresh.map((e) => e.address).sort()).toEqual([...urls].sort());
    expect(fresh.every((e) => e.supervised && e.stoppedAt === null && e.adoptedBy === null)).toBe(true);
    for (const e of fresh) expect(originalPids).not.toContain(e.pid);
    expect(new Set(fresh.map((e) => e.pid)).size).toBe(3);
    // One at a time, the engine asked last: the i-th engine to stop did so after i new engines joined.
    const stops = [...originals].sort((a, b) => a.stoppedAt! - b.stoppedAt!);
    expect(stops.at(-1)!.id).toBe(first.id);
    stops.forEach((o, i) =>
      expect(fresh.filter((e) => e.startedAt < o.stoppedAt!).length).toBeGreaterThanOrEqual(i),
    );
    // Each supervisor started one fresh engine, on the restart code.
    for (const s of supervisors) {
      expect(s.output().match(/engine started \(pid/g)).toHaveLength(2);
      expect(s.output()).toContain('engine asked for a restart');
    }

    const acceptedSet = new Set(acceptedIds);
    // Jobs journaled whose 202 never arrived (the producer posted them again): duplicates, not losses.
    const unanswered = rows.filter((e) => e.to === 'first' && !acceptedSet.has(e.id)).length;
    const drains = supervisors.map((s) => (/drain timed out/.test(s.output()) ? 'timed out' : 'drained'));
    console.log(
      `rolling restart test: ${accepted.size} accepted (${during} during the restart, which took ` +
        `${Math.round((backAt - askedAt) / 1000)} s); refusals ${JSON.stringify(Object.fromEntries(refusals))}; ` +
        `drains: ${drains.join(' / ')}; ${unanswered} journaled without a 202; ${phases.join(', ')}`,
    );
  } catch (err) {
    for (const [i, s] of supervisors.entries())
      console.error(`--- engine ${i + 1} (${urls[i]}):\n${s.output()}`);
    throw err;
  } finally {
    await production?.stop();
    await stopAll(supervisors);
    await db.close();
  }
}, 180_000);

it('refuses a rolling restart with NOT_SUPERVISED, naming the engine started with `organism run`, and restarts none', async () => {
  const { url, schema = '' } = freshPostgres('strict');
  const organism = writeOrganism(schema);
  const ports = await Promise.all([freePort(), freePort()]);
  const urls = ports.map((port) => `http://127.0.0.1:${port}`);
  const db = await openPostgres({ url, schema, durability: 'fast', poolSize: 2 });
  const procs: OrganismProcess[] = [];
  try {
    procs.push(
      spawnOrganism(['start', organism.yaml, '--port', String(ports[0]), '--drain', '3000', '--quiet']),
    );
    await healthy(urls[0]!, procs[0]!);
    procs.push(
      spawnOrganism(['run', organism.yaml, '--port', String(ports[1]), '--drain', '3000', '--quiet']),
    );
    await healthy(urls[1]!, procs[1]!);
    const engines = enginesView(urls);
    const before = await until('both engines with addresses', async () => {
      const now = running(await engines());
      return now.length === 2 && now.every((e) => e.address !== null) ? now : undefined;
    });
    const supervised = before.find((e) => e.address === urls[0])!;
    const alone = before.find((e) => e.address === urls[1])!;
    expect(supervised.supervised).toBe(true);
    expect(alone.supervised).toBe(false);

    const admin = await signedIn(urls[0]!);
    const refused = await admin.organism.restart.mutate({ drainMs: 1_000 }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(TRPCClientError);
    const err = refused as TRPCClientError<AppRouter>;
    expect(err.data?.engineCode).toBe('NOT_SUPERVISED');
    expect(err.data?.code).toBe('PRECONDITION_FAILED');
    expect(err.message).toContain(alone.id.slice(0, 8));
    expect(err.message).toContain(`${alone.pid}@`);
    expect(err.message).not.toContain(supervised.id.slice(0, 8));
    expect(err.message).toContain('organism start');

    // Nothing restarted: the same two engines run a while later.
    await sleep(1_500);
    const now = running(await engines());
    expect(now.map((e) => `${e.id} ${e.pid}`).sort()).toEqual(before.map((e) => `${e.id} ${e.pid}`).sort());
    const { rows } = await db.pool.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM engines WHERE stopped_at IS NOT NULL OR restart_drain_ms IS NOT NULL',
    );
    expect(rows[0]!.n).toBe(0);
    expect(procs[0]!.output().match(/engine started \(pid/g)).toHaveLength(1);
    expect(procs[0]!.output()).not.toContain('restart requested');
    expect(procs[1]!.output()).not.toContain('restart requested');
  } finally {
    await stopAll(procs);
    await db.close();
  }
}, 90_000);
