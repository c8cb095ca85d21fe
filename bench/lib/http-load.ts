/**
 * An HTTP load generator for the benches, Node only: N keep-alive connections (default 64), each with
 * one request in flight, to one server or spread evenly over several (`urls`).
 *
 * - Closed loop (no `rate`): every connection sends its next request as soon as the last one is
 *   answered, for `seconds` or until `requests` were sent.
 * - Open loop (`rate`): requests are due at a fixed rate whatever the server does; one waits for a free
 *   connection if all are busy, and its latency counts from when it was due, not from when it could be
 *   sent, so a server that stalls shows it in the latencies (no coordinated omission).
 *
 * Two transports: `raw` writes each request, prebuilt, on a `net` socket and reads the status line and
 * Content-Length of the answer (or the end of a chunked body) itself; `agent` goes through `node:http`
 * with `Agent({ keepAlive: true, maxSockets: N })`. `raw` is the default: on the empty handler it reaches
 * about twice the rate of `agent` on these machines (the limits bench measures both), so the client is
 * less often what limits a figure.
 */
import { Agent, request } from 'node:http';
import { connect } from 'node:net';
import type { Socket } from 'node:net';

export type Transport = 'raw' | 'agent';

export interface LoadOptions {
  /** `http://host:port` */
  url?: string;
  /**
   * Several servers instead of one `url`: the connections are spread over them evenly, connection k to
   * `urls[k % urls.length]`.
   */
  urls?: readonly string[];
  path: string;
  method?: string;
  headers?: Record<string, string>;
  /** Request bodies, sent in turn. */
  bodies: readonly (string | Buffer)[];
  connections?: number;
  seconds?: number;
  requests?: number;
  /** Requests per second (open loop); absent: as fast as answered (closed loop). */
  rate?: number;
  /**
   * Open loop: how long after the last request was due those still waiting for a connection may be
   * sent; the rest are counted as `unsent` (default 10 s). A server slower than the rate is then seen
   * in `perSecond`, `unsent` and the latencies rather than in a run that never ends.
   */
  graceSeconds?: number;
  transport?: Transport;
}

export interface LoadResult {
  /** Requests answered (any status), and socket errors. */
  requests: number;
  /** Open loop: requests still waiting for a connection when the grace period ended (never sent). */
  unsent: number;
  seconds: number;
  perSecond: number;
  /** Answers by status (`"202": 1234`), `"error"` for a connection that failed under a request. */
  statuses: Record<string, number>;
  latencyMs: { p50: number; p99: number; max: number; mean: number };
}

type Done = (status: number) => void;
interface Client {
  send(i: number, done: Done): void;
  close(): void;
}

export async function load(opts: LoadOptions): Promise<LoadResult> {
  const n = opts.connections ?? 64;
  const transport = opts.transport ?? 'raw';
  if (opts.seconds === undefined && opts.requests === undefined)
    throw new Error('load: give seconds, requests or both');
  const urls = opts.urls ?? (opts.url === undefined ? [] : [opts.url]);
  if (urls.length === 0) throw new Error('load: give url or urls');
  const targets = urls.map((u): Target => {
    const url = new URL(u);
    return { host: url.hostname, port: Number(url.port), path: opts.path, method: opts.method ?? 'POST' };
  });
  const target = (k: number): Target => targets[k % targets.length] as Target;
  const bodies = opts.bodies.map((b) => (typeof b === 'string' ? Buffer.from(b) : b));
  const clients =
    transport === 'raw'
      ? Array.from({ length: n }, (_, k) => new RawClient(target(k), opts.headers ?? {}, bodies))
      : targets.flatMap((t, j) =>
          agentClients(
            Math.floor(n / targets.length) + (j < n % targets.length ? 1 : 0),
            t,
            opts.headers ?? {},
            bodies,
          ),
        );
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  const count = (status: number, dueAt: number): void => {
    const key = status === 0 ? 'error' : String(status);
    statuses[key] = (statuses[key] ?? 0) + 1;
    latencies.push(performance.now() - dueAt);
  };
  const t0 = performance.now();
  const deadline = opts.seconds === undefined ? Infinity : t0 + opts.seconds * 1000;
  const limit = opts.requests ?? Infinity;
  let sent = 0;
  let answered = 0;
  let unsent = 0;
  let end = t0;

  await new Promise<void>((finished) => {
    let stopped = false;
    const settle = (): void => {
      answered++;
      end = performance.now();
      if (stopped && answered === sent) finished();
    };
    if (opts.rate === undefined) {
      const next = (c: Client): void => {
        if (sent >= limit || performance.now() >= deadline) {
          stopped = true;
          if (answered === sent) finished();
          return;
        }
        const i = sent++;
        const at = performance.now();
        c.send(i, (status) => {
          count(status, at);
          next(c);
          settle();
        });
      };
      for (const c of clients) next(c);
      return;
    }
    // Open loop: a 1 ms tick makes every request due by now pending; free connections take them in order.
    const rate = opts.rate;
    const total = Math.min(limit, opts.seconds === undefined ? Infinity : Math.floor(rate * opts.seconds));
    const idle = [...clients];
    const pending: { i: number; due: number }[] = [];
    let scheduled = 0;
    const dispatch = (): void => {
      while (idle.length > 0 && pending.length > 0) {
        const c = idle.pop() as Client;
        const job = pending.shift() as { i: number; due: number };
        sent++;
        c.send(job.i, (status) => {
          count(status, job.due);
          idle.push(c);
          dispatch();
          settle();
        });
      }
    };
    const graceEnd = t0 + (total / rate + (opts.graceSeconds ?? 10)) * 1000;
    const tick = setInterval(() => {
      const due = Math.min(total, Math.floor(((performance.now() - t0) * rate) / 1000) + 1);
      for (; scheduled < due; scheduled++)
        pending.push({ i: scheduled, due: t0 + (scheduled * 1000) / rate });
      dispatch();
      if (scheduled < total) return;
      stopped = true;
      if (pending.length > 0 && performance.now() > graceEnd) {
        unsent += pending.length;
        pending.length = 0;
      }
      if (pending.length === 0) {
        clearInterval(tick);
        if (answered === sent) finished();
      }
    }, 1);
  });
  for (const c of clients) c.close();
  const seconds = (end - t0) / 1000;
  return {
    requests: answered,
    unsent,
    seconds,
    perSecond: answered / seconds,
    statuses,
    latencyMs: summary(latencies),
  };
}

