import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { EngineEvent } from '@organism/shared';
import type { SqliteJournal } from '../../src/journal/sqlite/sqlite-journal.ts';
import { openJournal } from '../../src/journal/index.ts';
import type { Journal } from '../../src/journal/index.ts';
import { createEngine } from '../../src/main.ts';
import { fillJournal } from '../support/journal-faults.ts';
import { envelope } from '../support/pump-harness.ts';
import { post, startHarness } from '../support/server-harness.ts';
import type { ServerHarness } from '../support/server-harness.ts';
import { CHILD_NODE_ARGS } from '../support/child-node-args.ts';

const ENGINE_DIR = fileURLToPath(new URL('../..', import.meta.url));
const FAILPATH = fileURLToPath(new URL('../fixtures/organisms/failpath/organism.yaml', import.meta.url));
const CHILD = fileURLToPath(new URL('../support/rejecting-subscriber-child.ts', import.meta.url));

/** A note to `echo`; a long text needs new pages in the journal, and so does its echo. */
const note = (text: string, delayMs?: number): string =>
  envelope(`<note>${delayMs === undefined ? '' : `<delay>${delayMs}</delay>`}<text>${text}</text></note>`, {
    from: 'producer',
    to: 'echo',
  });
const BIG = 'x'.repeat(20_000);

/** The engine's SQLite connection, for the test to fill the file as a full disk would. */
const sqliteOf = (journal: Journal): SqliteJournal['database']['sqlite'] =>
  (journal as SqliteJournal).database.sqlite;

async function until(check: () => Promise<boolean>, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await sleep(50);
  }
}

const metric = async (url: string, name: string): Promise<number> => {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return Number(line?.split(' ')[1]);
};

let h: ServerHarness | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  await h?.close();
  h = undefined;
});

