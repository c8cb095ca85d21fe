import type { Logger } from '../logging/logger.ts';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { TRPCError } from '@trpc/server';
import type { AnyProcedure } from '@trpc/server';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import { EngineError } from '@organism/shared';
import type { Engine } from '../engine.ts';
import type { OperatorStore } from '../journal/index.ts';
import { appRouter } from '../api/app-router.ts';
import { createContext, requestUser } from '../api/context.ts';
import { apiErrorShape, toTRPCError } from '../api/error-map.ts';
import type { ApiErrorShape } from '../api/error-map.ts';
import type { LoginLimiter } from '../api/login-limiter.ts';
import type { RefusalAudit } from '../api/refusal-audit.ts';
import { closeAfterAnswer } from './lingering-close.ts';
import { readBody } from './read-body.ts';
import { sendJson } from './send-json.ts';
import { useWholeChunkTextEncoderStream } from './text-encoder-stream.ts';
import { EVENTS_STREAM, serveEventStream, withLastEventId } from './event-stream-endpoint.ts';
import { SessionWatch } from './session-watch.ts';

const BASE = '/trpc/';
/** Calls in one batched request: enough for a console page, too few to multiply work by thousands. */
export const MAX_BATCH = 50;
const JSON_TYPE = /^application\/json\s*(;|$)/i;
/**
 * The body a request with no live session may send: enough to sign in (the only mutation it may call), so
 * that clients nobody knows cannot make the engine hold `server.maxBodyBytes` for each slow upload.
 */
export const SIGNED_OUT_BODY_BYTES = 16 * 1024;

/**
 * The `/trpc/…` endpoint: refuses what tRPC should never parse (other methods, bodies that are not
 * JSON, bodies over `server.maxBodyBytes`) with tRPC-shaped errors, reads the body through the server's
 * one body-reading path, then hands the request to tRPC. Internal faults are logged here, and only they.
 */
export function createTrpcEndpoint(
  given: {
    engine: Engine;
    store: OperatorStore;
    limiter: LoginLimiter;
    refusals: RefusalAudit;
  },
  log: Logger,
  sessions = new SessionWatch(),
): (req: IncomingMessage, res: ServerResponse) => void {
  // An event stream lives as long as its session: a sign-out or a user removed through this API ends it at once.
  const deps = { ...given, store: sessions.watching(given.store) };
  // tRPC encodes each SSE response through the global TextEncoderStream: Node's is slow (see there).
  // The event stream's own responses are written by event-stream-endpoint.ts; tRPC's SSE now carries
  // only the refusals it falls back to.
  useWholeChunkTextEncoderStream();
  const handler = createHTTPHandler({
    router: appRouter,
    basePath: BASE,
    maxBatchSize: MAX_BATCH,
    // Context creation reads the session: its failures (a journal outage: 503) are mapped like a
    // procedure's, since tRPC itself would make every one of them a 500.
    createContext: ({ req, res }) =>
      createContext({ ...deps, log }, req, res).catch((err: unknown) => {
        throw toTRPCError(err);
      }),
    onError({ error, path, type }) {
      if (error.code === 'INTERNAL_SERVER_ERROR')
        log.error({ err: error.cause ?? error, path: path ?? null }, `tRPC ${type} ${path ?? '?'} failed`);
    },
  });
  const stream = (req: IncomingMessage, res: ServerResponse): Promise<void> =>
    serveEventStream(
      req,
      res,
      () => createContext({ ...deps, log }, req, res),
      () => handler(req, res),
      log,
      { sessions, store: given.store },
    );
  return (req, res) => {
    serve(req, res, handler, stream, deps).catch((err: unknown) => {
      // Only a client that went away mid-body gets here: there is no one left to answer.
      if (!res.headersSent) res.destroy(err instanceof Error ? err : undefined);
    });
  };
}

