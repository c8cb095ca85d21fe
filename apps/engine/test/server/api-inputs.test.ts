import { TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AppRouter } from '../../src/api/app-router.ts';
import { startHarness } from '../support/server-harness.ts';
import type { ServerHarness } from '../support/server-harness.ts';

interface ErrorShape {
  message: string;
  data: {
    code: string;
    httpStatus: number;
    engineCode: string | null;
    problems: { path?: string; message: string }[];
  };
}

let h: ServerHarness;
let cookie: string;
const logged: unknown[][] = [];
beforeAll(async () => {
  h = await startHarness();
  const res = await fetch(`${h.url}/trpc/auth.login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'admin', password: 'correct horse battery' }),
  });
  cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  // The server logs through its logger, whose human lines for errors go to stderr.
  vi.spyOn(process.stderr, 'write').mockImplementation((...args: unknown[]) => {
    logged.push(args);
    return true;
  });
});
afterAll(async () => {
  vi.restoreAllMocks();
  await h.close();
});

const q = (input: unknown): string => `input=${encodeURIComponent(JSON.stringify(input))}`;
const post = (path: string, body: string): Promise<Response> =>
  fetch(`${h.url}/trpc/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie },
    body,
  });
const get = (pathAndQuery: string): Promise<Response> =>
  fetch(`${h.url}/trpc/${pathAndQuery}`, { headers: { cookie } });

/** Asserts a 400 INPUT_INVALID whose problems name exactly `paths`, and returns the problems. */
async function expectInvalid(
  res: Response,
  paths: (string | undefined)[],
): Promise<ErrorShape['data']['problems']> {
  const body = (await res.json()) as { error: ErrorShape };
  expect(res.status).toBe(400);
  expect(body.error.data).toMatchObject({
    code: 'BAD_REQUEST',
    httpStatus: 400,
    engineCode: 'INPUT_INVALID',
  });
  expect(body.error.data.problems.map((p) => p.path)).toEqual(paths);
  for (const p of body.error.data.problems) expect(p.message).toEqual(expect.any(String));
  return body.error.data.problems;
}

