import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PostgresJournal } from '../../src/journal/postgres/postgres-journal.ts';
import { freshPostgres } from '../../src/journal/postgres/postgres-test.ts';
import type { PostgresSettings } from '../../src/journal/postgres/open-postgres.ts';
import { createEngine } from '../../src/main.ts';
import { copyDemo, demoGreeting, post, startHarness, writeInto } from '../support/server-harness.ts';
import type { ServerHarness } from '../support/server-harness.ts';
import { until } from '../support/until.ts';

/** The demo with one more listener, `echo`, answering as the shouter does (with the given schema). */
const withEcho = (yaml: string, schema = 'schemas/shouter.xsd'): string =>
  yaml.replace(
    'listeners:\n',
    `listeners:\n  - name: echo\n    description: Shouts back.\n    payload:\n      schema: ${schema}\n    handler: ./handlers/shouter.ts#shout\n\n`,
  );

const running: ServerHarness[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((h) => h.close()));
});

/** An engine on a private copy of the demo, on the shared schema `db` (the first one makes the users). */
async function engineOn(db: PostgresSettings): Promise<{ h: ServerHarness; dir: string }> {
  const dir = copyDemo('organism-shared-config-');
  const h = await startHarness(join(dir, 'organism.yaml'), await PostgresJournal.open(db), {
    joining: running.length > 0,
  });
  running.push(h);
  return { h, dir };
}

/** Waits until `ok` holds. */
const holds = (what: string, ok: () => Promise<boolean> | boolean, ms = 5_000): Promise<true> =>
  until(what, async () => (await ok()) || undefined, ms);

const names = (h: ServerHarness): string[] => h.engine.listeners().map((l) => l.name);

describe('live configuration across engines on one PostgreSQL journal', () => {
  it('runs a configuration saved on one engine on every engine, each saying which version it runs', async () => {
    const db = freshPostgres();
    const a = await engineOn(db);
    const b = await engineOn(db);
    const admin = await a.h.client('admin');
    const before = readFileSync(join(b.dir, 'organism.yaml'), 'utf8');
    const res = await admin.config.save.mutate({ yaml: withEcho(before) });
    expect(res.ok).toBe(true);

    await holds('B runs echo', () => names(b.h).includes('echo'));
    // B wrote what it runs over its own file, and kept what it replaced in its history.
    expect(readFileSync(join(b.dir, 'organism.yaml'), 'utf8')).toBe(withEcho(before));
    const history = await b.h.engine.configuration.history();
    expect(history).toHaveLength(1);
    expect(history[0]!.actor).toBe('admin');
    expect(history[0]!.note).toMatch(/^followed configuration/);
    expect(await b.h.engine.configuration.version(history[0]!.id)).toBe(before);

    const viewer = await b.h.client('viewer');
    await holds('every engine on the newest version', async () => {
      const now = await viewer.organism.engines.query();
      return now.engines.every((e) => e.configVersion === now.config?.version);
    });
    const cluster = await viewer.organism.engines.query();
    expect(cluster.config).toMatchObject({ actor: 'admin', engine: a.h.engine['journal'].peers!.self });
    expect(cluster.engines.map((e) => e.configError)).toEqual([null, null]);
  });

  it('shows a configuration one engine cannot run, which keeps running its own until a newer one', async () => {
    const db = freshPostgres();
    const a = await engineOn(db);
    const b = await engineOn(db);
    const admin = await a.h.client('admin');
    const viewer = await a.h.client('viewer');
    const original = readFileSync(join(a.dir, 'organism.yaml'), 'utf8');
    // The schema exists only beside engine A.
    writeInto(a.dir, 'schemas/extra.xsd', readFileSync(join(a.dir, 'schemas/shouter.xsd'), 'utf8'));
    expect((await admin.config.save.mutate({ yaml: withEcho(original, 'schemas/extra.xsd') })).ok).toBe(true);

    const bId = b.h.engine['journal'].peers!.self;
    await holds('B reports its error', async () => {
      const e = (await viewer.organism.engines.query()).engines.find((x) => x.id === bId);
      return typeof e?.configError === 'string';
    });
    const cluster = await viewer.organism.engines.query();
    const engineB = cluster.engines.find((e) => e.id === bId)!;
    expect(engineB.configError).toMatch(/schemas\/extra\.xsd/);
    expect(engineB.configVersion).not.toBe(cluster.config!.version);
    expect(names(b.h)).not.toContain('echo');
    expect(readFileSync(join(b.dir, 'organism.yaml'), 'utf8')).toBe(original);

    // The next revision, which it can run, clears it.
    expect((await admin.config.save.mutate({ yaml: withEcho(original) })).ok).toBe(true);
    await holds('B runs echo', () => names(b.h).includes('echo'));
    await holds('B clears its error', async () => {
      const e = (await viewer.organism.engines.query()).engines.find((x) => x.id === bId);
      return e?.configError === null;
    });
  });

  it('starts a new engine on the newest shared configuration, keeping its own file in history', async () => {
    const db = freshPostgres();
    const a = await engineOn(db);
    const admin = await a.h.client('admin');
    const original = readFileSync(join(a.dir, 'organism.yaml'), 'utf8');
    expect((await admin.config.save.mutate({ yaml: withEcho(original) })).ok).toBe(true);

    const c = await engineOn(db);
    expect(names(c.h)).toContain('echo');
    expect(readFileSync(join(c.dir, 'organism.yaml'), 'utf8')).toBe(withEcho(original));
    const history = await c.h.engine.configuration.history();
    expect(history).toHaveLength(1);
    expect(await c.h.engine.configuration.version(history[0]!.id)).toBe(original);
  });

  it('holds a listener paused on one engine on every engine, and resumes it everywhere', async () => {
    const db = freshPostgres();
    const a = await engineOn(db);
    const b = await engineOn(db);
    const operator = await a.h.client('operator');
    const paused = (h: ServerHarness): boolean =>
      h.engine.listeners().find((l) => l.name === 'greeter')!.paused !== null;

    await operator.listeners.pause.mutate({ name: 'greeter' });
    await holds('greeter paused on B', () => paused(b.h));
    await operator.listeners.resume.mutate({ name: 'greeter' });
    await holds('greeter resumed on B', () => !paused(b.h));
  });
});