async function serve(
  req: IncomingMessage,
  res: ServerResponse,
  handler: (req: IncomingMessage, res: ServerResponse) => void,
  stream: (req: IncomingMessage, res: ServerResponse) => Promise<void>,
  deps: { engine: Engine; store: OperatorStore },
): Promise<void> {
  const path = decodePath(req.url ?? BASE);
  const calls = path?.split(',').length ?? 0;
  if (calls > MAX_BATCH) {
    // tRPC's own refusal would not say what the limit is.
    closeAfterAnswer(res);
    refuse(res, path, 'BAD_REQUEST', `a batch holds at most ${MAX_BATCH} calls; this one has ${calls}`, {});
    req.resume();
    return;
  }
  if (req.method !== 'GET' && req.method !== 'POST') {
    refuse(
      res,
      path,
      'METHOD_NOT_SUPPORTED',
      `use GET for queries and POST for mutations, not ${req.method}`,
      {
        allow: 'GET, POST',
      },
    );
    req.resume();
    return;
  }
  if (
    path !== undefined &&
    path.split(',').some((name) => !procedureAt(name)) &&
    !(await signedIn(req, deps))
  ) {
    // Not found is for someone signed in: without a session, which procedures exist is not said either.
    refuse(res, path, 'UNAUTHORIZED', 'sign in first', {});
    req.resume();
    return;
  }
  const wrong = wrongMethod(path, req.method);
  if (wrong) {
    // tRPC's own 405 would not say which method to use, nor send `Allow`.
    refuse(res, path, 'METHOD_NOT_SUPPORTED', wrong.message, { allow: wrong.allow });
    req.resume();
    return;
  }
  if (req.method === 'POST') {
    // Only JSON: tRPC would also parse form posts, which a page on another site can send without CORS.
    const type = req.headers['content-type'] ?? '';
    if (!JSON_TYPE.test(type)) {
      closeAfterAnswer(res);
      refuse(
        res,
        path,
        'UNSUPPORTED_MEDIA_TYPE',
        `expected Content-Type application/json, got ${type || 'none'}`,
        {},
      );
      req.resume();
      return;
    }
    const limit = await bodyLimit(req, deps);
    const body = await readBody(req, limit.bytes);
    if (!body.ok) {
      const message = `the request body is ${body.size} bytes or more; the limit (${limit.key}) is ${limit.bytes}`;
      if (!body.drained) closeAfterAnswer(res);
      refuse(res, path, 'PAYLOAD_TOO_LARGE', message, {});
      return;
    }
    // tRPC's adapter takes a body already read from `req.body` instead of reading the stream itself. An
    // empty body is no input, as `{}` is: tRPC would try it as JSON for a procedure with an input schema
    // (those that take none have one too, to refuse what they do not take).
    const text = body.body.toString('utf8');
    (req as IncomingMessage & { body?: string }).body = text.trim() === '' ? '{}' : text;
    const broken = notJson(text);
    if (broken) {
      refuse(res, path, 'BAD_REQUEST', `the request body is not JSON: ${broken}`, {});
      return;
    }
  }
  if (req.method === 'GET') {
    const input = new URL(req.url ?? BASE, 'http://localhost').searchParams.get('input');
    const broken = input === null ? undefined : notJson(input);
    if (broken) {
      refuse(res, path, 'BAD_REQUEST', `the input in the address is not JSON: ${broken}`, {});
      return;
    }
  }
  if (req.method === 'GET' && path !== undefined) {
    const refused = await subscriptionInputRefusal(path, req);
    if (refused) {
      res.writeHead(refused.data.httpStatus, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: refused }));
      return;
    }
    if (path === EVENTS_STREAM) return stream(req, res);
  }
  handler(req, res);
}

/**
 * The body `req` may send: `server.maxBodyBytes` with a live session, SIGNED_OUT_BODY_BYTES without one.
 */
async function bodyLimit(
  req: IncomingMessage,
  deps: { engine: Engine; store: OperatorStore },
): Promise<{ bytes: number; key: string }> {
  const full = { bytes: deps.engine.config.server.maxBodyBytes, key: 'server.maxBodyBytes' };
  try {
    if (await requestUser(deps.store, req)) return full;
  } catch {
    // The journal cannot say (an outage): the procedure's own context answers 503 after the read.
    return full;
  }
  return { bytes: Math.min(full.bytes, SIGNED_OUT_BODY_BYTES), key: 'a request without a session' };
}

/**
 * Why `text` is not JSON, or undefined when it is (or is empty: a call that takes no input). tRPC reads a
 * call's input only for a procedure that takes one, so a procedure that takes none (`organism.reload`,
 * `auth.logout`) would run on a body that is not JSON at all: every body is read here first.
 */