describe('invalid input', () => {
  it('answers malformed JSON with 400 INPUT_INVALID, body or query', async () => {
    const [fromBody] = await expectInvalid(await post('auth.login', '{bad'), [undefined]);
    expect(fromBody?.message).toMatch(/JSON/);
    await expectInvalid(await get('messages.list?input={bad'), [undefined]);
  });

  it('refuses malformed JSON to a procedure that takes no input, before it runs', async () => {
    const reloads = async (): Promise<number> => {
      const res = await get(`audit.list?${q({ action: 'organism.reload', limit: 500 })}`);
      return ((await res.json()) as { result: { data: { items: unknown[] } } }).result.data.items.length;
    };
    const before = await reloads();
    for (const path of ['organism.reload', 'auth.logout']) {
      const [problem] = await expectInvalid(await post(path, '{bad'), [undefined]);
      expect(problem?.message, path).toMatch(/^the request body is not JSON: /);
    }
    const [problem] = await expectInvalid(await get('organism.info?input={bad'), [undefined]);
    expect(problem?.message).toMatch(/^the input in the address is not JSON: /);
    // Neither ran: no reload was made (each is audited), and the session was not ended by the sign-out.
    expect(await reloads()).toBe(before);
    expect((await get('auth.me')).status).toBe(200);
    // An empty body still means no input.
    expect((await post('organism.reload', '')).status).toBe(200);
    expect(await reloads()).toBe(before + 1);
  });

  it('refuses a key no procedure input has, naming it, rather than dropping it', async () => {
    // A typo for `producers` would have made a token that may send as anyone.
    const [typo] = await expectInvalid(
      await post('users.createToken', JSON.stringify({ name: 'typo', producer: ['billing'] })),
      [undefined],
    );
    expect(typo?.message).toMatch(/producer/);
    await expectInvalid(
      await post(
        'messages.inject',
        JSON.stringify({ to: 'greeter', payloadXml: '<greeting><name>x</name></greeting>', threadd: 'x' }),
      ),
      [undefined],
    );
    await expectInvalid(await get(`messages.byId?${q({ id: 'x', extra: 1 })}`), [undefined]);
    const tokens = (await (await get('users.tokens')).json()) as { result: { data: { name: string }[] } };
    expect(tokens.result.data.map((t) => t.name)).not.toContain('typo');
  });

  it('refuses an input to a procedure that takes none, naming its keys, and takes nothing, null or {}', async () => {
    const queries = [
      'auth.me',
      'config.get',
      'config.files',
      'config.history',
      'extensions.list',
      'journal.stats',
      'journal.throughput',
      'listeners.list',
      'organism.info',
      'organism.status',
      'organism.engines',
      'users.list',
      'users.tokens',
    ];
    for (const path of queries) {
      const [problem] = await expectInvalid(await get(`${path}?${q({ limit: 5 })}`), [undefined]);
      expect(problem?.message, path).toBe('takes no input: "limit" is not a key it knows');
      for (const none of ['', `?${q({})}`, `?${q(null)}`])
        expect((await get(path + none)).status, path).toBe(200);
    }
    const [many] = await expectInvalid(await get(`journal.stats?${q({ a: 1, b: 2 })}`), [undefined]);
    expect(many?.message).toBe('takes no input: "a", "b" are not keys it knows');
    const [scalar] = await expectInvalid(await get(`journal.stats?${q(5)}`), [undefined]);
    expect(scalar?.message).toBe('takes no input: send nothing, or {}');
    // Neither mutation ran: the session holds, and no reload was audited.
    const reloads = async (): Promise<number> => {
      const res = await get(`audit.list?${q({ action: 'organism.reload', limit: 500 })}`);
      return ((await res.json()) as { result: { data: { items: unknown[] } } }).result.data.items.length;
    };
    const before = await reloads();
    for (const path of ['organism.reload', 'auth.logout'])
      await expectInvalid(await post(path, JSON.stringify({ drainMs: 0 })), [undefined]);
    expect((await get('auth.me')).status).toBe(200);
    expect(await reloads()).toBe(before);
    expect((await post('organism.reload', '{}')).status).toBe(200);
    expect(await reloads()).toBe(before + 1);
  });

  it('names each bad field of a zod failure in auth.login', async () => {
    const [problem] = await expectInvalid(await post('auth.login', '{"name":"","password":"x"}'), ['name']);
    expect(problem?.message).toMatch(/1 character/);
    await expectInvalid(await post('auth.login', '{"name":5}'), ['name', 'password']);
    await expectInvalid(await post('auth.login', '[]'), [undefined]);
  });

  it('names every wrong type in mutations and queries', async () => {
    await expectInvalid(await post('users.add', '{"name":5,"role":"god"}'), ['name', 'role', 'password']);
    await expectInvalid(await post('organism.restart', '{"drainMs":-1}'), ['drainMs']);
    await expectInvalid(await get(`messages.list?${q({ limit: 'x' })}`), ['limit']);
    await expectInvalid(await get(`messages.list?${q({ refused: 'yes' })}`), ['refused']);
    await expectInvalid(await post('journal.retryMany', '{"filter":{"refused":1},"dryRun":true}'), [
      'filter.refused',
    ]);
    await expectInvalid(await post('journal.discardMany', '{"filter":{"to":7}}'), ['filter.to', 'dryRun']);
    // A thread's orchestrations or messages asked by what is no thread id: refused, as a kill is.
    await expectInvalid(await get(`threads.orchestrations?${q({ id: '\u202e' })}`), ['id']);
    await expectInvalid(await get(`threads.messages?${q({ id: 'not-a-thread' })}`), ['id']);
    // A thread to send in that is no thread id is refused, not replaced by a new thread.
    const [notThread] = await expectInvalid(
      await post('messages.inject', '{"to":"greeter","thread":"not-a-uuid","payloadXml":"<greeting/>"}'),
      ['thread'],
    );
    expect(notThread?.message).toBe('not a thread id: a thread id is a UUID (version 4)');
    // A state that is not a dead letter's is refused, not dropped to act on every dead letter.
    for (const path of ['journal.retryMany', 'journal.discardMany']) {
      const [problem] = await expectInvalid(await post(path, '{"filter":{"state":"ACKED"},"dryRun":true}'), [
        'filter.state',
      ]);
      expect(problem?.message).toBe('bulk actions take only dead letters: leave state out, or give FAILED');
    }
    await expectInvalid(await get(`audit.list?${q({ limit: 0, cursor: 7 })}`), ['limit', 'cursor']);
  });

  it('refuses a paging cursor no list made, on every list that takes one, naming the field', async () => {
    const cursor = 'AAAA;DROP TABLE';
    for (const [procedure, input] of [
      ['messages.list', { cursor }],
      ['threads.list', { cursor }],
      ['threads.messages', { id: crypto.randomUUID(), cursor }],
      ['audit.list', { cursor }],
      ['messages.search', { text: 'hello', cursor }],
      ['messages.exportPage', { cursor }],
    ] as const) {
      const [problem] = await expectInvalid(await get(`${procedure}?${q(input)}`), ['cursor']);
      expect(problem?.message, procedure).toBe(
        'not a cursor this engine made: give the nextCursor of the page before, or no cursor for the first page',
      );
    }
  });

  it('answers each bad call of a batch on its own', async () => {
    const res = await get(
      `messages.byId,messages.list,auth.me?batch=1&${q({ 0: { id: 3 }, 1: { limit: 'x' }, 2: {} })}`,
    );
    const body = (await res.json()) as [{ error: ErrorShape }, { error: ErrorShape }, { result: unknown }];
    expect(body[0].error.data).toMatchObject({ engineCode: 'INPUT_INVALID', problems: [{ path: 'id' }] });
    expect(body[1].error.data).toMatchObject({ engineCode: 'INPUT_INVALID', problems: [{ path: 'limit' }] });
    expect(body[2]).toMatchObject({ result: { data: { user: { name: 'admin' } } } });
  });

  it('refuses a batch of more than 50 calls as a whole', async () => {
    const res = await get(`${Array(51).fill('auth.me').join(',')}?batch=1&${q({})}`);
    const body = (await res.json()) as { error: ErrorShape };
    expect(res.status).toBe(400);
    const message = 'a batch holds at most 50 calls; this one has 51';
    expect(body.error).toMatchObject({
      message,
      data: { engineCode: 'INPUT_INVALID', problems: [{ message }] },
    });
  });

  it('gives the real tRPC client the code and the problems', async () => {
    const admin = await h.client('admin');
    const err: unknown = await admin.users.add
      .mutate({ name: 'has space', role: 'viewer', password: 'short' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TRPCClientError);
    const data = (err as TRPCClientError<AppRouter>).data;
    expect(data?.engineCode).toBe('INPUT_INVALID');
    expect(data?.problems.map((p) => p.path)).toEqual(['name', 'password']);
  });

  it('does not log invalid input as an engine error', () => {
    expect(logged).toEqual([]);
  });
});
