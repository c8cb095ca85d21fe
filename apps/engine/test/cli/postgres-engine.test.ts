import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freshPostgres } from '../../src/journal/postgres/postgres-test.ts';
import {
  createToken,
  echoOrganism,
  healthy,
  postPing,
  runOrganism,
  signedIn,
  spawnOrganism,
  until,
} from './organism-process.ts';
import type { EchoCopy } from './organism-process.ts';

/** The echo organism with its journal in PostgreSQL: the URL from an environment variable, a fresh schema. */
async function onPostgres(url = '${ORGANISM_TEST_PG_URL}'): Promise<EchoCopy> {
  const org = await echoOrganism();
  const yaml = readFileSync(org.yaml, 'utf8').replace(
    /journal:\n( {2}.*\n)+/,
    `journal:\n  driver: postgres\n  url: ${url}\n  schema: ${freshPostgres().schema}\n  durability: strict\n`,
  );
  writeFileSync(org.yaml, yaml);
  return org;
}

describe('organism run on a PostgreSQL journal', () => {
  beforeAll(() => {
    process.env['ORGANISM_TEST_PG_URL'] = inject('postgresUrl');
  });
  afterAll(() => {
    delete process.env['ORGANISM_TEST_PG_URL'];
  });

  it('journals messages, users and tokens in the database, and finds them all again after a restart', async () => {
    const org = await onPostgres();
    // A token made by the CLI before any engine ran: it migrates the schema itself.
    const { token } = await createToken(org, 'billing');
    const first = spawnOrganism(['run', org.yaml, '--quiet']);
    try {
      await healthy(org.url, first);
      for (let i = 0; i < 3; i++) expect(await postPing(org.url, token)).toBe(202);
      const admin = await signedIn(org.url);
      await until('3 ACKED entries', async () =>
        (await admin.journal.stats.query()).counts.ACKED >= 3 ? true : undefined,
      );
    } finally {
      await first.stop();
    }
    expect(first.output()).not.toMatch(/error/i);

    const second = spawnOrganism(['run', org.yaml, '--quiet']);
    try {
      await healthy(org.url, second);
      const admin = await signedIn(org.url);
      const stats = await admin.journal.stats.query();
      expect(stats.counts).toMatchObject({ PENDING: 0, DISPATCHED: 0, FAILED: 0 });
      const page = await admin.messages.list.query({ limit: 10, to: 'echo' });
      expect(page.items.map((m) => m.state)).toEqual(['ACKED', 'ACKED', 'ACKED']);
      expect(await postPing(org.url, token)).toBe(202);
      expect((await admin.audit.list.query({ limit: 50 })).items.length).toBeGreaterThan(0);
    } finally {
      await second.stop();
    }
  }, 90_000);

  it('refuses to start when the database cannot be reached, saying where without the password', async () => {
    const org = await onPostgres('postgres://organism:hunter2@127.0.0.1:1/organism');
    const engine = spawnOrganism(['run', org.yaml, '--quiet']);
    expect(await engine.exited).toBe(1);
    expect(engine.output()).toContain(
      'journal database postgres://organism:***@127.0.0.1:1/organism cannot be used',
    );
    expect(engine.output()).toContain('ECONNREFUSED');
    expect(engine.output()).not.toContain('hunter2');
    const cli = await runOrganism(['user', 'list'], org.dir);
    expect(cli.code).toBe(1);
    expect(cli.stderr).toContain('cannot be used');
  }, 60_000);
});
