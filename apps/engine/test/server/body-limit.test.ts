import { request } from 'node:http';
import { connect } from 'node:net';
import { TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppRouter } from '../../src/api/app-router.ts';
import { LINGER_MS } from '../../src/server/lingering-close.ts';
import { DRAIN_LIMIT } from '../../src/server/read-body.ts';
import { SIGNED_OUT_BODY_BYTES } from '../../src/server/trpc-endpoint.ts';
import { startServer } from '../../src/server/http-server.ts';
import { createLogger } from '../../src/logging/logger.ts';
import { PASSWORD, startHarness } from '../support/server-harness.ts';
import type { ServerHarness } from '../support/server-harness.ts';

const MiB = 1024 * 1024;

let h: ServerHarness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h.close());

interface Sent {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
  /** How far the resident set of this process (engine and client both) rose above where it started. */
  rssGrowth: number;
}

/**
 * POSTs `total` bytes of one JSON string to `path` in 64 KiB chunks from one reused buffer (so the
 * client holds next to nothing), with or without a Content-Length, and samples RSS while it runs.
 */
async function sendBig(
  path: string,
  total: number,
  declareLength: boolean,
  headers: Record<string, string> = { 'content-type': 'application/json' },
): Promise<Sent> {
  global.gc?.();
  const before = process.memoryUsage().rss;
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
  const head = Buffer.from('{"name":"');
  const tail = Buffer.from('","password":"x"}');
  const chunk = Buffer.alloc(64 * 1024, 'a');
  try {
    return await new Promise<Sent>((resolve, reject) => {
      const req = request(`${h.url}${path}`, {
        method: 'POST',
        headers: {
          ...headers,
          ...(declareLength ? { 'content-length': String(total) } : { 'transfer-encoding': 'chunked' }),
        },
      });
      req.on('response', (res) => {
        const parts: Buffer[] = [];
        res.on('data', (c: Buffer) => parts.push(c));
        res.on('end', () => {
          peak = Math.max(peak, process.memoryUsage().rss);
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(parts).toString(),
            headers: res.headers,
            rssGrowth: peak - before,
          });
        });
        res.on('error', reject);
      });
      // The server may close the connection once it has answered: the rest of the upload then fails.
      req.on('error', (err) => (req.writableEnded ? undefined : reject(err)));
      let sent = 0;
      const pump = (): void => {
        if (req.destroyed) return;
        if (sent === 0) {
          req.write(head);
          sent += head.length;
        }
        while (sent < total - tail.length) {
          const piece = chunk.subarray(0, Math.min(chunk.length, total - tail.length - sent));
          sent += piece.length;
          if (!req.write(piece)) return void req.once('drain', pump);
        }
        req.end(tail);
      };
      pump();
    });
  } finally {
    clearInterval(sampler);
  }
}