describe('listeners per engine on one PostgreSQL journal', () => {
  it('runs each listener only on the engines that run it, the message passing between them', async () => {
    const db = freshPostgres();
    const dirA = copyDemo('organism-listeners-');
    const dirB = copyDemo('organism-listeners-');
    const a = await startHarness(
      join(dirA, 'organism.yaml'),
      await PostgresJournal.open(db, { membership: { listeners: ['greeter'] } }),
    );
    running.push(a);
    const b = await startHarness(
      join(dirB, 'organism.yaml'),
      await PostgresJournal.open(db, { membership: { listeners: ['shouter'] } }),
      { joining: true },
    );
    running.push(b);
    // Posted to B, which does not run the greeter: A runs it, B its shouter, A the greeter's answer.
    const res = await post(b, demoGreeting(1));
    expect(res.status).toBe(202);
    const { threadId } = (await res.json()) as { threadId: string };
    const pg = (a.journal as PostgresJournal).database.pool;
    const hops = await until(
      'the thread done',
      async () => {
        const { rows } = await pg.query<{ to_name: string; state: string; owner: string }>(
          'SELECT to_name, state, owner FROM messages WHERE thread_id = $1 ORDER BY seq',
          [threadId],
        );
        return rows.length >= 3 && rows.every((r) => r.state === 'ACKED') ? rows : undefined;
      },
      10_000,
    );
    const ids = { a: (a.journal as PostgresJournal).member.id, b: (b.journal as PostgresJournal).member.id };
    // Operators see which engine runs what.
    const listed = await (await a.client('viewer')).organism.engines.query();
    expect(listed.engines.map((e) => [e.id, e.listeners]).sort()).toEqual(
      [
        [ids.a, ['greeter']],
        [ids.b, ['shouter']],
      ].sort(),
    );
    expect(hops.map((h) => [h.to_name, h.owner])).toEqual([
      ['greeter', ids.a],
      ['shouter', ids.b],
      ['greeter', ids.a],
      ...hops.slice(3).map((h) => [h.to_name, h.to_name === 'shouter' ? ids.b : ids.a]),
    ]);
  });

  it('refuses --listeners on a journal of its own, and names a listener the organism does not have', async () => {
    const dir = copyDemo('organism-listeners-');
    await expect(createEngine(join(dir, 'organism.yaml'), { listeners: ['greeter'] })).rejects.toThrow(
      /--listeners runs only some listeners, which needs a journal shared with engines that run the others/,
    );
    await expect(
      createEngine(join(dir, 'organism.yaml'), {
        listeners: ['greter'],
        journal: await PostgresJournal.open(freshPostgres()),
      }),
    ).rejects.toThrow(
      /--listeners names greter, which .*organism\.yaml does not declare \(it declares greeter, /,
    );
  });
});
