import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, expect, it, vi } from 'vitest';
import { startPostgres, stopPostgres } from '../../../../scripts/postgres.mjs';
import { PostgresJournal } from '../../src/journal/postgres/postgres-journal.ts';
import { envelope } from '../support/pump-harness.ts';
import { post, startHarness } from '../support/server-harness.ts';
import type { ServerHarness } from '../support/server-harness.ts';

const FAILPATH = new URL('../fixtures/organisms/failpath/organism.yaml', import.meta.url).pathname;
const note = (text: string): string =>
  envelope(`<note><text>${text}</text></note>`, { from: 'producer', to: 'echo' });

async function until(check: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await sleep(100);
  }
}

let h: ServerHarness | undefined;
let parent: string | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  await h?.close();
  h = undefined;
  if (parent) {
    stopPostgres(join(parent, 'data'));
    rmSync(parent, { recursive: true, force: true });
  }
});

// A server of its own: the test stops and starts it, which the run's shared server must never see.
it('refuses intake while PostgreSQL is down, says why, and takes messages again once it is back', async () => {
  vi.spyOn(console, 'error').mockImplementation(() => undefined);
  vi.spyOn(console, 'log').mockImplementation(() => undefined);
  parent = mkdtempSync(join(tmpdir(), 'organism-pg-outage-'));
  chmodSync(parent, 0o755);
  const dir = join(parent, 'data');
  const server = await startPostgres({ dir, durable: false });
  h = await startHarness(FAILPATH, await PostgresJournal.open({ url: server.url, durability: 'strict' }));

  const before = await post(h, note('before'));
  expect(before.status).toBe(202);
  const { messageId: beforeId } = (await before.json()) as { messageId: string };
  await h.engine.whenQuiet();
  await until(async () => (await h!.engine.getMessage(beforeId))?.state === 'ACKED');

  stopPostgres(dir);
  const during = await post(h, note('during'));
  expect(during.status).toBe(503);
  expect(during.headers.get('retry-after')).toBeTruthy();
  const refused = (await during.json()) as { error: { code: string; message: string } };
  expect(refused.error.code).toBe('JOURNAL_UNAVAILABLE');
  // The token check reads the journal and fails first; a write then finds the outage too, and the
  // engine says so everywhere (health reflects the journal's writes).
  const written = await h.engine.submit(note('during'));
  expect(written.ok || written.error.code).toBe('JOURNAL_UNAVAILABLE');
  const health = await fetch(`${h.url}/healthz`);
  expect(health.status).toBe(503);
  const body = (await health.json()) as { journal: { available: boolean; reason: string } };
  expect(body.journal.available).toBe(false);
  expect(body.journal.reason).toMatch(/ECONNREFUSED|terminat|shutting down|connect/i);

  await startPostgres({ dir, port: server.port, durable: false });
  await until(async () => (await fetch(`${h!.url}/healthz`)).status === 200);
  const after = await post(h, note('after'));
  expect(after.status).toBe(202);
  const { messageId } = (await after.json()) as { messageId: string };
  await until(async () => (await h!.engine.getMessage(messageId))?.state === 'ACKED');
  // What was written before the outage is all there.
  expect((await h.engine.getMessage(beforeId))?.state).toBe('ACKED');
}, 60_000);