describe('a journal that cannot write', () => {
  it('stops intake, says so once everywhere, and reopens by itself once writes work again', async () => {
    h = await startHarness(FAILPATH);
    const events: EngineEvent[] = [];
    h.engine.on('*', (e) => void events.push(e));
    const logged: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void logged.push(args.join(' ')));
    vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void logged.push(args.join(' ')));

    const restore = fillJournal(sqliteOf(h.journal));
    const first = await post(h, note(BIG));
    expect(first.status).toBe(503);
    expect(first.headers.get('retry-after')).toBeTruthy();
    expect(((await first.json()) as { error: { code: string } }).error.code).toBe('JOURNAL_UNAVAILABLE');

    // Intake stays closed, even for a message small enough to squeeze into the full file.
    const small = await post(h, note('hi'));
    expect(small.status).toBe(503);
    expect(((await small.json()) as { error: { code: string } }).error.code).toBe('JOURNAL_UNAVAILABLE');
    const viaFacade = await h.engine.submit(note('hi'));
    expect(viaFacade.ok || viaFacade.error.code).toBe('JOURNAL_UNAVAILABLE');

    const health = await fetch(`${h.url}/healthz`);
    expect(health.status).toBe(503);
    const body = (await health.json()) as { status: string; journal: { available: boolean; reason: string } };
    expect(body.status).toBe('journal_unavailable');
    expect(body.journal.available).toBe(false);
    expect(body.journal.reason).toMatch(/SQLITE_FULL/);
    expect(await metric(h.url, 'organism_journal_available')).toBe(0);
    expect(await metric(h.url, 'organism_journal_write_failures_total')).toBeGreaterThanOrEqual(1);
    // The console's status says so too, for a page opened during the outage.
    const viewer = await h.client('viewer');
    const outage = (await viewer.organism.status.query()).journalOutage;
    expect(outage?.reason).toMatch(/SQLITE_FULL/);
    expect(outage?.since).toBeLessThanOrEqual(Date.now());

    // Probes keep failing meanwhile: still one log line and one event for the whole outage.
    await sleep(2_500);
    expect(await metric(h.url, 'organism_journal_write_failures_total')).toBeGreaterThanOrEqual(3);
    expect(logged.filter((l) => l.includes('journal unavailable'))).toHaveLength(1);
    expect(events.filter((e) => e.type === 'journal.unavailable')).toHaveLength(1);
    expect((await fetch(`${h.url}/healthz`)).status).toBe(503);

    restore();
    await until(async () => (await fetch(`${h!.url}/healthz`)).status === 200);
    expect(events.filter((e) => e.type === 'journal.available')).toHaveLength(1);
    expect(logged.filter((l) => l.includes('journal available again'))).toHaveLength(1);
    expect(await metric(h.url, 'organism_journal_available')).toBe(1);
    expect((await viewer.organism.status.query()).journalOutage).toBeNull();

    const accepted = await post(h, note(BIG));
    expect(accepted.status).toBe(202);
    await h.engine.whenQuiet();
    const { messageId } = (await accepted.json()) as { messageId: string };
    expect((await h.engine.getMessage(messageId))?.state).toBe('ACKED');
  });

  it('keeps a delivery whose outcome it could not record, and runs it again at the next start', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const journalPath = join(mkdtempSync(join(tmpdir(), 'organism-failpath-')), 'journal.sqlite');
    const journal = openJournal({ path: journalPath, durability: 'fast' });
    const engine = await createEngine(FAILPATH, { journal });
    const events: EngineEvent[] = [];
    engine.on('*', (e) => void events.push(e));
    await engine.start();
    const res = await engine.submit(note(BIG, 300));
    if (!res.ok) throw new Error(res.error.message);
    const [id] = res.messageIds;

    // The disk fills while the handler runs: its reply (as long as the request) cannot be recorded.
    const restore = fillJournal(sqliteOf(journal));
    const quiet = await Promise.race([
      engine.whenQuiet().then(() => 'quiet'),
      sleep(3_000).then(() => 'hung'),
    ]);
    expect(quiet).toBe('quiet');
    expect(engine.journalCondition().available).toBe(false);
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'diagnostic', code: 'OUTCOME_NOT_RECORDED', threadId: res.threadId }),
    );
    expect(events).toContainEqual(expect.objectContaining({ type: 'thread.failed', threadId: res.threadId }));
    expect(events.some((e) => e.type === 'message.sent' && e.threadId === res.threadId)).toBe(false);
    restore();
    await engine.stop(1_000);

    const again = await createEngine(FAILPATH, { journalPath });
    await again.start();
    expect(again.recovery?.requeued).toBe(1);
    await again.whenQuiet();
    expect((await again.getMessage(id ?? ''))?.state).toBe('ACKED');
    await again.stop(1_000);
  });
});

describe('engine event subscribers', () => {
  it('a subscriber that returns a rejected promise does not end the process', async () => {
    const journal = join(mkdtempSync(join(tmpdir(), 'organism-failpath-')), 'journal.sqlite');
    const child = spawn(process.execPath, [...CHILD_NODE_ARGS, CHILD, FAILPATH, journal], {
      cwd: ENGINE_DIR,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect({ code, stdout: stdout.trim() }).toEqual({ code: 0, stdout: 'ALIVE' });
    expect(stderr).toContain('subscriber rejected');
    expect(stderr).toContain('subscriber threw');
  });
});

describe('a journal that turns read-only', () => {
  it('answers producers 503 JOURNAL_UNAVAILABLE, not 500, and recovers when it is writable again', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    h = await startHarness(FAILPATH);
    const sqlite = sqliteOf(h.journal);
    // Every write now fails with SQLITE_READONLY, as on a file system remounted read-only.
    sqlite.pragma('query_only = ON');
    const refused = await post(h, note('hi'));
    expect(refused.status).toBe(503);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('JOURNAL_UNAVAILABLE');
    const health = (await (await fetch(`${h.url}/healthz`)).json()) as { journal: { reason: string } };
    expect(health.journal.reason).toMatch(/SQLITE_READONLY/);

    sqlite.pragma('query_only = OFF');
    await until(async () => (await fetch(`${h!.url}/healthz`)).status === 200);
    expect((await post(h, note('hi'))).status).toBe(202);
  });
});
