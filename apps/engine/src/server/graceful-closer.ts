import type { IncomingMessage, Server, ServerResponse } from 'node:http';

/** How a server close went: `cut` counts the requests still running at the deadline, ended by force. */
export interface CloseReport {
  cut: number;
}

/**
 * Closes an HTTP server without cutting responses: stops accepting, closes idle keep-alive connections,
 * lets requests in flight finish (their connections close after the response), and only at the
 * deadline destroys what is left. Event streams (SSE) never finish by themselves, so they are ended at
 * once; their clients reconnect. Attach before the server receives its first request.
 */
export class GracefulCloser {
  private readonly active = new Set<ServerResponse>();
  private closing = false;
  private settle: (() => void) | undefined;

  constructor(private readonly server: Server) {
    // Prepended: it must see each response before the handler can send its headers.
    server.prependListener('request', (_req: IncomingMessage, res: ServerResponse) => this.track(res));
  }

  /** Requests whose responses have not finished. */
  get inFlight(): number {
    return this.active.size;
  }

  /**
   * Closes the server, waiting up to `graceMs` for requests in flight. Rejects only when the server
   * cannot be closed (it was not listening).
   */
  async close(graceMs: number): Promise<CloseReport> {
    this.closing = true;
    const closed = new Promise<void>((resolve, reject) =>
      // node:http's close() also closes idle keep-alive connections (Node ≥ 19).
      this.server.close((err) => (err ? reject(err) : resolve())),
    );
    for (const res of this.active) {
      if (isEventStream(res)) res.destroy();
      else if (!res.headersSent) res.setHeader('connection', 'close');
    }
    let timer: NodeJS.Timeout | undefined;
    const finished = new Promise<void>((resolve) => {
      this.settle = resolve;
      if (this.active.size === 0) resolve();
    });
    const cut = await Promise.race([
      finished.then(() => 0),
      new Promise<number>((resolve) => (timer = setTimeout(() => resolve(this.active.size), graceMs))),
    ]);
    clearTimeout(timer);
    this.server.closeAllConnections();
    await closed;
    return { cut };
  }

  private track(res: ServerResponse): void {
    this.active.add(res);
    // A request that arrives on a kept-alive connection while closing is served, then its connection closes.
    if (this.closing) res.setHeader('connection', 'close');
    res.once('close', () => {
      this.active.delete(res);
      if (!this.closing) return;
      // Its response is done: a connection kept alive after it is now idle and may go.
      this.server.closeIdleConnections();
      if (this.active.size === 0) this.settle?.();
    });
  }
}

function isEventStream(res: ServerResponse): boolean {
  const type = res.getHeader('content-type');
  return typeof type === 'string' && type.startsWith('text/event-stream');
}