function notJson(text: string): string | undefined {
  if (text.trim() === '') return undefined;
  try {
    JSON.parse(text);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

/** Whether `req` carries a live session; a journal that cannot say (an outage) is given the benefit. */
async function signedIn(req: IncomingMessage, deps: { store: OperatorStore }): Promise<boolean> {
  try {
    return (await requestUser(deps.store, req)) !== undefined;
  } catch {
    return true;
  }
}

/** The procedure at a dotted path (tRPC keeps every procedure under it), if there is one. */
function procedureAt(path: string): AnyProcedure | undefined {
  return (appRouter._def.procedures as unknown as Record<string, AnyProcedure | undefined>)[path];
}

/**
 * A subscription's input is checked before its SSE stream opens, so that a bad one (the retired
 * `listener` filter of events.stream) is a plain 400 INPUT_INVALID, as for a query, instead of a 200
 * stream carrying the error. Nothing is read or streamed for it.
 */
async function subscriptionInputRefusal(
  path: string,
  req: IncomingMessage,
): Promise<ApiErrorShape | undefined> {
  const proc = procedureAt(path);
  if (proc?._def.type !== 'subscription') return undefined;
  const url = new URL(req.url ?? '', 'http://localhost');
  const raw = url.searchParams.get('input');
  let input: unknown;
  try {
    // Checked as the procedure will get it: with a `Last-Event-Id` in place of the input's own.
    input = withLastEventId(raw === null ? undefined : JSON.parse(raw), url, req);
  } catch (cause) {
    return apiErrorShape(
      new TRPCError({ code: 'PARSE_ERROR', message: (cause as Error).message, cause }),
      path,
    );
  }
  for (const parser of proc._def.inputs as StandardSchemaV1[]) {
    const result = await parser['~standard'].validate(input);
    if (result.issues) {
      const cause = Object.assign(new Error('invalid input'), { issues: result.issues });
      return apiErrorShape(new TRPCError({ code: 'BAD_REQUEST', message: 'invalid input', cause }), path);
    }
  }
  return undefined;
}

/**
 * A known procedure called with the other method (GET on a mutation, POST on a query or subscription):
 * what to say, and the method to use. Unknown procedures are tRPC's to refuse (404).
 */
function wrongMethod(
  path: string | undefined,
  method: string | undefined,
): { message: string; allow: string } | undefined {
  for (const name of path?.split(',') ?? []) {
    const type = procedureAt(name)?._def.type;
    if (type === 'mutation' && method === 'GET')
      return { message: `${name} is a mutation: use POST, not GET`, allow: 'POST' };
    if ((type === 'query' || type === 'subscription') && method === 'POST')
      return { message: `${name} is a ${type}: use GET, not POST`, allow: 'GET' };
  }
  return undefined;
}

/** The part of the Standard Schema interface (zod implements it) that validates. */
interface StandardSchemaV1 {
  '~standard': {
    validate(
      value: unknown,
    ):
      | { issues?: readonly { message: string; path?: readonly unknown[] }[] }
      | Promise<{ issues?: readonly { message: string; path?: readonly unknown[] }[] }>;
  };
}

/** Answers with the same error body tRPC would write, so clients handle these refusals like any other. */
function refuse(
  res: ServerResponse,
  path: string | undefined,
  code:
    'METHOD_NOT_SUPPORTED' | 'UNSUPPORTED_MEDIA_TYPE' | 'PAYLOAD_TOO_LARGE' | 'BAD_REQUEST' | 'UNAUTHORIZED',
  message: string,
  headers: Record<string, string>,
): void {
  const engineCode = code === 'PAYLOAD_TOO_LARGE' || code === 'UNAUTHORIZED' ? code : 'INPUT_INVALID';
  const cause = new EngineError(engineCode, message, { problems: [{ message }] });
  const shape = apiErrorShape(new TRPCError({ code, message, cause }), path);
  sendJson(res, shape.data.httpStatus, { error: shape }, headers);
}

/** `/trpc/a.b,c.d?batch=1` → `a.b,c.d`; undefined when it cannot be read. */
function decodePath(url: string): string | undefined {
  try {
    return decodeURIComponent(url.split('?')[0]?.slice(BASE.length) ?? '') || undefined;
  } catch {
    return undefined;
  }
}
