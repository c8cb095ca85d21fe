import type { IncomingMessage, ServerResponse } from 'node:http';
import { isTrackedEnvelope, TRPCError } from '@trpc/server';
import type { StreamItem } from '@organism/shared';
import type { Logger } from '../logging/logger.ts';
import { appRouter } from '../api/app-router.ts';
import type { ApiContext } from '../api/context.ts';
import { apiErrorShape, toTRPCError } from '../api/error-map.ts';
import { SSE } from '../api/trpc.ts';
import type { OperatorStore } from '../journal/index.ts';
import type { SessionWatch } from './session-watch.ts';

export const EVENTS_STREAM = 'events.stream';

/**
 * `GET /trpc/events.stream`, the console's live stream, written here in tRPC's SSE format rather than
 * by tRPC's SSE producer. That producer serializes every item once per subscriber and pipes it through
 * four web streams to the socket: with 20 consoles open it cost the engine 0.6 of its throughput
 * (bench/NOTES.md, "The event stream"). Here an item is serialized once, however many subscribers
 * send it (those that keep up share the hub's items), and each item is one write, waiting for the
 * socket to drain before the next (a slow console gets larger items, never an unbounded buffer).
 *
 * The procedure is still tRPC's (`createCaller`): its role check, input schema and the hub's stream
 * are the same code. A call it refuses (not signed in, say) goes to `fallback`, tRPC's own handler,
 * which answers it exactly as it answers any other subscription.
 *
 * The stream lives as long as its session: `sessions` asks the store again (SessionWatch), and a stream
 * whose session ended (signed out, its user removed, expired) ends with an `UNAUTHORIZED` error frame.
 */
export async function serveEventStream(
  req: IncomingMessage,
  res: ServerResponse,
  context: () => Promise<ApiContext>,
  fallback: () => void,
  log: Logger,
  watch: { sessions: SessionWatch; store: OperatorStore },
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  let ctx: ApiContext;
  try {
    ctx = await context();
  } catch {
    fallback();
    return;
  }
  const abort = new AbortController();
  const stop = (): void => abort.abort();
  res.once('close', stop);
  let stream: AsyncIterable<unknown>;
  try {
    const caller = appRouter.createCaller(ctx, { signal: abort.signal });
    stream = await caller.events.stream(streamInput(url, req) as never);
  } catch {
    res.off('close', stop);
    fallback();
    return;
  }
  // Set one by one, not in writeHead: a server closing finds event streams by their content type.
  res.setHeader('content-type', 'text/event-stream');
  res.setHeader('cache-control', 'no-cache, no-transform');
  res.setHeader('x-accel-buffering', 'no');
  if (!res.hasHeader('connection')) res.setHeader('connection', 'keep-alive');
  res.writeHead(200);
  let last = Date.now();
  const write = async (frame: string | Buffer): Promise<void> => {
    last = Date.now();
    if (res.write(frame)) return;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        res.off('drain', done);
        res.off('close', done);
        resolve();
      };
      res.on('drain', done);
      res.on('close', done);
    });
  };
  let sessionEnded = false;
  const token = ctx.sessionToken;
  const unwatch = watch.sessions.add(() => {
    if (!token || abort.signal.aborted) return;
    watch.store.sessionUser(token).then(
      (user) => {
        if (user || abort.signal.aborted) return;
        sessionEnded = true;
        abort.abort();
      },
      // The journal cannot say (an outage): the stream goes on, and the next round asks again.
      () => undefined,
    );
  });
  const ping = setInterval(() => {
    if (Date.now() - last >= SSE.ping.intervalMs && !res.writableEnded)
      void write('event: ping\ndata: \n\n\n');
  }, SSE.ping.intervalMs / 4);
  ping.unref();
  try {
    await write(`event: connected\ndata: ${JSON.stringify(SSE.client)}\n\n\n`);
    for await (const value of stream) {
      if (abort.signal.aborted) break;
      const [id, item] = isTrackedEnvelope(value) ? value : [undefined, value];
      await write(encodeFrame(id === undefined ? undefined : String(id), item as StreamItem));
    }
    if (!abort.signal.aborted) await write('event: return\ndata: \n\n\n');
  } catch (err) {
    if (sessionEnded) return;
    if (!abort.signal.aborted) {
      const error = toTRPCError(err);
      if (error.code === 'INTERNAL_SERVER_ERROR')
        log.error(
          { err: error.cause ?? error, path: EVENTS_STREAM },
          `tRPC subscription ${EVENTS_STREAM} failed`,
        );
      const shape = apiErrorShape(error, EVENTS_STREAM);
      await write(`event: serialized-error\ndata: ${JSON.stringify(shape)}\n\n\n`);
    }
  } finally {
    unwatch();
    clearInterval(ping);
    res.off('close', stop);
    if (sessionEnded && !res.writableEnded) {
      const error = new TRPCError({ code: 'UNAUTHORIZED', message: 'your session has ended: sign in again' });
      res.write(
        `event: serialized-error\ndata: ${JSON.stringify(apiErrorShape(error, EVENTS_STREAM))}\n\n\n`,
      );
    }
    res.end();
  }
}

