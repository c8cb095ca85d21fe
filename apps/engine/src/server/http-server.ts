import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import type { Engine } from '../engine.ts';
import type { OperatorStore } from '../journal/index.ts';
import { createLogger } from '../logging/logger.ts';
import type { Logger } from '../logging/logger.ts';
import { appRouter } from '../api/app-router.ts';
import { createContext } from '../api/context.ts';
import { LoginLimiter } from '../api/login-limiter.ts';
import { handleIngress } from './ingress.ts';
import { GracefulCloser } from './graceful-closer.ts';
import type { CloseReport } from './graceful-closer.ts';
import { createMetrics } from './metrics.ts';
import { sendJson } from './send-json.ts';

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
 * The engine's one HTTP server: `POST /messages` (XML ingress), `GET /healthz`, `GET /metrics`
 * (Prometheus) and tRPC at `/trpc` (queries, mutations and SSE subscriptions). Failures are logged to
 * `opts.logger` (default: human lines on stderr) with cause and stack, never put in a response.
 */
export async function startServer(
  engine: Engine,
  store: OperatorStore,
  opts: { host: string; port: number; logger?: Logger },
): Promise<RunningServer> {
  const log = (opts.logger ?? createLogger({ format: 'pretty', level: 'info' })).child({ component: 'http' });
  const limiter = new LoginLimiter();
  const metrics = createMetrics(engine);
  const trpc = createHTTPHandler({
    router: appRouter,
    basePath: '/trpc/',
    createContext: ({ req, res }) => createContext({ engine, store, limiter }, req, res),
    onError({ error, path }) {
      if (error.code === 'INTERNAL_SERVER_ERROR')
        log.error({ err: error.cause ?? error, path: path ?? null }, `tRPC ${path ?? '?'} failed`);
    },
  });
  const checkToken = async (token: string): Promise<string | undefined> =>
    (await store.tokenValid(token))?.name;

  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (path.startsWith('/trpc/')) return trpc(req, res);
    const route = `${req.method ?? 'GET'} ${path}`;
    const done = (p: Promise<void>): void => {
      p.catch((err: unknown) => {
        // A connection that closed under the request (the client left, or a close cut it) is no engine fault.
        if (req.destroyed) log.warn({ err, route }, `${route}: the connection closed before it was answered`);
        else log.error({ err, route }, `${route} failed`);
        if (!res.headersSent) sendJson(res, 500, { error: { code: 'INTERNAL', message: 'internal error' } });
        else res.destroy();
      });
    };
    switch (route) {
      case 'POST /messages':
        return done(handleIngress(req, res, engine, checkToken));
      case 'GET /healthz': {
        const status = engine.status();
        return sendJson(res, status.state === 'running' ? 200 : 503, {
          status: status.state === 'running' ? 'ok' : status.state,
          organism: status.organism,
          durability: status.durability,
        });
      }
      case 'GET /metrics':
        return done(
          metrics.metrics().then((text) => {
            res.writeHead(200, { 'content-type': metrics.contentType });
            res.end(text);
          }),
        );
      default:
        return sendJson(res, path === '/messages' ? 405 : 404, {
          error: { code: 'NOT_FOUND', message: `no route ${route}` },
        });
    }
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
