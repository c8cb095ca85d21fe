import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ServerHarness } from '../support/server-harness.ts';

const REPO = fileURLToPath(new URL('../../../../', import.meta.url));

interface ErrorBody {
  error: {
    message: string;
    code: number;
    data: {
      code: string;
      httpStatus: number;
      engineCode: string | null;
      problems: { path?: string; message: string }[];
    };
  };
}

/** Starts the harness with tRPC initialised under `nodeEnv` (tRPC reads NODE_ENV when it is set up). */
async function harnessUnder(nodeEnv: string): Promise<ServerHarness> {
  const before = process.env.NODE_ENV;
  process.env.NODE_ENV = nodeEnv;
  try {
    vi.resetModules();
    const { startHarness } = await import('../support/server-harness.ts');
    return await startHarness();
  } finally {
    process.env.NODE_ENV = before;
  }
}

async function signIn(h: ServerHarness, name: string): Promise<string> {
  const res = await fetch(`${h.url}/trpc/auth.login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, password: 'correct horse battery' }),
  });
  expect(res.status).toBe(200);
  return (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
}

const json = { 'content-type': 'application/json' };
const q = (input: unknown): string => `input=${encodeURIComponent(JSON.stringify(input))}`;

describe.each(['development', 'production'])('error bodies with NODE_ENV=%s', (nodeEnv) => {
  let h: ServerHarness;
  let cookie: string;
  let viewer: string;
  const logged: unknown[][] = [];
  beforeAll(async () => {
    h = await harnessUnder(nodeEnv);
    cookie = await signIn(h, 'admin');
    viewer = await signIn(h, 'viewer');
    // The server logs through its logger, whose human lines for errors go to stderr.
    vi.spyOn(process.stderr, 'write').mockImplementation((...args: unknown[]) => {
      logged.push(args);
      return true;
    });
  });
  afterEach(() => {
    logged.length = 0;
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    await h.close();
  });

  /** Every refusal an anonymous or careless caller can provoke, as raw HTTP. */
  const refusals = (): [string, () => Promise<Response>, number][] => [
    [
      'anonymous auth.logout',
      () => fetch(`${h.url}/trpc/auth.logout`, { method: 'POST', headers: json }),
      401,
    ],
    ['anonymous organism.status', () => fetch(`${h.url}/trpc/organism.status`), 401],
    [
      'a forged session',
      () => fetch(`${h.url}/trpc/organism.status`, { headers: { cookie: 'organism_session=forged' } }),
      401,
    ],
    [
      'a cookie that is not URI-encoded',
      () => fetch(`${h.url}/trpc/organism.status`, { headers: { cookie: 'organism_session=%E0%A4%A' } }),
      401,
    ],
    // Without a session, which procedures exist is not said: unknown ones are refused as known ones are.
    ['an unknown procedure, anonymous', () => fetch(`${h.url}/trpc/nope.nope`), 401],
    [
      'an unknown procedure in a batch, anonymous',
      () => fetch(`${h.url}/trpc/auth.me,nope.nope?batch=1`),
      401,
    ],
    ['an unknown procedure', () => fetch(`${h.url}/trpc/nope.nope`, { headers: { cookie: viewer } }), 404],
    [
      'a viewer managing users',
      () => fetch(`${h.url}/trpc/users.list`, { headers: { cookie: viewer } }),
      403,
    ],
    ['GET on a mutation', () => fetch(`${h.url}/trpc/auth.login`), 405],
    [
      'POST on a query',
      () => fetch(`${h.url}/trpc/auth.me`, { method: 'POST', headers: json, body: '{}' }),
      405,
    ],
    [
      'malformed JSON',
      () => fetch(`${h.url}/trpc/auth.login`, { method: 'POST', headers: json, body: '{bad' }),
      400,
    ],
    [
      'a zod failure',
      () =>
        fetch(`${h.url}/trpc/auth.login`, {
          method: 'POST',
          headers: json,
          body: '{"name":"","password":"x"}',
        }),
      400,
    ],
    ['text/plain', () => fetch(`${h.url}/trpc/auth.login`, { method: 'POST', body: '{}' }), 415],
    [
      'a form post',
      () => fetch(`${h.url}/trpc/users.add`, { method: 'POST', headers: { cookie }, body: new FormData() }),
      415,
    ],
    ['PUT', () => fetch(`${h.url}/trpc/auth.me`, { method: 'PUT', headers: json, body: '{}' }), 405],
    ['DELETE', () => fetch(`${h.url}/trpc/auth.me`, { method: 'DELETE' }), 405],
    [
      'a missing record',
      () => fetch(`${h.url}/trpc/messages.byId?${q({ id: 'nope' })}`, { headers: { cookie } }),
      404,
    ],
  ];

  it('never sends a stack or a server path, and logs none of these expected refusals', async () => {
    for (const [what, call, status] of refusals()) {
      const res = await call();
      const text = await res.text();
      expect({ what, status: res.status }).toEqual({ what, status });
      expect(text, what).not.toMatch(/stack/i);
      expect(text, what).not.toContain(REPO);
      expect((JSON.parse(text) as ErrorBody).error.data.engineCode, what).toEqual(expect.any(String));
    }
    expect(logged).toEqual([]);
  });

  it('keeps the stack out of subscription errors too', async () => {
    const res = await fetch(`${h.url}/trpc/events.stream?${q({})}`, {
      headers: { accept: 'text/event-stream' },
    });
    const text = await res.text();
    expect(text).toContain('UNAUTHORIZED');
    expect(text).not.toMatch(/stack/i);
    expect(text).not.toContain(REPO);
  });

  it('answers an internal fault with a bare 500 and logs the detail on the server', async () => {
    // A real fault that is not an outage (an outage is a 503): someone altered the journal's schema
    // with another tool under a signed-in request, so checking the session fails in SQLite itself.
    const other = await harnessUnder(nodeEnv);
    const session = await signIn(other, 'viewer');
    const tool = new Database(other.journalPath);
    tool.exec('ALTER TABLE sessions RENAME TO sessions_moved');
    tool.close();
    const res = await fetch(`${other.url}/trpc/organism.status`, { headers: { cookie: session } });
    const text = await res.text();
    await other.close();
    expect(res.status).toBe(500);
    expect(text).not.toMatch(/stack/i);
    expect(text).not.toContain(REPO);
    expect((JSON.parse(text) as ErrorBody).error.data.engineCode).toBe('INTERNAL');
    expect(logged.length).toBeGreaterThan(0);
    expect(logged.flat().map(String).join('\n')).toMatch(/organism\.status[\s\S]*no such table: sessions/);
  });
});

describe('paths and methods outside the API', () => {
  let server: ServerHarness;
  beforeAll(async () => {
    const { startHarness } = await import('../support/server-harness.ts');
    server = await startHarness();
  });
  afterAll(async () => server.close());

  /** A request with its path sent exactly as written (fetch resolves `..` before sending). */
  const raw = (
    method: string,
    path: string,
  ): Promise<{ status: number; allow: string | undefined; body: string }> =>
    new Promise((resolve, reject) => {
      const req = request(`${server.url}${path}`, { method }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, allow: res.headers.allow, body }));
      });
      req.on('error', reject);
      // node:http would also resolve nothing: the path goes as given.
      req.path = path;
      req.end();
    });

  it('refuses a path with a . or .. segment, however written, before routing it', async () => {
    for (const path of [
      '/trpc/x/../events.stream',
      '/trpc/../messages',
      '/trpc/%2e%2e/messages',
      '/./healthz',
    ]) {
      const res = await raw('GET', path);
      expect({ path, status: res.status }).toEqual({ path, status: 400 });
      expect(JSON.parse(res.body)).toMatchObject({ error: { code: 'INPUT_INVALID' } });
    }
    // A dot inside a name is a name.
    expect((await raw('GET', '/healthz')).status).toBe(200);
  });

  it('answers a procedure called with the other method with 405, saying which, and Allow', async () => {
    const login = await raw('GET', '/trpc/auth.login');
    expect(login.status).toBe(405);
    expect(login.allow).toBe('POST');
    expect(JSON.parse(login.body)).toMatchObject({
      error: { message: 'auth.login is a mutation: use POST, not GET', data: { httpStatus: 405 } },
    });
    const me = await raw('POST', '/trpc/auth.me');
    expect(me.status).toBe(405);
    expect(me.allow).toBe('GET');
    expect(JSON.parse(me.body)).toMatchObject({
      error: { message: 'auth.me is a query: use GET, not POST' },
    });
  });

  it('answers HEAD on /healthz and /metrics as GET without a body, and another method with 405', async () => {
    for (const path of ['/healthz', '/metrics']) {
      const get = await fetch(`${server.url}${path}`);
      const head = await fetch(`${server.url}${path}`, { method: 'HEAD' });
      expect({ path, status: head.status }).toEqual({ path, status: get.status });
      expect(head.headers.get('content-type')).toBe(get.headers.get('content-type'));
      expect(await head.text()).toBe('');
      await get.text();
      for (const method of ['POST', 'DELETE']) {
        const res = await raw(method, path);
        expect(res.status).toBe(405);
        expect(res.allow).toBe('GET, HEAD');
        expect(JSON.parse(res.body)).toEqual({
          error: { code: 'INPUT_INVALID', message: `use GET or HEAD for ${path}, not ${method}` },
        });
      }
    }
  });

  it('answers a method /messages does not take with 405 and Allow: POST', async () => {
    const res = await raw('GET', '/messages');
    expect(res.status).toBe(405);
    expect(res.allow).toBe('POST');
    expect(JSON.parse(res.body)).toEqual({
      error: { code: 'INPUT_INVALID', message: 'use POST for /messages, not GET' },
    });
  });
});
