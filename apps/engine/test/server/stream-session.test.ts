import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../../src/server/http-server.ts';
import type { RunningServer } from '../../src/server/http-server.ts';
import { createLogger } from '../../src/logging/logger.ts';
import { MAX_STREAMS_PER_USER } from '../../src/api/stream-slots.ts';
import { PASSWORD, startHarness } from '../support/server-harness.ts';
import type { ServerHarness } from '../support/server-harness.ts';

// An open event stream carries the journal's transitions and errors: it must end with its session.
let h: ServerHarness;
let server: RunningServer;
beforeAll(async () => {
  h = await startHarness();
  // A second server on the same engine whose streams look at their sessions every 300 ms.
  server = await startServer(h.engine, h.store, {
    host: '127.0.0.1',
    port: 0,
    logger: createLogger({ format: 'json', level: 'silent' }),
    sessionRecheckMs: 300,
  });
});
afterAll(async () => {
  await server.close();
  await h.close();
});

async function signIn(url: string, name: string): Promise<string> {
  const res = await fetch(`${url}/trpc/auth.login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, password: PASSWORD }),
  });
  expect(res.status).toBe(200);
  return (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
}

/** Opens the stream and reads it to its end (or `withinMs`); what came, and whether it ended by itself. */
async function openStream(url: string, cookie: string) {
  const abort = new AbortController();
  const res = await fetch(`${url}/trpc/events.stream`, { headers: { cookie }, signal: abort.signal });
  expect(res.status).toBe(200);
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let text = '';
  const connected = (async () => {
    while (!text.includes('event: connected')) {
      const { value, done } = await reader.read();
      if (done) return;
      text += decoder.decode(value, { stream: true });
    }
  })();
  await connected;
  return {
    /** Reads until the server ends the stream, or gives up after `withinMs`. */
    async end(withinMs: number): Promise<{ ended: boolean; text: string; afterMs: number }> {
      const started = Date.now();
      const timer = setTimeout(() => abort.abort(), withinMs);
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return { ended: true, text, afterMs: Date.now() - started };
          text += decoder.decode(value, { stream: true });
        }
      } catch {
        return { ended: false, text, afterMs: Date.now() - started };
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

const UNAUTHORIZED_FRAME = /event: serialized-error\ndata: (\{.*"code":"UNAUTHORIZED".*\})\n/;

describe('an open event stream', () => {
  it('ends at once, saying why, when its session signs out', async () => {
    const cookie = await signIn(h.url, 'viewer');
    const stream = await openStream(h.url, cookie);
    const out = await fetch(`${h.url}/trpc/auth.logout`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie },
      body: '{}',
    });
    expect(out.status).toBe(200);
    // The harness's server looks every 5 s; a sign-out through it is looked at without waiting.
    const { ended, text, afterMs } = await stream.end(4_000);
    expect(ended).toBe(true);
    expect(afterMs).toBeLessThan(2_000);
    const shape = JSON.parse(UNAUTHORIZED_FRAME.exec(text)?.[1] ?? '{}') as { message?: string };
    expect(shape.message).toBe('your session has ended: sign in again');
  });

  it('ends when its user is removed elsewhere (as the CLI does, on the journal), at the next look', async () => {
    await h.store.createUser('leaving', 'viewer', PASSWORD);
    const cookie = await signIn(server.url, 'leaving');
    const stream = await openStream(server.url, cookie);
    const stays = await openStream(server.url, await signIn(server.url, 'viewer'));
    // Not through the API: no engine is told, only the journal changes.
    await h.store.removeUser('leaving');
    const { ended, text } = await stream.end(5_000);
    expect(ended).toBe(true);
    expect(text).toMatch(UNAUTHORIZED_FRAME);
    // Another user's stream goes on.
    expect((await stays.end(1_000)).ended).toBe(false);
  });

  it('goes on while its session lives', async () => {
    const stream = await openStream(server.url, await signIn(server.url, 'operator'));
    expect((await stream.end(1_500)).ended).toBe(false);
  });
});

describe('one user’s streams', () => {
  it(`are ${MAX_STREAMS_PER_USER} at most: the next is refused saying why, and a closed one frees its slot`, async () => {
    await h.store.createUser('many-tabs', 'viewer', PASSWORD);
    const cookie = await signIn(h.url, 'many-tabs');
    const open = await Promise.all(
      Array.from({ length: MAX_STREAMS_PER_USER }, () => openStream(h.url, cookie)),
    );
    // tRPC answers a subscription's refusal in the stream, as it does a session that ended: an error
    // frame after its own "connected", then the end.
    const refused = await (await openStream(h.url, cookie)).end(4_000);
    expect(refused.ended).toBe(true);
    const frame = /event: serialized-error\ndata: (\{.*\})\n/.exec(refused.text)?.[1] ?? '{}';
    const shape = JSON.parse(frame) as {
      message?: string;
      data?: { engineCode?: string; httpStatus?: number };
    };
    expect(shape.data).toMatchObject({ engineCode: 'RATE_LIMITED', httpStatus: 429 });
    expect(shape.message).toMatch(/^you have 32 live event streams open, the most one user may/);
    // Another user is not held up by this one.
    const other = await openStream(h.url, await signIn(h.url, 'operator'));
    expect((await other.end(500)).ended).toBe(false);
    // One closed (its tab gone): the next one opens, and stays open.
    await open[0]?.end(1);
    await expect
      .poll(async () => (await (await openStream(h.url, cookie)).end(300)).ended, { timeout: 10_000 })
      .toBe(false);
    for (const s of open.slice(1)) await s.end(1);
  });
});