/**
 * The call's input as tRPC gives it to a subscription: `?input=` with the `Last-Event-Id` header (or the
 * `lastEventId` query parameter, which EventSource polyfills send) in place of its own `lastEventId`.
 * The input was already checked (trpc-endpoint.ts); a part that cannot be read is left to the schema.
 */
function streamInput(url: URL, req: IncomingMessage): unknown {
  const raw = url.searchParams.get('input');
  return withLastEventId(raw === null ? undefined : JSON.parse(raw), url, req);
}

/** `input` with the request's `Last-Event-Id` (header or query parameter) in place of its own, as tRPC does. */
export function withLastEventId(parsed: unknown, url: URL, req: IncomingMessage): unknown {
  let input = parsed;
  const header = req.headers['last-event-id'];
  const lastEventId =
    (Array.isArray(header) ? header[0] : header) ??
    url.searchParams.get('lastEventId') ??
    url.searchParams.get('Last-Event-Id');
  if (lastEventId) {
    if (input !== null && typeof input === 'object' && !Array.isArray(input))
      input = { ...input, lastEventId };
    else input ??= { lastEventId };
  }
  return input;
}

/**
 * The hub hands every subscriber the same engine events and the same activity each tick: each is
 * serialized and encoded once, when the first subscriber sends it, and its bytes are kept for as long
 * as the object lives. An item's transitions, the bulk of the stream, are serialized together in one
 * call: the item is shared whole (`frames`, below), and one call for the list cost the engine less
 * than a string kept per transition (bench/NOTES.md, "The event stream, 2026-12-03").
 */
const encoded = new WeakMap<object, Buffer>();

function once(value: object): Buffer {
  let bytes = encoded.get(value);
  if (bytes === undefined) {
    bytes = Buffer.from(JSON.stringify(value));
    encoded.set(value, bytes);
  }
  return bytes;
}

const COMMA = Buffer.from(',');
const OPEN_LIST = Buffer.from('[');
const CLOSE = Buffer.from('}');

/**
 * Frames already encoded, by item: subscribers that keep up share their `changes` items (the hub's
 * SharedItems), so each such frame is encoded once and the same bytes are written to every socket.
 */
const frames = new WeakMap<StreamItem, { id: string | undefined; frame: Buffer }>();

/** One SSE frame of `item` (tRPC's layout: `data:`, then `id:`, then a blank line and one more). */
export function encodeFrame(id: string | undefined, item: StreamItem): Buffer {
  const known = frames.get(item);
  if (known && known.id === id) return known.frame;
  const frame = frameOf(id, item);
  frames.set(item, { id, frame });
  return frame;
}

function frameOf(id: string | undefined, item: StreamItem): Buffer {
  const parts: Buffer[] = [Buffer.from('data: ')];
  if (item.kind === 'activity') {
    const { activity, ...rest } = item;
    parts.push(head(rest, 'activity'), once(activity), CLOSE);
  } else if (item.kind === 'changes') {
    const { transitions, events, ...rest } = item;
    parts.push(head(rest, 'events'), OPEN_LIST);
    events.forEach(({ event, ...place }, i) => {
      if (i > 0) parts.push(COMMA);
      parts.push(head(place, 'event'), once(event), CLOSE);
    });
    parts.push(Buffer.from('],"transitions":'), Buffer.from(JSON.stringify(transitions)), CLOSE);
  } else parts.push(Buffer.from(JSON.stringify(item)));
  parts.push(Buffer.from(id === undefined ? '\n\n\n' : `\nid: ${id}\n\n\n`));
  return Buffer.concat(parts);
}

/** An item's JSON as the stream sends it: `JSON.stringify(item)`, its keys perhaps in another order. */
export function encodeItem(item: StreamItem): string {
  const frame = encodeFrame(undefined, item).toString();
  return frame.slice('data: '.length, -'\n\n\n'.length);
}

/** `rest`'s JSON opened for one more key, `key`: `{"kind":"changes","events":[],"transitions":`. */
function head(rest: object, key: string): Buffer {
  const json = JSON.stringify(rest);
  return Buffer.from(`${json.slice(0, -1)}${json.length > 2 ? ',' : ''}"${key}":`);
}
