import type { Log } from '@organism/shared';
import { backoffDelay } from '../../pump/backoff.ts';
import { isThenable } from '../../pump/is-thenable.ts';
import type { RetryPolicy } from '../../pump/listener.ts';
import type { ExtensionContext, ExtensionEvent, Route, Tract } from './extension-api.ts';
import { tractOf } from './extension-api.ts';

/** Events one handler may have waiting; past it new ones are dropped (and counted). */
export const QUEUE_CAPACITY = 1_000;
export const DEFAULT_TIMEOUT_MS = 30_000;
/** A handler's failures are logged at most once in this long (with how many came meanwhile): all are counted. */
export const LOG_EVERY_MS = 5_000;

/** What an operator sees of one handler (`extensions.list`). */
export interface HandlerCounts {
  tract: Tract | '*';
  event: string;
  /** Runs that ended well. */
  succeeded: number;
  /** Events whose every attempt failed (threw, rejected or timed out). */
  failed: number;
  /** Attempts that failed and were tried again. */
  retried: number;
  /** Attempts cut off at the timeout (counted in failed or retried too). */
  timedOut: number;
  /** Events dropped because the queue was full, or whose filter threw. */
  dropped: number;
  /** Events waiting. */
  queued: number;
  lastError: { message: string; at: number } | null;
}

/**
 * One handler of one extension, with a queue of its own: events are offered synchronously by the engine's
 * event bus (a filter call and a push, nothing else on the pump's path) and run one at a time, in order,
 * off that path. A handler that throws, rejects, hangs or is slow holds up only its own queue, and a hung
 * one only until its timeout.
 */
export class HandlerRunner {
  private readonly queue: ExtensionEvent[] = [];
  private running = false;
  private stopped = false;
  private readonly stopping = new AbortController();
  private readonly reporter: FailureReport;
  private readonly retry: RetryPolicy;
  private readonly timeoutMs: number;
  private readonly counts: Omit<HandlerCounts, 'tract' | 'event' | 'queued'> = {
    succeeded: 0,
    failed: 0,
    retried: 0,
    timedOut: 0,
    dropped: 0,
    lastError: null,
  };

  constructor(
    private readonly route: Route,
    private readonly extension: string,
    log: Log,
    private readonly capacity = QUEUE_CAPACITY,
  ) {
    this.retry = retryPolicyOf(route, { maxAttempts: 1, initialDelayMs: 100, maxDelayMs: 10_000 });
    this.timeoutMs = route.options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.reporter = new FailureReport(log, extension, route);
  }

  /** Takes an event the handler matches; never throws, never waits. */
  offer(event: ExtensionEvent): void {
    if (this.stopped) return;
    const { filter } = this.route.options;
    if (filter) {
      try {
        if (!filter(event)) return;
      } catch (err) {
        this.counts.dropped++;
        this.failed(err, `its filter threw on ${event.type}`);
        return;
      }
    }
    if (this.queue.length >= this.capacity) {
      this.counts.dropped++;
      return;
    }
    this.queue.push(event);
    if (!this.running) {
      this.running = true;
      // Off the emitter's call stack: the pump never runs a handler's code.
      setImmediate(() => void this.drain());
    }
  }

  snapshot(): HandlerCounts {
    return { tract: this.route.tract, event: this.route.event, ...this.counts, queued: this.queue.length };
  }

  /** Takes no more events, drops those waiting and aborts the one running. */
  stop(): void {
    this.stopped = true;
    this.queue.length = 0;
    this.stopping.abort();
  }

  private async drain(): Promise<void> {
    for (let event = this.queue.shift(); event && !this.stopped; event = this.queue.shift()) {
      await this.deliver(event);
    }
    this.running = false;
  }

