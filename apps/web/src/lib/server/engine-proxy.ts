import { BODY_READ_THROUGH_BYTES } from '@organism/shared';
import { engineUrls, onEngine } from './engine-url';

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

/** Failures before a connection existed: the engine never saw the request, so another may be asked. */
const NOT_CONNECTED = new Set([
  'ECONNREFUSED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/**
 * The biggest request body the console passes on: what the engine reads through before it refuses a body
 * over its limit (`BODY_READ_THROUGH_BYTES`). A bigger one the engine refuses unread and closes the
 * connection under the upload, which the console could not tell from an engine gone away ("could not
 * reach the engine"): so it refuses it itself, with the engine's answer.
 */
export const MAX_BODY_BYTES = BODY_READ_THROUGH_BYTES;

/**
 * Which of the console's engines it talks to: the first of `ORGANISM_ENGINE_URL`'s until it stops
 * answering, then the next that answers, kept until it stops answering in turn. Engines sharing a
 * PostgreSQL journal serve the same organism, sessions and event sequence, so an operator's session and
 * event stream carry on there. Says on the server's log when it moves, and once per outage when none answers.
 */
export class EngineChoice {
  private at = 0;
  private away = false;

  constructor(
    readonly engines: readonly URL[],
    private readonly log: (line: string) => void = (line) => console.error(`organism console: ${line}`),
    /**
     * How long a query waits for an engine to begin its answer before the next engine is asked: one
     * that connects but never answers (stopped, or cut off by the network) is left like one that refused.
     * Mutations wait as long as they take (a restart's drain, say): they are never sent twice.
     */
    readonly queryDeadlineMs = 30_000,
  ) {}

  /** The engine the console talks to now. */
  current(): URL {
    return this.engines[this.at] as URL;
  }

  /** Every engine, the current one first. */
  inTurn(): URL[] {
    return [...this.engines.slice(this.at), ...this.engines.slice(0, this.at)];
  }

  answered(engine: URL, failures: readonly string[]): void {
    const index = this.engines.indexOf(engine);
    if (this.away) this.log(`the engine at ${engine.href} answers again`);
    else if (index !== this.at)
      this.log(`the console now talks to the engine at ${engine.href} (${failures.join('; ')})`);
    this.at = index;
    this.away = false;
  }

  noneAnswered(failures: readonly string[]): void {
    if (!this.away) this.log(failures.join('; '));
    this.away = true;
  }
}

let choice: EngineChoice | undefined;

/** The console's one `EngineChoice`, over `ORGANISM_ENGINE_URL`'s engines. */
export function engineChoice(): EngineChoice {
  choice ??= new EngineChoice(engineUrls());
  return choice;
}

/**
 * Passes one browser request on to the engine and its answer back, both streamed (a mutation's body as
 * it arrives, the event stream event by event), so the session cookie, the engine's `Set-Cookie`s and
 * statuses reach each side unchanged. `X-Forwarded-For` goes along as Next.js gives it (the browser's
 * address, or what a proxy in front of the console said), for the engine's per-address sign-in limits.
 * The browser leaving ends the engine's request too (`req.signal`). When the engine cannot be reached
 * the next one is asked (a mutation only if the first never took the request); when none can, a 502
 * with a line of text: the engines' addresses are logged, not told to the browser.
 */
export async function proxyToEngine(req: Request, engines: EngineChoice): Promise<Response> {
  if (stopping) {
    // A browser keeps sending on the connection it has, and Next.js waits for it: closing it ends that.
    return new Response('The console is stopping.\n', {
      status: 503,
      headers: { 'content-type': 'text/plain; charset=utf-8', 'retry-after': '5', connection: 'close' },
    });
  }
  const { pathname, search } = new URL(req.url);
  const declared = Number(req.headers.get('content-length') ?? NaN);
  if (declared > MAX_BODY_BYTES) {
    void req.body?.cancel();
    return tooLarge(pathname, declared);
  }
  const headers = new Headers();
  for (const [name, value] of req.headers) if (!NOT_FORWARDED.has(name)) headers.append(name, value);
  // The engine compresses nothing today; asking for identity keeps it that way, so bytes pass untouched.
  headers.set('accept-encoding', 'identity');
  const idempotent = req.method === 'GET' || req.method === 'HEAD';
  // A body without a declared length is counted as it passes: past the cap it is cut, and the 413 is ours.
  const size = { seen: 0, over: false };
  let body = idempotent || !req.body ? null : req.body.pipeThrough(capped(size));
  const failures: string[] = [];
  /** Whether an engine may have taken the mutation before it stopped answering. */
  let maybeTaken = false;
  const order = engines.inTurn();
  for (const [i, engine] of order.entries()) {
    // With another engine to ask, a copy of the body is kept until this one has it (a tee buffers only
    // what was read through the other branch), so a refused connection can send it again.
    const last = i === order.length - 1;
    const [send, spare] = body && !last ? body.tee() : [body, null];
    const deadline = idempotent && !last ? new AbortController() : undefined;
    const timer =
      deadline &&
      setTimeout(
        () => deadline.abort(new Error(`no answer within ${engines.queryDeadlineMs / 1000} s`)),
        engines.queryDeadlineMs,
      );
    try {
      const answer = await fetch(onEngine(engine, `${pathname}${search}`), {
        method: req.method,
        headers,
        body: send,
        duplex: send ? 'half' : undefined,
        redirect: 'manual',
        signal: deadline ? AbortSignal.any([req.signal, deadline.signal]) : req.signal,
        cache: 'no-store',
      } as RequestInit);
      clearTimeout(timer);
      void spare?.cancel();
      engines.answered(engine, failures);
      return passBack(answer);
    } catch (err) {
      clearTimeout(timer);
      if (req.signal.aborted) return new Response(null, { status: 499 });
      if (size.over) return tooLarge(pathname, size.seen);
      const cause = causeOf(err);
      failures.push(`the engine at ${engine.href} did not answer (${cause})`);
      if (!idempotent && !NOT_CONNECTED.has(cause)) {
        void spare?.cancel();
        maybeTaken = true;
        break; // it may have taken the mutation: never twice
      }
      body = spare;
    }
  }
  engines.noneAnswered(failures);
  return unreached(pathname, idempotent ? 'query' : maybeTaken ? 'maybe-taken' : 'not-taken');
}

/**
 * What became of a call no engine answered: a query is asked again by the page; a mutation no engine
 * took was not done; one an engine took and then never answered may or may not have been.
 */
export type Unreached = 'query' | 'not-taken' | 'maybe-taken';

const UNREACHED: Record<Unreached, string> = {
  query: 'The console could not reach the engine. It may be restarting; try again shortly.',
  'not-taken':
    'The console could not reach the engine, so nothing was done. It may be restarting; try again once it answers.',
  'maybe-taken':
    'The engine took the request and then stopped answering, so whether it was done is not known: look before trying again.',
};

/**
 * 502 in tRPC's error shape, so that a page tells a call no engine answered from the engine's own refusals
 * (`data.unreached`, and no `engineCode`) and says what became of it.
 */
function unreached(pathname: string, what: Unreached): Response {
  const message = UNREACHED[what];
  const path = pathname.startsWith('/trpc/') ? decodedOrNull(pathname.slice('/trpc/'.length)) : null;
  const error = {
    message,
    code: -32603,
    data: { code: 'BAD_GATEWAY', httpStatus: 502, path, unreached: what },
  };
  return Response.json({ error }, { status: 502, headers: { 'cache-control': 'no-store' } });
}

/** Passes a body on while it stays within MAX_BODY_BYTES; past it, fails the stream and says so in `size`. */
function capped(size: { seen: number; over: boolean }): TransformStream<Uint8Array, Uint8Array> {
  return new TransformStream({
    transform(chunk, out) {
      size.seen += chunk.byteLength;
      if (size.seen <= MAX_BODY_BYTES) return out.enqueue(chunk);
      size.over = true;
      out.error(new Error(`the request body passed ${MAX_BODY_BYTES} bytes`));
    },
  });
}

/**
 * 413 PAYLOAD_TOO_LARGE in the engine's own shape for it (a tRPC error with `engineCode`), so the console's
 * pages read it as they read the engine's.
 */
function tooLarge(pathname: string, size: number): Response {
  const message = `the request body is ${size} bytes or more; the console passes on at most ${MAX_BODY_BYTES} (and the engine takes at most its server.maxBodyBytes)`;
  const path = pathname.startsWith('/trpc/') ? decodedOrNull(pathname.slice('/trpc/'.length)) : null;
  const error = {
    message,
    code: -32013,
    data: {
      code: 'PAYLOAD_TOO_LARGE',
      httpStatus: 413,
      path,
      engineCode: 'PAYLOAD_TOO_LARGE',
      problems: [{ message }],
    },
  };
  return Response.json({ error }, { status: 413, headers: { 'cache-control': 'no-store' } });
}

/** A path segment decoded, or null when it cannot be (a stray `%`), as the engine reads it. */
function decodedOrNull(segment: string): string | null {
  try {
    return decodeURIComponent(segment) || null;
  } catch {
    return null;
  }
}

function passBack(answer: Response): Response {
  const out = new Headers();
  for (const [name, value] of answer.headers) if (!HOP_BY_HOP.has(name)) out.append(name, value);
  const stream = answer.headers.get('content-type')?.startsWith('text/event-stream') ?? false;
  const body = answer.body && stream ? endsWithItsEngine(answer.body) : answer.body;
  return new Response(body, { status: answer.status, statusText: answer.statusText, headers: out });
}

/** The event streams open through this console, each ended by calling it. */
const openStreams = new Set<() => void>();
let endsOnStop = false;
let stopping = false;

/**
 * Ends every event stream open through this console. Next.js, stopping, waits for every connection to
 * finish, and an event stream never does: without this, a console stopped (Ctrl-C, SIGTERM) while a
 * browser had it open waited for as long as the browser stayed. From then on `/trpc` answers 503 with
 * `Connection: close`, since the browser goes on sending (a stream opened again, a query) on connections
 * it kept alive, which the server would otherwise keep serving.
 */
export function endEventStreams(): void {
  stopping = true;
  for (const end of [...openStreams]) end();
}

/**
 * An event stream that ends, rather than fails, when the engine's side is cut: an engine that stops or
 * restarts closes its streams' connections, which the browser's EventSource answers by reconnecting, as
 * to any end. Passed through as it was, every restart logged a stack trace in the console's server. It
 * ends too when the console stops (`endEventStreams`).
 */
function endsWithItsEngine(body: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
  if (!endsOnStop) {
    endsOnStop = true;
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, endEventStreams);
  }
  const reader = body.getReader();
  let end = (): void => undefined;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      end = () => {
        openStreams.delete(end);
        void reader.cancel().catch(() => undefined);
        try {
          controller.close();
        } catch {
          // already closed or cancelled
        }
      };
      openStreams.add(end);
    },
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (done) end();
        else controller.enqueue(value);
      } catch {
        end();
      }
    },
    cancel: (reason) => {
      openStreams.delete(end);
      return reader.cancel(reason);
    },
  });
}

/** The network error under fetch's "fetch failed" (ECONNREFUSED, ENOTFOUND, …), or why it was aborted. */
function causeOf(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } } | null)?.cause;
  return cause?.code ?? cause?.message ?? (err instanceof Error ? err.message : String(err));
}
