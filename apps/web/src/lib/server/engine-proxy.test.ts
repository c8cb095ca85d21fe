import { once } from 'node:events';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineChoice, MAX_BODY_BYTES, endEventStreams, proxyToEngine } from './engine-proxy';
import { onEngine, parseEngineUrl, parseEngineUrls } from './engine-url';

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

let served = 0;

function serve(req: IncomingMessage, res: ServerResponse): void {
  served++;
  if (req.url?.startsWith('/hanging/')) return; // connected, and never answers
  if (req.url?.endsWith('/drop')) {
    // An engine that took the request and died before answering.
    req.socket.destroy();
    return;
  }
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
  lines.length = 0;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

const consoleUrl = (path: string): string => `http://console.example${path}`;
const lines: string[] = [];
/** The choice of one engine, or several, logging into `lines`. */
const to = (...engines: URL[]): EngineChoice => new EngineChoice(engines, (line) => lines.push(line));

/** The URL of a loopback port nothing listens on. */
async function nowhere(): Promise<URL> {
  const closed = createServer();
  closed.listen(0, '127.0.0.1');
  await once(closed, 'listening');
  const port = (closed.address() as AddressInfo).port;
  closed.close();
  await once(closed, 'close');
  return parseEngineUrl(`http://127.0.0.1:${port}`);
}

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
    const res = await proxyToEngine(req, to(engine));
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

  it('refuses a body bigger than the engine reads through with the engine’s 413, never sending it', async () => {
    const before = served;
    const size = MAX_BODY_BYTES + 1;
    const req = new Request(consoleUrl('/trpc/messages.inject'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': String(size) },
      body: new Uint8Array(size),
    });
    const res = await proxyToEngine(req, to(engine));
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({
      error: {
        message: expect.stringContaining(`${size} bytes`) as unknown,
        data: {
          code: 'PAYLOAD_TOO_LARGE',
          httpStatus: 413,
          path: 'messages.inject',
          engineCode: 'PAYLOAD_TOO_LARGE',
        },
      },
    });
    expect(served).toBe(before);
  });

  it('cuts a body sent without a length once it passes what the engine reads through, and answers the 413', async () => {
    const chunk = new Uint8Array(1024 * 1024);
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(c) {
        if (sent > MAX_BODY_BYTES + 4 * chunk.byteLength) return c.close();
        sent += chunk.byteLength;
        c.enqueue(chunk);
      },
    });
    const req = new Request(consoleUrl('/trpc/messages.inject'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
      duplex: 'half',
    } as RequestInit);
    const res = await proxyToEngine(req, to(engine));
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({
      error: {
        message: expect.stringMatching(
          /^the request body is \d+ bytes or more; the console passes on at most/,
        ) as unknown,
        data: { code: 'PAYLOAD_TOO_LARGE', path: 'messages.inject', engineCode: 'PAYLOAD_TOO_LARGE' },
      },
    });
    // Not read to its end: the console stopped passing it on past the cap.
    expect(sent).toBeLessThan(MAX_BODY_BYTES + 4 * chunk.byteLength);
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
    const seen = (await (await proxyToEngine(req, to(engine))).json()) as Seen;
    expect(seen.body.length).toBe(200_000 + '{"0":{"text":""}}'.length);
    expect(seen.headers['transfer-encoding']).toBe('chunked');
  });

  it('hands the event stream over event by event, and ends the engine’s stream when the browser leaves', async () => {
    const leave = new AbortController();
    const res = await proxyToEngine(
      new Request(consoleUrl('/trpc/events'), { signal: leave.signal }),
      to(engine),
    );
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const reader = res.body!.getReader();
    const { value } = await reader.read(); // the engine has not ended its answer; the first event is here
    expect(new TextDecoder().decode(value)).toBe('data: first\n\n');
    leave.abort();
    await expect(streamClosed).resolves.toBeUndefined();
  });

  it('ends an event stream the engine cut (it stopped or restarts), and fails an answer it cut', async () => {
    const events = await proxyToEngine(new Request(consoleUrl('/trpc/events/cut')), to(engine));
    expect(await events.text()).toBe('data: last\n\n');
    const call = await proxyToEngine(new Request(consoleUrl('/trpc/status/cut')), to(engine));
    await expect(call.text()).rejects.toThrow();
  });

  it('keeps the path of an engine URL that has one', async () => {
    const under = parseEngineUrl(`${engine.origin}/organism/`);
    const seen = (await (
      await proxyToEngine(new Request(consoleUrl('/trpc/status')), to(under))
    ).json()) as Seen;
    expect(seen.url).toBe('/organism/trpc/status');
  });

  it('answers 502 in tRPC’s error shape when the engine cannot be reached, and logs it once per outage', async () => {
    const gone = await nowhere();
    const choice = to(gone);
    lines.length = 0;
    const first = await proxyToEngine(new Request(consoleUrl('/trpc/status')), choice);
    const second = await proxyToEngine(new Request(consoleUrl('/trpc/status')), choice);
    expect(first.status).toBe(502);
    expect(second.status).toBe(502);
    expect(await first.json()).toEqual({
      error: {
        message: 'The console could not reach the engine. It may be restarting; try again shortly.',
        code: -32603,
        data: { code: 'BAD_GATEWAY', httpStatus: 502, path: 'status', unreached: 'query' },
      },
    });
    expect(lines).toEqual([`the engine at ${gone.href} did not answer (ECONNREFUSED)`]);
    // A mutation no engine took was not done.
    const mutation = new Request(consoleUrl('/trpc/listeners.pause'), { method: 'POST', body: '{}' });
    const refused = (await (await proxyToEngine(mutation, choice)).json()) as { error: { data: object } };
    expect(refused.error.data).toMatchObject({
      httpStatus: 502,
      path: 'listeners.pause',
      unreached: 'not-taken',
    });
  });

  it('says when an engine that was away answers again', async () => {
    const choice = new EngineChoice([engine], (line) => lines.push(line));
    choice.noneAnswered(['the engine at … did not answer (ECONNREFUSED)']);
    lines.length = 0;
    await (await proxyToEngine(new Request(consoleUrl('/trpc/status')), choice)).text();
    expect(lines).toEqual([`the engine at ${engine.href} answers again`]);
  });

  it('fails over to the next engine that answers, and stays with it', async () => {
    const gone = await nowhere();
    const choice = to(gone, engine);
    lines.length = 0;
    const res = await proxyToEngine(new Request(consoleUrl('/trpc/status')), choice);
    expect(res.status).toBe(201);
    expect(choice.current()).toBe(engine);
    expect(lines).toEqual([
      `the console now talks to the engine at ${engine.href} (the engine at ${gone.href} did not answer (ECONNREFUSED))`,
    ]);
    await proxyToEngine(new Request(consoleUrl('/trpc/status')), choice);
    expect(lines).toHaveLength(1);
  });

  it('sends a mutation to the next engine, body and all, when the first refused the connection', async () => {
    const text = 'y'.repeat(300_000);
    const req = new Request(consoleUrl('/trpc/compose.send'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: new Blob([`{"0":{"text":"${text}"}}`]).stream(),
      duplex: 'half',
    } as RequestInit);
    const seen = (await (await proxyToEngine(req, to(await nowhere(), engine))).json()) as Seen;
    expect(seen.body).toBe(`{"0":{"text":"${text}"}}`);
  });

  it('never sends a mutation twice: one an engine took and dropped is a 502; a query is asked again', async () => {
    // Both engines are the same server here; what counts is how many requests reached it.
    const dropping = parseEngineUrl(`${engine.origin}/dropping`);
    const before = served;
    const mutation = new Request(consoleUrl('/trpc/drop'), { method: 'POST', body: '{}' });
    const dropped = await proxyToEngine(mutation, to(dropping, engine));
    expect(dropped.status).toBe(502);
    expect(served - before).toBe(1);
    // The page is told that it may have been done.
    expect(((await dropped.json()) as { error: { data: object } }).error.data).toMatchObject({
      unreached: 'maybe-taken',
    });

    const query = await proxyToEngine(new Request(consoleUrl('/trpc/drop')), to(dropping, engine));
    expect(served - before).toBe(3);
    expect(query.status).toBe(502); // the second engine drops it too: /drop does so everywhere
  });
  it('asks the next engine a query the first connected for but did not begin to answer in time', async () => {
    const hanging = parseEngineUrl(`${engine.origin}/hanging`);
    const choice = new EngineChoice([hanging, engine], (line) => lines.push(line), 200);
    lines.length = 0;
    const res = await proxyToEngine(new Request(consoleUrl('/trpc/status')), choice);
    expect(res.status).toBe(201);
    expect(lines).toEqual([
      `the console now talks to the engine at ${engine.href} (the engine at ${hanging.href} did not answer (no answer within 0.2 s))`,
    ]);
  });

  // Last: the console stays stopping for the rest of this process.
  it('ends every event stream when the console stops, closing the engine’s side too', async () => {
    const res = await proxyToEngine(new Request(consoleUrl('/trpc/events')), to(engine));
    const reader = res.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toBe('data: first\n\n');
    endEventStreams();
    expect(await reader.read()).toEqual({ done: true, value: undefined });
    await expect(streamClosed).resolves.toBeUndefined();
    // What the browser sends meanwhile on a connection it kept is refused, and the connection closed.
    const before = served;
    const again = await proxyToEngine(new Request(consoleUrl('/trpc/events')), to(engine));
    expect(again.status).toBe(503);
    expect(again.headers.get('connection')).toBe('close');
    expect(served).toBe(before);
  });
});

describe('parseEngineUrl', () => {
  it('defaults to the demo engine, and puts paths under the URL’s own path', () => {
    expect(parseEngineUrls(undefined).map(String)).toEqual(['http://127.0.0.1:7070/']);
    expect(parseEngineUrls(' ').map(String)).toEqual(['http://127.0.0.1:7070/']);
    expect(onEngine(parseEngineUrl('https://engine.internal:8443/organism/'), '/trpc/x').href).toBe(
      'https://engine.internal:8443/organism/trpc/x',
    );
    expect(onEngine(parseEngineUrl('http://127.0.0.1:7070/'), '/trpc/x').href).toBe(
      'http://127.0.0.1:7070/trpc/x',
    );
  });

  it('reads several engines separated by commas', () => {
    expect(parseEngineUrls('http://a:7071, http://b:7072').map(String)).toEqual([
      'http://a:7071/',
      'http://b:7072/',
    ]);
    expect(() => parseEngineUrls('http://a:7071,,http://b:7072')).toThrow(/an empty entry/);
    expect(() => parseEngineUrls('http://a:7071,b:7072')).toThrow(
      /must be http:\/\/ or https:\/\/.*"b:7072"/,
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
