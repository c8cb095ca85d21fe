import { onEngine } from './engine-url';

/** Headers that belong to one connection, not to the request or answer passed along (RFC 9110 §7.6.1). */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/** What is not forwarded to the engine: the connection's own headers, and the console's Host. */
const NOT_FORWARDED = new Set([...HOP_BY_HOP, 'host', 'expect', 'accept-encoding']);

let away = false;

/**
 * Passes one browser request on to the engine and its answer back, both streamed (a mutation's body as
 * it arrives, the event stream event by event), so the session cookie, the engine's `Set-Cookie`s and
 * statuses reach each side unchanged. `X-Forwarded-For` goes along as Next.js gives it (the browser's
 * address, or what a proxy in front of the console said), for the engine's per-address sign-in limits.
 * The browser leaving ends the engine's request too (`req.signal`). An engine that cannot be reached is
 * a 502 with a line of text; its address is logged once per outage, not told to the browser.
 */
export async function proxyToEngine(req: Request, engine: URL): Promise<Response> {
  const { pathname, search } = new URL(req.url);
  const target = onEngine(engine, `${pathname}${search}`);
  const headers = new Headers();
  for (const [name, value] of req.headers) if (!NOT_FORWARDED.has(name)) headers.append(name, value);
  // The engine compresses nothing today; asking for identity keeps it that way, so bytes pass untouched.
  headers.set('accept-encoding', 'identity');
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD' && req.body !== null;
  let answer: Response;
  try {
    answer = await fetch(target, {
      method: req.method,
      headers,
      body: hasBody ? req.body : undefined,
      duplex: hasBody ? 'half' : undefined,
      redirect: 'manual',
      signal: req.signal,
      cache: 'no-store',
    } as RequestInit);
  } catch (err) {
    if (req.signal.aborted) return new Response(null, { status: 499 });
    if (!away) {
      away = true;
      console.error(`organism console: the engine at ${engine.href} did not answer (${causeOf(err)})`);
    }
    return new Response(
      'The console could not reach the engine. It may be restarting; try again shortly.\n',
      {
        status: 502,
        headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' },
      },
    );
  }
  if (away) {
    away = false;
    console.error(`organism console: the engine at ${engine.href} answers again`);
  }
  const out = new Headers();
  for (const [name, value] of answer.headers) if (!HOP_BY_HOP.has(name)) out.append(name, value);
  const stream = answer.headers.get('content-type')?.startsWith('text/event-stream') ?? false;
  const body = answer.body && stream ? endsWithItsEngine(answer.body) : answer.body;
  return new Response(body, { status: answer.status, statusText: answer.statusText, headers: out });
}

/**
 * An event stream that ends, rather than fails, when the engine's side is cut: an engine that stops or
 * restarts closes its streams' connections, which the browser's EventSource answers by reconnecting, as
 * to any end. Passed through as it was, every restart logged a stack trace in the console's server.
 */
function endsWithItsEngine(body: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (done) controller.close();
        else controller.enqueue(value);
      } catch {
        controller.close();
      }
    },
    cancel: (reason) => reader.cancel(reason),
  });
}

/** The network error under fetch's "fetch failed": ECONNREFUSED, ENOTFOUND, … */
function causeOf(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } } | null)?.cause;
  return cause?.code ?? cause?.message ?? (err instanceof Error ? err.message : String(err));
}
