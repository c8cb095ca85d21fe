import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Engine } from '../engine.ts';
import type { OperatorStore } from '../journal/index.ts';
import { createLogger } from '../logging/logger.ts';
import type { Logger } from '../logging/logger.ts';
import { LoginLimiter } from '../api/login-limiter.ts';
import { RefusalAudit } from '../api/refusal-audit.ts';
import { answerClientError } from './client-error.ts';
import { DRAIN_LIMIT } from './read-body.ts';
import { handleHealthz } from './healthz.ts';
import { handleIngress } from './ingress.ts';
import type { TokenCheck } from './ingress.ts';
import { GracefulCloser } from './graceful-closer.ts';
import type { CloseReport } from './graceful-closer.ts';
import { createMetrics } from './metrics.ts';
import { sendJson } from './send-json.ts';
import { SessionWatch } from './session-watch.ts';
import { createTrpcEndpoint } from './trpc-endpoint.ts';

export interface RunningServer {
  url: string;
  server: Server;
  /**
   * Stops accepting, lets requests in flight finish for up to `graceMs` (default 10 s), then cuts the
   * rest; see GracefulCloser.
   */
  close(graceMs?: number): Promise<CloseReport>;
}

/**
 * Answers 500 (or ends the connection, once the answer has begun) when a route's promise fails, and logs
 * it. At module level, not a closure per request (CONTRIBUTING.md).
 */
function answered(
  p: Promise<void>,
  req: IncomingMessage,
  res: ServerResponse,
  route: string,
  log: Logger,
): void {
  p.catch((err: unknown) => {
    // A connection that closed under the request (the client left, or a close cut it) is no engine fault,
    // and is the caller's business: noted at debug level, with no stack (hundreds of clients that drop
    // their uploads must not fill the log).
    if (req.destroyed)
      log.debug(
        { route, reason: err instanceof Error ? err.message : String(err) },
        `${route}: the connection closed before it was answered`,
      );
    else log.error({ err, route }, `${route} failed`);
    if (!res.headersSent) sendJson(res, 500, { error: { code: 'INTERNAL', message: 'internal error' } });
    else res.destroy();
  });
}

/** How long an idle keep-alive connection stays open (a stop closes idle ones at once). */
export const KEEP_ALIVE_MS = 65_000;
/** A `.` or `..` path segment, also written with `%2e`. */
const DOT_SEGMENT = /(^|\/)(\.|%2e){1,2}(\/|$)/i;
/** The methods each route outside tRPC answers; another is 405 with `Allow`. */
const METHODS: Readonly<Record<string, readonly string[]>> = {
  '/messages': ['POST'],
  '/healthz': ['GET', 'HEAD'],
  '/metrics': ['GET', 'HEAD'],
};
/** How long a request's headers and body may take to arrive (`server.requestTimeout`). */
export const REQUEST_TIMEOUT_MS = 60_000;

/**
 * The engine's one HTTP server: `POST /messages` (XML ingress), `GET /healthz`, `GET /metrics`
 * (Prometheus) and tRPC at `/trpc` (queries, mutations and SSE subscriptions). Failures are logged to
 * `opts.logger` (default: human lines on stderr) with cause and stack, never put in a response.
 */
export async function startServer(
  engine: Engine,
  store: OperatorStore,
  opts: {
    host: string;
    port: number;
    logger?: Logger;
    /** How long a request's headers and body may take to arrive. Default REQUEST_TIMEOUT_MS (tests: less). */
    requestTimeoutMs?: number;
    /** How often open event streams look whether their sessions still live. Default SESSION_RECHECK_MS. */
    sessionRecheckMs?: number;
  },
): Promise<RunningServer> {
  const log = (opts.logger ?? createLogger({ format: 'pretty', level: 'info' })).child({ component: 'http' });
  const limiter = new LoginLimiter();
  const metrics = createMetrics(engine);
  const trpc = createTrpcEndpoint(
    { engine, store, limiter, refusals: new RefusalAudit() },
    log,
    new SessionWatch(opts.sessionRecheckMs),
  );
  const checkToken: TokenCheck = (token) => store.tokenValid(token);

  // A request's headers and body within a minute (Node's default is five), looked at every 5 s (the
  // default, 30 s): a client that sends a body slowly, on purpose or not, holds what it sent about that
  // long at most, and is answered 408.
  const requestTimeout = opts.requestTimeoutMs ?? REQUEST_TIMEOUT_MS;
  const server = createServer(
    { requestTimeout, connectionsCheckingInterval: Math.min(5_000, requestTimeout) },
    (req, res) => {
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      // `/trpc/x/../events.stream` would be routed here as one thing and read by tRPC as another.
      if (DOT_SEGMENT.test(path))
        return sendJson(res, 400, {
          error: {
            code: 'INPUT_INVALID',
            message: `the path ${path} has a . or .. segment: send it resolved`,
          },
        });
      if (path.startsWith('/trpc/')) return trpc(req, res);
      const route = `${req.method ?? 'GET'} ${path}`;
      switch (route) {
        case 'POST /messages':
          return answered(handleIngress(req, res, engine, checkToken), req, res, route, log);
        // HEAD answers as GET does, without the body (node:http leaves it out): monitors that probe with
        // HEAD see the same status.
        case 'GET /healthz':
        case 'HEAD /healthz':
          return handleHealthz(res, engine);
        case 'GET /metrics':
        case 'HEAD /metrics':
          return answered(
            metrics.metrics().then((text) => {
              res.writeHead(200, { 'content-type': metrics.contentType });
              res.end(text);
            }),
            req,
            res,
            route,
            log,
          );
        default: {
          const allowed = METHODS[path];
          if (allowed)
            return sendJson(
              res,
              405,
              {
                error: {
                  code: 'INPUT_INVALID',
                  message: `use ${allowed.join(' or ')} for ${path}, not ${req.method ?? '?'}`,
                },
              },
              { allow: allowed.join(', ') },
            );
          return sendJson(res, 404, { error: { code: 'NOT_FOUND', message: `no route ${route}` } });
        }
      }
    },
  );
  // A client that keeps its connection between requests (the console's proxy, a load balancer, a producer's
  // agent) fails a request it sends as the server closes that connection for being idle ("socket hang up").
  // Node closes one after 5 s; kept longer than such clients usually wait (60 s), they close it first.
  server.keepAliveTimeout = KEEP_ALIVE_MS;
  // Headers within the request's time (Node checks neither while a kept connection waits between requests,
  // and one longer than the request's own time keeps Node from ever timing the body).
  server.headersTimeout = requestTimeout;
  // What node:http refuses itself (too slow, headers too large, not HTTP) gets the JSON error too.
  server.on('clientError', (err: Error, socket) => answerClientError(err, socket, requestTimeout));
  // A client that asks before it uploads (`Expect: 100-continue`) is told to go on only when its body
  // could be read: one declared past every limit is answered 413 at once, without the 100 that would
  // have had it send megabytes only to be refused.
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
    const declared = Number(req.headers['content-length'] ?? NaN);
    const { server: limits, pump } = engine.config;
    const readable = Math.max(DRAIN_LIMIT, limits.maxBodyBytes, pump.maxMessageBytes);
    if (!(Number.isFinite(declared) && declared > readable)) res.writeContinue();
    server.emit('request', req, res);
  });
  const closer = new GracefulCloser(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const { address, port } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  return {
    url: `http://${host}:${port}`,
    server,
    close: (graceMs = 10_000) => closer.close(graceMs),
  };
}