/** p50, p99, max and mean of samples in ms. */
export function summary(samples: number[]): LoadResult['latencyMs'] {
  if (samples.length === 0) return { p50: NaN, p99: NaN, max: NaN, mean: NaN };
  const s = Float64Array.from(samples).sort();
  const pick = (q: number): number => s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
  let sum = 0;
  for (const v of s) sum += v;
  return { p50: pick(0.5), p99: pick(0.99), max: s[s.length - 1] ?? NaN, mean: sum / s.length };
}

/** One line for a load result: rate, statuses, latencies. */
export function describeLoad(r: LoadResult): string {
  const st = Object.entries(r.statuses)
    .map(([k, v]) => `${k}×${v}`)
    .join(' ');
  const l = r.latencyMs;
  const unsent = r.unsent ? `, ${r.unsent} never sent` : '';
  return `${Math.round(r.perSecond).toLocaleString('en-US')} req/s over ${r.seconds.toFixed(1)} s, ${st}${unsent}, p50 ${l.p50.toFixed(2)} ms p99 ${l.p99.toFixed(2)} ms max ${l.max.toFixed(1)} ms`;
}

interface Target {
  host: string;
  port: number;
  path: string;
  method: string;
}

const HEADER_END = Buffer.from('\r\n\r\n');
const CHUNKED_END = Buffer.from('\r\n0\r\n\r\n');

/** One keep-alive connection on a plain socket, one request at a time; reconnects after a close. */
class RawClient implements Client {
  private socket: Socket | undefined;
  private buf: Buffer = Buffer.alloc(0);
  private done: Done | undefined;
  private closed = false;
  private readonly requests: Buffer[];

  constructor(
    private readonly target: Target,
    headers: Record<string, string>,
    bodies: Buffer[],
  ) {
    const head = Object.entries(headers)
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join('');
    this.requests = bodies.map((body) =>
      Buffer.concat([
        Buffer.from(
          `${target.method} ${target.path} HTTP/1.1\r\nhost: ${target.host}:${target.port}\r\n${head}content-length: ${body.length}\r\n\r\n`,
        ),
        body,
      ]),
    );
  }

  send(i: number, done: Done): void {
    this.done = done;
    const socket = this.socket ?? this.open();
    socket.write(this.requests[i % this.requests.length] as Buffer);
  }

  close(): void {
    this.closed = true;
    this.socket?.destroy();
  }

  private open(): Socket {
    const socket = connect({ host: this.target.host, port: this.target.port });
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.read(chunk));
    const lost = (): void => {
      if (this.socket === socket) this.socket = undefined;
      this.buf = Buffer.alloc(0);
      this.finish(0);
    };
    socket.on('error', lost);
    socket.on('close', lost);
    this.socket = socket;
    return socket;
  }

  private read(chunk: Buffer): void {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    const headerEnd = this.buf.indexOf(HEADER_END);
    if (headerEnd < 0) return;
    const head = this.buf.toString('latin1', 0, headerEnd);
    const bodyStart = headerEnd + 4;
    let end: number;
    const length = /\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1];
    if (length !== undefined) end = bodyStart + Number(length);
    else if (/\r\ntransfer-encoding:\s*chunked/i.test(head)) {
      const at = this.buf.indexOf(CHUNKED_END, bodyStart - 2);
      if (at < 0) return;
      end = at + CHUNKED_END.length;
    } else end = bodyStart;
    if (this.buf.length < end) return;
    this.buf = this.buf.subarray(end);
    const close = /\r\nconnection:\s*close/i.test(head);
    if (close) {
      const socket = this.socket;
      this.socket = undefined;
      socket
        ?.removeAllListeners('close')
        .removeAllListeners('error')
        .on('error', () => {});
      socket?.destroy();
      this.buf = Buffer.alloc(0);
    }
    this.finish(Number(head.slice(9, 12)));
  }

  private finish(status: number): void {
    const done = this.done;
    this.done = undefined;
    if (done && !(this.closed && status === 0)) done(status);
  }
}

/** N request slots through one keep-alive agent of N sockets. */
function agentClients(
  n: number,
  target: Target,
  headers: Record<string, string>,
  bodies: Buffer[],
): Client[] {
  const agent = new Agent({ keepAlive: true, maxSockets: n });
  const slot = (): Client => ({
    send(i, done) {
      const body = bodies[i % bodies.length] as Buffer;
      const req = request(
        {
          agent,
          host: target.host,
          port: target.port,
          path: target.path,
          method: target.method,
          headers: { ...headers, 'content-length': body.length },
        },
        (res) => {
          res.resume();
          res.on('end', () => done(res.statusCode ?? 0));
        },
      );
      req.on('error', () => done(0));
      req.end(body);
    },
    close() {
      agent.destroy();
    },
  });
  return Array.from({ length: n }, slot);
}
