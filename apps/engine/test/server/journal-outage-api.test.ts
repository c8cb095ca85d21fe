import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SqliteJournal } from '../../src/journal/sqlite/sqlite-journal.ts';
import { fillJournal } from '../support/journal-faults.ts';
import { envelope } from '../support/pump-harness.ts';
import { startHarness } from '../support/server-harness.ts';
import type { ServerHarness } from '../support/server-harness.ts';

interface ErrorBody {
  error: { message: string; data: { httpStatus: number; engineCode: string } };
}

let h: ServerHarness | undefined;
const stderr: string[] = [];
beforeEach(() => {
  stderr.length = 0;
  // The harness's server logs human lines; errors go to stderr. The engine's own lines go to console.error.
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr.push(String(chunk));
    return true;
  });
  vi.spyOn(console, 'error').mockImplementation(() => undefined);
});
afterEach(async () => {
  vi.restoreAllMocks();
  await h?.close();
  h = undefined;
});

/** The engine's SQLite connection: the faults below are per connection, so they must be made on it. */
const sqliteOf = (hh: ServerHarness): SqliteJournal['database']['sqlite'] =>
  (hh.journal as SqliteJournal).database.sqlite;

/** Signs in as admin and returns a caller of raw tRPC mutations and queries with that session. */
async function admin(hh: ServerHarness): Promise<{
  mutate(path: string, input: unknown): Promise<Response>;
  query(path: string, input?: unknown): Promise<Response>;
}> {
  const login = await fetch(`${hh.url}/trpc/auth.login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'admin', password: 'correct horse battery' }),
  });
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  return {
    mutate: (path, input) =>
      fetch(`${hh.url}/trpc/${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie },
        body: JSON.stringify(input),
      }),
    query: (path, input) =>
      fetch(
        `${hh.url}/trpc/${path}${input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(input))}`}`,
        { headers: { cookie } },
      ),
  };
}

/** Asserts a 503 JOURNAL_UNAVAILABLE whose message says what could not be done and why. */
async function expectUnavailable(res: Response, doing: RegExp, why: RegExp): Promise<void> {
  const body = (await res.json()) as ErrorBody;
  expect({ status: res.status, code: body.error.data.engineCode }).toEqual({
    status: 503,
    code: 'JOURNAL_UNAVAILABLE',
  });
  expect(body.error.message).toMatch(doing);
  expect(body.error.message).toMatch(why);
  expect(body.error.message).toMatch(/try again later/);
}

/** A dead letter: the calculator refuses to divide by zero (not retryable). Returns its message id. */
async function deadLetter(hh: ServerHarness): Promise<string> {
  const xml = envelope('<calculate xmlns=""><a>1</a><op>div</op><b>0</b></calculate>', {
    from: 'ops',
    to: 'tools.calculator',
  });
  const res = await hh.engine.submit(xml);
  if (!res.ok) throw new Error(res.error.message);
  await hh.engine.whenQuiet();
  const [id] = res.messageIds;
  expect((await hh.engine.getMessage(id ?? ''))?.state).toBe('FAILED');
  return id ?? '';
}

describe('operator writes while the journal cannot write', () => {
  it('answer 503 JOURNAL_UNAVAILABLE on a full journal, and work again once there is room', async () => {
    h = await startHarness();
    const api = await admin(h);
    const restore = fillJournal(sqliteOf(h));
    // 100 producer names of 90 characters: the token's row needs pages the full file cannot give.
    const producers = Array.from({ length: 100 }, (_, i) => `producer-${i}-${'p'.repeat(80)}`);
    const token = await api.mutate('users.createToken', { name: 'ci', producers });
    await expectUnavailable(token, /cannot create a token for ci/, /SQLITE_FULL/);
    restore();
    expect((await api.mutate('users.createToken', { name: 'ci', producers })).status).toBe(200);
  });

  it('answer 503 JOURNAL_UNAVAILABLE on a read-only journal: retry, discard, users, and the audit is logged', async () => {
    h = await startHarness();
    const api = await admin(h);
    const id = await deadLetter(h);
    // Every write now fails with SQLITE_READONLY, as on a file system remounted read-only.
    sqliteOf(h).pragma('query_only = ON');

    await expectUnavailable(
      await api.mutate('journal.retry', { messageId: id }),
      new RegExp(`cannot retry entry ${id}`),
      /SQLITE_READONLY/,
    );
    await expectUnavailable(
      await api.mutate('journal.discard', { messageId: id }),
      new RegExp(`cannot discard entry ${id}`),
      /SQLITE_READONLY/,
    );
    await expectUnavailable(
      await api.mutate('users.add', { name: 'ada', role: 'viewer', password: 'long enough password' }),
      /cannot add user ada/,
      /SQLITE_READONLY/,
    );
    await expectUnavailable(
      await api.mutate('users.remove', { name: 'viewer' }),
      /cannot remove user viewer/,
      /SQLITE_READONLY/,
    );
    // The audit entries could not be written either: said in the server's log, not to the caller.
    const log = stderr.join('');
    expect(log).toMatch(/audit log write failed for journal\.retry by admin/);
    expect(log).toMatch(/audit log write failed for user\.remove by admin/);
    // Nothing was logged as an internal fault of the API.
    expect(log).not.toMatch(/tRPC mutation [\w.]+ failed/);

    sqliteOf(h).pragma('query_only = OFF');
    expect((await api.mutate('journal.retry', { messageId: id })).status).toBe(200);
  });

  it('answers 503 JOURNAL_UNAVAILABLE, not 500, once the journal connection is closed', async () => {
    h = await startHarness();
    const api = await admin(h);
    // The journal (and the operator store on its connection) closes under a signed-in request.
    await h.engine.close();
    await expectUnavailable(await api.query('users.list'), /cannot check a session/, /not open/);
  });
});
