import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { DRAIN_LIMIT, readBody } from './read-body.ts';

const MiB = 1024 * 1024;

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

/** A real server answering what `readBody` made of each body, with `limit`. */
async function serving(limit: number): Promise<string> {
  const server = createServer((req, res) => {
    void readBody(req, limit).then((r) => {
      res.setHeader('content-type', 'application/json');
      if (!r.ok && !r.drained) res.setHeader('connection', 'close');
      res.end(JSON.stringify(r.ok ? { ok: true, bytes: r.body.byteLength } : { ok: false, size: r.size }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  close = () => new Promise((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

describe('readBody', () => {
  it('takes a body bigger than the drain allowance when the limit is bigger still', async () => {
    // A limit raised past DRAIN_LIMIT (server.maxBodyBytes: 32MiB) takes a declared 20 MiB body.
    const url = await serving(32 * MiB);
    const size = 20 * MiB;
    expect(size).toBeGreaterThan(DRAIN_LIMIT);
    const answer = await fetch(url, { method: 'POST', body: Buffer.alloc(size, 'a') });
    expect(await answer.json()).toEqual({ ok: true, bytes: size });
    const over = await fetch(url, { method: 'POST', body: Buffer.alloc(33 * MiB, 'a') }).catch(
      (err: unknown) => err,
    );
    // Past both, it is refused at once: the client reads the refusal, or sees the connection end under
    // its upload, never a body taken.
    if (over instanceof Response) expect(await over.json()).toEqual({ ok: false, size: 33 * MiB });
    else expect(over).toMatchObject({ message: 'fetch failed' });
  });

  it('refuses a body over the limit, read through when it is within the drain allowance', async () => {
    const url = await serving(MiB);
    const answer = await fetch(url, { method: 'POST', body: Buffer.alloc(2 * MiB, 'a') });
    expect(answer.headers.get('connection')).not.toBe('close');
    expect(await answer.json()).toEqual({ ok: false, size: 2 * MiB });
  });
});