/** A signed-in admin's session cookie, as the console sends it. */
async function sessionCookie(): Promise<string> {
  const res = await fetch(`${h.url}/trpc/auth.login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'admin', password: PASSWORD }),
  });
  expect(res.status).toBe(200);
  return (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
}

describe('the /trpc body limit (server.maxBodyBytes, 4 MiB by default)', () => {
  it('refuses a declared 64 MiB body with 413 before reading it, and memory stays put', async () => {
    expect(64 * MiB).toBeGreaterThan(DRAIN_LIMIT);
    const sent = await sendBig('/trpc/auth.login', 64 * MiB, true);
    expect(sent.status).toBe(413);
    expect(JSON.parse(sent.body)).toMatchObject({
      error: { data: { code: 'PAYLOAD_TOO_LARGE', httpStatus: 413, engineCode: 'PAYLOAD_TOO_LARGE' } },
    });
    expect(sent.rssGrowth).toBeLessThan(24 * MiB);
  });

  it('answers a client that asks before uploading: 413 at once past every limit, 100 Continue otherwise', async () => {
    const ask = (path: string, length: number, type: string): Promise<string> =>
      new Promise((resolve, reject) => {
        const url = new URL(h.url);
        const socket = connect(Number(url.port), url.hostname, () =>
          socket.write(
            `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: ${type}\r\nContent-Length: ${length}\r\nExpect: 100-continue\r\n\r\n`,
          ),
        );
        let heard = '';
        socket.on('data', (d: Buffer) => {
          heard += d.toString();
          // The first answer is all this asks: nothing of the body is ever sent.
          if (heard.includes('\r\n\r\n')) {
            socket.destroy();
            resolve(heard.split('\r\n')[0] ?? '');
          }
        });
        socket.on('error', reject);
      });
    // Declared past what any route reads: refused before a byte of it is sent.
    expect(await ask('/trpc/auth.login', 64 * MiB, 'application/json')).toBe(
      'HTTP/1.1 413 Payload Too Large',
    );
    // Ingress asks for its token first: without one, 401, and no 100 either.
    expect(await ask('/messages', 64 * MiB, 'application/xml')).toBe('HTTP/1.1 401 Unauthorized');
    // Within the limits: told to go on.
    expect(await ask('/trpc/auth.login', 100, 'application/json')).toBe('HTTP/1.1 100 Continue');
  });

  it('refuses a chunked 64 MiB body once it passes the limit, and memory stays put', async () => {
    const sent = await sendBig('/trpc/auth.login', 64 * MiB, false);
    expect(sent.status).toBe(413);
    // Past DRAIN_LIMIT the rest is not read: the connection ends after the answer.
    expect(sent.headers.connection).toBe('close');
    expect(JSON.parse(sent.body)).toMatchObject({ error: { data: { engineCode: 'PAYLOAD_TOO_LARGE' } } });
    // Up to DRAIN_LIMIT was read through and dropped (garbage not yet collected), none of it kept.
    expect(sent.rssGrowth).toBeLessThan(DRAIN_LIMIT + 12 * MiB);
  });

  it('lets a client still uploading when refused read its 413: the server reads on until it closes', async () => {
    // A client that notices no answer before its upload ends: half-open, writing on. Closed under that
    // upload, the kernel would answer its writes with a reset, and the 413 could be lost to EPIPE.
    const url = new URL(h.url);
    const socket = connect({ port: Number(url.port), host: url.hostname, allowHalfOpen: true });
    const heard: Buffer[] = [];
    const errors: string[] = [];
    let answeredAt = 0;
    let serverEnded = false;
    socket.on('data', (d: Buffer) => {
      heard.push(d);
      if (!answeredAt && Buffer.concat(heard).toString().includes('PAYLOAD_TOO_LARGE'))
        answeredAt = Date.now();
    });
    socket.on('end', () => (serverEnded = true));
    socket.on('error', (e: NodeJS.ErrnoException) => errors.push(e.code ?? e.message));
    const closed = new Promise<number>((resolve) => socket.on('close', () => resolve(Date.now())));
    const piece = Buffer.alloc(64 * 1024, 'a');
    const frame = Buffer.concat([
      Buffer.from(`${piece.length.toString(16)}\r\n`),
      piece,
      Buffer.from('\r\n'),
    ]);
    socket.write(
      'POST /trpc/auth.login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n',
    );
    // Past DRAIN_LIMIT, answered, and written on until the server closes: each write goes through for
    // LINGER_MS after the answer; the first to fail, a reset, comes after that.
    let afterAnswer = 0;
    const until = Date.now() + 10_000;
    while (!socket.destroyed && Date.now() < until) {
      if (answeredAt) afterAnswer += frame.length;
      const written = socket.write(frame);
      await new Promise((resolve) =>
        written ? setImmediate(resolve) : socket.once('drain', resolve).once('close', resolve),
      );
    }
    const closedAt = await closed;
    expect(Buffer.concat(heard).toString()).toMatch(
      /^HTTP\/1\.1 413 Payload Too Large\r\n[^]*connection: close/i,
    );
    expect(serverEnded).toBe(true);
    expect(afterAnswer).toBeGreaterThan(DRAIN_LIMIT);
    expect(errors).toHaveLength(1);
    expect(['ECONNRESET', 'EPIPE']).toContain(errors[0]);
    expect(closedAt - answeredAt).toBeGreaterThanOrEqual(LINGER_MS - 50);
    expect(closedAt - answeredAt).toBeLessThan(LINGER_MS + 2_000);
  });

  it('reads a body under the limit and judges its input', async () => {
    const sent = await sendBig('/trpc/auth.login', 2 * MiB, false, {
      'content-type': 'application/json',
      cookie: await sessionCookie(),
    });
    expect(sent.status).toBe(400);
    expect(JSON.parse(sent.body)).toMatchObject({
      error: { data: { engineCode: 'INPUT_INVALID', problems: [{ path: 'name' }] } },
    });
  });

  it("reads a signed-in POST's session once, for its body limit and its procedure both", async () => {
    const cookie = await sessionCookie();
    const reads: string[] = [];
    const sessionUser = h.store.sessionUser.bind(h.store);
    h.store.sessionUser = (token) => {
      reads.push(token);
      return sessionUser(token);
    };
    try {
      const res = await fetch(`${h.url}/trpc/auth.logout`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie },
        body: '{}',
      });
      expect(res.status).toBe(200);
      expect(reads).toHaveLength(1);
      // Its session is over: the next request's own read finds none.
      const after = await fetch(`${h.url}/trpc/auth.me`, { headers: { cookie } });
      expect(await after.json()).toMatchObject({ result: { data: { user: null } } });
      expect(reads).toHaveLength(2);
    } finally {
      h.store.sessionUser = sessionUser;
    }
  });

  it('takes from a request without a live session only what signing in needs, reading no more of it', async () => {
    // Nobody known yet: a slow upload of the full limit, many at once, would make the engine hold each.
    for (const cookie of [undefined, 'organism_session=forged']) {
      const headers = { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) };
      const sent = await sendBig('/trpc/auth.login', 64 * 1024, false, headers);
      expect(sent.status).toBe(413);
      expect(JSON.parse(sent.body)).toMatchObject({
        error: {
          message: expect.stringMatching(
            new RegExp(
              `^the request body is \\d+ bytes or more; the limit \\(a request without a session\\) is ${SIGNED_OUT_BODY_BYTES}$`,
            ),
          ) as unknown,
          data: { engineCode: 'PAYLOAD_TOO_LARGE' },
        },
      });
    }
    // Signing in itself is well under it, and a signed-in client has the whole limit (above).
    expect(await sessionCookie()).toMatch(/^organism_session=/);
  });

  it('answers 408 to a request whose body stops coming, and closes it', async () => {
    const server = await startServer(h.engine, h.store, {
      host: '127.0.0.1',
      port: 0,
      requestTimeoutMs: 500,
    });
    try {
      const t0 = Date.now();
      const answer = await new Promise<{ status: number; ms: number }>((resolve, reject) => {
        const req = request(`${server.url}/trpc/auth.login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'content-length': '1000' },
        });
        req.on('response', (res) => {
          res.resume();
          resolve({ status: res.statusCode ?? 0, ms: Date.now() - t0 });
        });
        req.on('error', reject);
        req.write('{"name":"adm');
      });
      expect(answer.status).toBe(408);
      expect(answer.ms).toBeLessThan(5_000);
    } finally {
      await server.close(100);
    }
  });

  it('notes a client that leaves mid-upload at debug level only, with no stack', async () => {
    const lines: string[] = [];
    const logger = createLogger({
      format: 'json',
      level: 'debug',
      sinks: { out: { write: (t: string) => lines.push(t) }, err: { write: (t: string) => lines.push(t) } },
    });
    const server = await startServer(h.engine, h.store, { host: '127.0.0.1', port: 0, logger });
    try {
      for (let i = 0; i < 3; i++) {
        const req = request(`${server.url}/messages`, {
          method: 'POST',
          headers: {
            'content-type': 'application/xml',
            'content-length': '1000',
            authorization: `Bearer ${h.token}`,
          },
        });
        req.on('error', () => undefined);
        req.write('<message');
        await new Promise((r) => setTimeout(r, 50));
        req.destroy();
      }
      const left = () => lines.filter((l) => l.includes('the connection closed before it was answered'));
      await expect.poll(() => left().length).toBe(3);
      for (const line of left()) {
        expect(JSON.parse(line)).toMatchObject({ level: 'debug', route: 'POST /messages' });
        expect(line).not.toMatch(/stack/);
      }
    } finally {
      await server.close(100);
    }
  });

  it('gives the real tRPC client PAYLOAD_TOO_LARGE for a batch over the limit', async () => {
    const admin = await h.client('admin');
    const err: unknown = await Promise.all([
      admin.users.setPassword.mutate({ name: 'viewer', password: 'p'.repeat(3 * MiB) }),
      admin.users.setPassword.mutate({ name: 'operator', password: 'p'.repeat(3 * MiB) }),
    ]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TRPCClientError);
    expect((err as TRPCClientError<AppRouter>).data?.engineCode).toBe('PAYLOAD_TOO_LARGE');
    expect((await admin.auth.me.query()).user?.name).toBe('admin');
  });

  it('answers a body over the limit streamed by fetch, which reads no answer before its upload ends', async () => {
    // How the console passes a mutation on: a stream body. Closed under that upload, fetch saw EPIPE
    // and the console told its user the engine could not be reached; the body is read through instead.
    for (const declared of [false, true]) {
      const total = 9 * MiB;
      let sent = 0;
      const piece = new Uint8Array(64 * 1024).fill(97);
      const body = new ReadableStream<Uint8Array>({
        pull(c) {
          if (sent >= total) return c.close();
          c.enqueue(piece);
          sent += piece.byteLength;
        },
      });
      const res = await fetch(`${h.url}/trpc/auth.login`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(declared ? { 'content-length': String(total) } : {}),
        },
        body,
        duplex: 'half',
      });
      expect(res.status).toBe(413);
      expect(res.headers.get('connection')).not.toBe('close');
      expect(await res.json()).toMatchObject({ error: { data: { engineCode: 'PAYLOAD_TOO_LARGE' } } });
    }
  });

  it('shares its body reading with POST /messages, which refuses a chunked envelope over its own limit', async () => {
    const sent = await sendBig('/messages', 8 * MiB, false, {
      'content-type': 'application/xml',
      authorization: `Bearer ${h.token}`,
    });
    expect(sent.status).toBe(413);
    expect(JSON.parse(sent.body)).toMatchObject({ error: { code: 'PAYLOAD_TOO_LARGE' } });
  });
});
