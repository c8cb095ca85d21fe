import { once } from 'node:events';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { proxyToEngine } from './engine-proxy';
import { onEngine, parseEngineUrl } from './engine-url';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** A real HTTP server standing in for the engine: it echoes what reached it and serves an event stream. */
let server: Server;
let engine: URL;
let streamClosed: Promise<void>;

function serve(req: IncomingMessage, res: ServerResponse): void {
  if (req.url?.endsWith('/cut')) {
    // An engine that stops mid-answer: what it wrote arrives, then its connection is gone.
    const sse = req.url.includes('events');
    res.writeHead(200, {
      'content-type': sse ? 'text/event-stream' : 'application/json',
      'content-length': '100',
    });
    res.write(sse ? 'data: last\n\n' : '{"result":');
    setTimeout(() => res.destroy(), 20);
    return;
  }
  if (req.url?.endsWith('/events')) {
    streamClosed = new Promise((resolve) => res.once('close', () => resolve()));
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache, no-transform' });
    res.write('data: first\n\n');
    return; // never ends by itself, as the engine's stream does not
  }
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const seen: Seen = {
      method: req.method ?? '',
      url: req.url ?? '',
      headers: req.headers,
      body: Buffer.concat(chunks).toString(),
    };
    res.setHeader('set-cookie', ['organism_session=abc; HttpOnly; SameSite=Strict', 'second=2; Path=/']);
    res.setHeader('keep-alive', 'timeout=5');
    res.writeHead(201, { 'content-type': 'application/json' });
    res.end(JSON.stringify(seen));
  });
}

beforeAll(async () => {
  server = createServer(serve);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  engine = parseEngineUrl(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

const consoleUrl = (path: string): string => `http://console.example${path}`;

describe('proxyToEngine', () => {
  it('passes the request on (path, query, body, cookie, forwarded address) and the answer back, cookies and status intact', async () => {
    const req = new Request(consoleUrl('/trpc/auth.login?batch=1'), {
      method: 'POST',
      headers: {
        cookie: 'organism_session=old',
        'content-type': 'application/json',
        'content-length': '22',
        'x-forwarded-for': '203.0.113.9',
        connection: 'keep-alive, x-secret-hop',
        'accept-encoding': 'gzip, br',
      },
      body: '{"0":{"name":"admin"}}',
    });
    const res = await proxyToEngine(req, engine);
    expect(res.status).toBe(201);
    expect(res.headers.getSetCookie()).toEqual([
      'organism_session=abc; HttpOnly; SameSite=Strict',
      'second=2; Path=/',
    ]);
    expect(res.headers.get('keep-alive')).toBeNull();
    const seen = (await res.json()) as Seen;
    expect(seen).toMatchObject({
      method: 'POST',
      url: '/trpc/auth.login?batch=1',
      body: '{"0":{"name":"admin"}}',
    });
    expect(seen.headers).toMatchObject({
      cookie: 'organism_session=old',
      'content-type': 'application/json',
      'content-length': '22',
      'x-forwarded-for': '203.0.113.9',
      host: engine.host,
      'accept-encoding': 'identity',
    });
    expect(seen.headers.connection).not.toContain('x-secret-hop');
  });

  it('streams a request body to the engine as it arrives', async () => {
    const parts = ['{"0":', '{"text":"', 'x'.repeat(200_000), '"}}'];
    const body = new ReadableStream<Uint8Array>({
      pull(c) {
        const next = parts.shift();
        if (next === undefined) c.close();
        else c.enqueue(new TextEncoder().encode(next));
      },
    });
    const req = new Request(consoleUrl('/trpc/compose.send'), {
      method: 'POST',
      body,
      duplex: 'half',
    } as RequestInit);
    const seen = (await (await proxyToEngine(req, engine)).json()) as Seen;
    expect(seen.body.length).toBe(200_000 + '{"0":{"text":""}}'.length);
    expect(seen.headers['transfer-encoding']).toBe('chunked');
  });

  it('hands the event stream over event by event, and ends the engine’s stream when the browser leaves', async () => {
    const leave = new AbortController();
    const res = await proxyToEngine(
      new Request(consoleUrl('/trpc/events'), { signal: leave.signal }),
      engine,
    );
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const reader = res.body!.getReader();
    const { value } = await reader.read(); // the engine has not ended its answer; the first event is here
    expect(new TextDecoder().decode(value)).toBe('data: first\n\n');
    leave.abort();
    await expect(streamClosed).resolves.toBeUndefined();
  });

  it('ends an event stream the engine cut (it stopped or restarts), and fails an answer it cut', async () => {
    const events = await proxyToEngine(new Request(consoleUrl('/trpc/events/cut')), engine);
    expect(await events.text()).toBe('data: last\n\n');
    const call = await proxyToEngine(new Request(consoleUrl('/trpc/status/cut')), engine);
    await expect(call.text()).rejects.toThrow();
  });

  it('keeps the path of an engine URL that has one', async () => {
    const under = parseEngineUrl(`${engine.origin}/organism/`);
    const seen = (await (await proxyToEngine(new Request(consoleUrl('/trpc/status')), under)).json()) as Seen;
    expect(seen.url).toBe('/organism/trpc/status');
  });

  it('answers 502 with a line of text when the engine cannot be reached, and logs its address once per outage', async () => {
    const closed = createServer();
    closed.listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const port = (closed.address() as AddressInfo).port;
    closed.close();
    const log = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const gone = parseEngineUrl(`http://127.0.0.1:${port}`);
      const first = await proxyToEngine(new Request(consoleUrl('/trpc/status')), gone);
      const second = await proxyToEngine(new Request(consoleUrl('/trpc/status')), gone);
      expect(first.status).toBe(502);
      expect(second.status).toBe(502);
      expect(await first.text()).toMatch(/could not reach the engine/);
      expect(log).toHaveBeenCalledTimes(1);
      expect(String(log.mock.calls[0]?.[0])).toContain(`127.0.0.1:${port}`);
      expect(String(log.mock.calls[0]?.[0])).toContain('ECONNREFUSED');
      await proxyToEngine(new Request(consoleUrl('/trpc/status')), engine);
      expect(log).toHaveBeenCalledTimes(2);
      expect(String(log.mock.calls[1]?.[0])).toContain('answers again');
    } finally {
      log.mockRestore();
    }
  });
});

describe('parseEngineUrl', () => {
  it('defaults to the demo engine, and puts paths under the URL’s own path', () => {
    expect(parseEngineUrl(undefined).href).toBe('http://127.0.0.1:7070/');
    expect(parseEngineUrl(' ').href).toBe('http://127.0.0.1:7070/');
    expect(onEngine(parseEngineUrl('https://engine.internal:8443/organism/'), '/trpc/x').href).toBe(
      'https://engine.internal:8443/organism/trpc/x',
    );
    expect(onEngine(parseEngineUrl('http://127.0.0.1:7070/'), '/trpc/x').href).toBe(
      'http://127.0.0.1:7070/trpc/x',
    );
  });

  it('refuses what is not an http(s) address, saying what was given', () => {
    expect(() => parseEngineUrl('localhost:7070')).toThrow(/must be http:\/\/ or https:\/\/.*localhost:7070/);
    expect(() => parseEngineUrl('engine')).toThrow(
      /not a URL: "engine" \(for example http:\/\/127\.0\.0\.1:7070\)/,
    );
    expect(() => parseEngineUrl('ftp://engine')).toThrow(/not ftp:\/\//);
    expect(() => parseEngineUrl('http://user:pw@engine:7070')).toThrow(/without credentials/);
  });
});
