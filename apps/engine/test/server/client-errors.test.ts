import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../../src/server/http-server.ts';
import type { RunningServer } from '../../src/server/http-server.ts';
import { startHarness } from '../support/server-harness.ts';
import type { ServerHarness } from '../support/server-harness.ts';

let h: ServerHarness;
let server: RunningServer;
beforeAll(async () => {
  h = await startHarness();
  // A short request time, so a slow request is answered within the test.
  server = await startServer(h.engine, h.store, { host: '127.0.0.1', port: 0, requestTimeoutMs: 500 });
});
afterAll(async () => {
  await server.close(100);
  await h.close();
});

/** Writes `text` on a raw connection and reads what comes back until the engine closes it. */
function exchange(text: string): Promise<{ status: number; headers: string; body: string }> {
  const { hostname, port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(text));
    let got = '';
    socket.on('data', (b: Buffer) => (got += b.toString()));
    socket.on('error', reject);
    socket.on('close', () => {
      const [headers = '', body = ''] = got.split('\r\n\r\n');
      resolve({ status: Number(headers.split(' ')[1]), headers, body });
    });
  });
}

// node:http answers these itself, before any route, with an empty body unless told otherwise.
describe('requests node:http refuses before routing them', () => {
  it('answers headers over 16 KiB with 431 and the JSON error saying so', async () => {
    const res = await exchange(`GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(17_000)}\r\n\r\n`);
    expect(res.status).toBe(431);
    expect(res.headers).toMatch(/^content-type: application\/json; charset=utf-8$/im);
    expect(JSON.parse(res.body)).toEqual({
      error: {
        code: 'PAYLOAD_TOO_LARGE',
        message:
          "the request's headers are larger than 16 KiB, the most the engine reads; send fewer or shorter ones",
      },
    });
  });

  it('answers a body that stops coming with 408 and the JSON error, and closes the connection', async () => {
    const res = await exchange(
      `POST /messages HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${h.token}\r\nContent-Type: application/xml\r\nContent-Length: 1000\r\n\r\n<message`,
    );
    expect(res.status).toBe(408);
    expect(res.headers).toMatch(/^connection: close$/im);
    expect(JSON.parse(res.body)).toEqual({
      error: {
        code: 'INPUT_INVALID',
        message: "the request's headers and body did not arrive within 500 ms; the connection is closed",
      },
    });
  });

  it('answers headers that stop coming with 408 too', async () => {
    const res = await exchange('GET /healthz HTTP/1.1\r\nHost: x\r\n');
    expect(res.status).toBe(408);
    expect(JSON.parse(res.body)).toMatchObject({ error: { code: 'INPUT_INVALID' } });
  });

  it('answers what is not HTTP with 400 and the JSON error', async () => {
    const res = await exchange('HELLO THERE\r\n\r\n');
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toMatchObject({
      error: {
        code: 'INPUT_INVALID',
        message: expect.stringMatching(/^the request is not valid HTTP: /) as unknown,
      },
    });
  });

  it('still serves on the same server afterwards', async () => {
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });
});