  private async deliver(event: ExtensionEvent): Promise<void> {
    const { tract, event: name } = tractOf(event.type);
    for (let attempt = 1; ; attempt++) {
      try {
        await this.attempt(event, tract, name, attempt);
        this.counts.succeeded++;
        return;
      } catch (err) {
        if (this.stopped) return;
        if (attempt >= this.retry.maxAttempts) {
          this.counts.failed++;
          this.failed(err, `failed on ${event.type} after ${attempt} attempt(s)`);
          return;
        }
        this.counts.retried++;
        await sleep(backoffDelay(this.retry, attempt), this.stopping.signal);
      }
    }
  }

  private async attempt(event: ExtensionEvent, tract: Tract, name: string, attempt: number): Promise<void> {
    await runHandler(
      this.route,
      { event, tract, name, extension: this.extension, attempt },
      this.timeoutMs,
      this.stopping.signal,
      () => this.counts.timedOut++,
    );
  }

  private failed(err: unknown, what: string): void {
    this.counts.lastError = { message: errorText(err), at: Date.now() };
    this.reporter.report(err, what);
  }
}

/**
 * One run of a handler with its timeout: resolves when it returns (or its promise resolves), rejects when
 * it throws, rejects or outlives `timeoutMs` (its signal then aborts, as it does when `stopping` does).
 * The handler runs at once, on the caller's stack (both callers are off the pump's path already), and
 * its signal is made when it is first read: a handler that returns without a promise, most of them, costs
 * no signal, no listener on `stopping` and no timer (a durable extension runs one for every event of the
 * log, where these were a tenth of its time).
 */
export async function runHandler(
  route: Route,
  ctx: Omit<ExtensionContext, 'signal'>,
  timeoutMs: number,
  stopping: AbortSignal,
  onTimeout: () => void,
): Promise<void> {
  let controller: AbortController | undefined;
  const signal = (): AbortController => {
    if (controller) return controller;
    controller = new AbortController();
    if (stopping.aborted) controller.abort(new Error('the engine is stopping'));
    return controller;
  };
  const returned = route.handler({
    ...ctx,
    get signal() {
      return signal().signal;
    },
  });
  if (!isThenable(returned)) return;
  const stop = (): void => signal().abort(new Error('the engine is stopping'));
  stopping.addEventListener('abort', stop, { once: true });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onTimeout();
      const err = new Error(`timed out after ${timeoutMs} ms`);
      // Rejected before the signal aborts: a handler that settles on the abort has run out of time all the same.
      reject(err);
      signal().abort(err);
    }, timeoutMs);
  });
  try {
    const run = Promise.resolve(returned);
    // A run that outlives its timeout is left to finish on its own; its outcome no longer counts.
    run.catch(() => undefined);
    await Promise.race([run, timeout]);
  } finally {
    clearTimeout(timer);
    stopping.removeEventListener('abort', stop);
  }
}

/** The retry policy of a handler: its own options over `defaults`. */
export function retryPolicyOf(route: Route, defaults: RetryPolicy): RetryPolicy {
  const r = route.options.retry ?? {};
  return {
    maxAttempts: Math.max(1, r.maxAttempts ?? defaults.maxAttempts),
    initialDelayMs: r.initialDelayMs ?? defaults.initialDelayMs,
    maxDelayMs: r.maxDelayMs ?? defaults.maxDelayMs,
  };
}

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Logs a handler's failures at most once every LOG_EVERY_MS, saying how many came meanwhile: a handler
 * failing on every event would otherwise write a stack per event.
 */
export class FailureReport {
  private loggedAt = -Infinity;
  private unlogged = 0;

  constructor(
    private readonly log: Log,
    private readonly extension: string,
    private readonly route: Pick<Route, 'tract' | 'event'>,
  ) {}

  report(err: unknown, what: string): void {
    const now = Date.now();
    if (now - this.loggedAt < LOG_EVERY_MS) {
      this.unlogged++;
      return;
    }
    const more = this.unlogged > 0 ? ` (and ${this.unlogged} more failures since the last report)` : '';
    this.loggedAt = now;
    this.unlogged = 0;
    this.log.error(
      { err, extension: this.extension, tract: this.route.tract, on: this.route.event },
      `extension ${this.extension}: handler for ${this.route.tract}.${this.route.event} ${what}${more}`,
    );
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
