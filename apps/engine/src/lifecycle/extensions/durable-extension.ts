import type { Log } from '@organism/shared';
import type { ExtensionStore, FailurePlace } from '../../journal/extensions/extension-store.ts';
import type { Journal } from '../../journal/journal.ts';
import type { RetryPolicy } from '../../pump/listener.ts';
import { DispatchLog, readEvents } from './dispatch-log.ts';
import { DurableFailures } from './durable-failures.ts';
import type { DueFailure, DurableFailure } from './durable-failures.ts';
import { ExtensionCursor } from './extension-cursor.ts';
import type { LoggedEvent } from './dispatch-log.ts';
import type { DispatchEvent, Route } from './extension-api.ts';
import { tractOf } from './extension-api.ts';
import { DEFAULT_TIMEOUT_MS, errorText, FailureReport, retryPolicyOf, runHandler } from './handler-runner.ts';
import type { HandlerCounts } from './handler-runner.ts';

/** Rows of the event log per read (more when a hop's outputs do not fit). */
const PAGE = 500;
/** Rows before the cursor read at start, to know which threads were already under way. */
const PRIME = 2_000;
/**
 * The least time from one read of the log to the next: the commits that come meanwhile are read
 * together. Each read after another connection's commit finds SQLite's page cache stale and reads its
 * pages again (about 0.1–0.2 ms a read on a 2-core machine, whatever it finds); woken at every commit, a
 * durable extension's reads and counts took about a fifth of a lightly loaded engine's thread
 * (bench/NOTES.md, "A lightly loaded engine, warmed"). Its handlers hear an event this much later at most.
 */
export const READ_EVERY_MS = 100;
/** A durable handler's retries unless it says otherwise: 5 attempts, from 1 s doubling to 1 min. */
export const DURABLE_RETRY: RetryPolicy = { maxAttempts: 5, initialDelayMs: 1_000, maxDelayMs: 60_000 };

/** A durable extension's place in the event log, as operators see it. */
export interface DurableState {
  /** The last event-log sequence number its handlers have run for. */
  cursor: number;
  /** The log's last sequence number. */
  head: number;
  /** Events failed on and waiting for their next attempt. */
  retrying: number;
  /** Events whose retries are spent: the extension's dead letters. */
  dead: number;
}

interface Handler {
  key: string;
  route: Route;
  retry: RetryPolicy;
  timeoutMs: number;
  report: FailureReport;
  counts: Omit<HandlerCounts, 'tract' | 'event' | 'queued'>;
}

/**
 * A durable extension (docs/extensions.md): its handlers hear the dispatch protocol as the journal's
 * event log recorded it, through a cursor of its own kept in the journal's file. It reads a page of the
 * log after its cursor, runs every matching handler on each event in order, and then moves its cursor:
 * a crash between the two runs those events again on the next start (at-least-once, each with its
 * `seq`). An event a handler fails on is written down with its next attempt, and the cursor goes on;
 * the retries run with backoff, and an event that spends them is a dead letter until an operator
 * retries it. Woken by the journal's commits, it never runs on the pump's path.
 */
export class DurableExtension {
  private readonly handlers: Handler[];
  private readonly log = new DispatchLog();
  private readonly stopping = new AbortController();
  private readonly cursor: ExtensionCursor;
  private readonly failures: DurableFailures;
  /** When its work loop last started reading. */
  private readAt = -Infinity;
  private unwatch: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;
  private working = false;
  private again = false;
  private stopped = false;
  private idle: Promise<void> = Promise.resolve();

  constructor(
    readonly name: string,
    routes: readonly Route[],
    private readonly journal: Pick<Journal, 'recordedTransitions' | 'headSeq' | 'watchWrites'>,
    store: ExtensionStore,
    private readonly logger: Log,
  ) {
    this.cursor = new ExtensionCursor(store, name, () => this.wake());
    this.failures = new DurableFailures(store, name);
    const seen = new Map<string, number>();
    this.handlers = routes.map((route) => {
      const pair = `${route.tract}.${route.event}`;
      const n = seen.get(pair) ?? 0;
      seen.set(pair, n + 1);
      return {
        key: `${pair}#${n}`,
        route,
        retry: retryPolicyOf(route, DURABLE_RETRY),
        timeoutMs: route.options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        report: new FailureReport(logger, name, route),
        counts: { succeeded: 0, failed: 0, retried: 0, timedOut: 0, dropped: 0, lastError: null },
      };
    });
  }

  /**
   * Finds its cursor (a first start begins at the log's head: what came before is not replayed), reads
   * the log around it, and starts following the journal's commits.
   */
  async start(): Promise<void> {
    const cursor = await this.cursor.open(await this.journal.headSeq());
    this.log.prime(
      await this.journal.recordedTransitions(Math.max(0, cursor - PRIME), Math.min(cursor, PRIME)),
    );
    await this.failures.recount();
    if (this.stopped) return;
    this.unwatch = this.journal.watchWrites((err) => {
      if (err === undefined) this.wake();
    });
    this.wake();
  }

  /**
   * Stops reading and aborts the handler running; resolves when its work loop has ended and its cursor
   * is written (a reload's successor starts from it).
   */
  async stop(): Promise<void> {
    this.stopped = true;
    this.stopping.abort();
    this.unwatch?.();
    clearTimeout(this.timer);
    this.cursor.stop();
    await this.idle;
    if (!this.cursor.moved) return;
    await this.cursor
      .write()
      .catch((err: unknown) =>
        this.logger.warn(
          { err, extension: this.name },
          `extension ${this.name}: its cursor could not be written; it resumes from ${this.cursor.written}, hearing again what came after`,
        ),
      );
  }

  /** Where it is, beside the log's head read now. */
  async state(): Promise<DurableState> {
    const head = await this.journal.headSeq();
    const cursor = this.cursor.seq;
    return { cursor, head: Math.max(head, cursor), ...this.failures.counts };
  }

  snapshot(): HandlerCounts[] {
    return this.handlers.map((h) => ({ tract: h.route.tract, event: h.route.event, ...h.counts, queued: 0 }));
  }

  failuresList(limit: number, after?: FailurePlace | null): Promise<DurableFailure[]> {
    return this.failures.list(limit, after);
  }

  /** Runs a failure again now (a dead letter gets a fresh set of retries). False: no such failure. */
  async retry(id: string): Promise<boolean> {
    const found = await this.failures.retry(id);
    if (found) this.wake();
    return found;
  }

  /** Runs every dead letter again now, each with a fresh set of attempts; returns how many. */
  async retryDead(): Promise<number> {
    const n = await this.failures.retryDead();
    this.wake();
    return n;
  }

  /** Forgets a failure for good. False: no such failure. */
  discard(id: string): Promise<boolean> {
    return this.failures.discard(id);
  }

  /** Forgets every dead letter for good; returns how many. */
  discardDead(): Promise<number> {
    return this.failures.discardDead();
  }

  /** Resolves once the work loop has caught up with the log and run every retry due (tests). */
  async settled(): Promise<void> {
    for (;;) {
      await this.idle;
      await new Promise((r) => setImmediate(r));
      if (!this.working) return;
    }
  }

  private wake(): void {
    if (this.stopped) return;
    if (this.working) {
      this.again = true;
      return;
    }
    this.working = true;
    this.idle = new Promise<void>((resolve) => {
      const run = (): void => {
        void this.work().finally(() => {
          this.working = false;
          resolve();
          if (this.again && !this.stopped) {
            this.again = false;
            this.wake();
          }
        });
      };
      // The commits made within READ_EVERY_MS of the last read wait for the next, together.
      const wait = this.readAt + READ_EVERY_MS - Date.now();
      if (wait > 0) setTimeout(run, wait);
      else setImmediate(run);
    });
  }

  /**
   * Retries due, then every new page of the log; then sleeps until the next retry or commit. With none of
   * its failures waiting for a retry when it last counted them (or since an operator's retry), it asks
   * for no due retries and no next one: at a low rate nearly every read finds something new.
   */
  private async work(): Promise<void> {
    this.readAt = Date.now();
    try {
      await this.failures.runDue(
        (due) => this.runAgain(due),
        () => this.stopped,
      );
      for (;;) {
        if (this.stopped) return;
        const { events, upTo, more } = await readEvents(this.journal, this.log, this.cursor.seq, PAGE);
        for (const e of events) await this.deliver(e);
        if (this.stopped) return;
        if (upTo === this.cursor.seq) break;
        this.cursor.seq = upTo;
        await this.cursor.keep();
        if (!more) break;
      }
      await this.cursor.keep();
      await this.failures.recountIfStale();
      await this.schedule();
    } catch (err) {
      if (this.stopped) return;
      // The journal cannot be read or written (an outage): try again in a while, from the same cursor.
      this.logger.error(
        { err, extension: this.name },
        `extension ${this.name}: ${errorText(err)}; trying again in 5 s`,
      );
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.wake(), 5_000);
    }
  }

  private async schedule(): Promise<void> {
    clearTimeout(this.timer);
    const due = await this.failures.nextDue();
    if (due === undefined || this.stopped) return;
    this.timer = setTimeout(() => this.wake(), Math.max(0, due - Date.now()));
    this.timer.unref();
  }

  /** Runs the event's matching handlers in turn; one that fails is written down for a retry. */
  private async deliver({ seq, event }: LoggedEvent): Promise<void> {
    const { event: name } = tractOf(event.type);
    for (const h of this.handlers) {
      if (this.stopped) return;
      if (h.route.event !== '*' && h.route.event !== name) continue;
      const filter = h.route.options.filter;
      try {
        if (filter && !filter(event)) continue;
      } catch (err) {
        h.counts.dropped++;
        h.counts.lastError = { message: errorText(err), at: Date.now() };
        h.report.report(err, `its filter threw on ${event.type}`);
        continue;
      }
      try {
        await this.run(h, seq, event, 1);
        h.counts.succeeded++;
      } catch (err) {
        if (this.stopped) return;
        const dead = await this.failures.add(h.key, h.retry, seq, event, err);
        this.failed(h, err, dead, event.type, 1);
      }
    }
  }

  private async runAgain({ failure: f, event }: DueFailure): Promise<void> {
    const h = this.handlers.find((x) => x.key === f.handler);
    if (!h) {
      const gone = `no handler ${f.handler} is registered any more (the extension changed)`;
      await this.failures.failedAgain(f, f.attempts, gone);
      return;
    }
    const attempt = f.attempts + 1;
    try {
      await this.run(h, f.seq, event, attempt);
      await this.failures.succeeded(f);
      h.counts.succeeded++;
    } catch (err) {
      if (this.stopped) return;
      const dead = await this.failures.failedAgain(f, attempt, err, h.retry);
      this.failed(h, err, dead, event.type, attempt);
    }
  }

  private run(h: Handler, seq: number, event: DispatchEvent, attempt: number): Promise<void> {
    const { tract, event: name } = tractOf(event.type);
    return runHandler(
      h.route,
      { event, tract, name, extension: this.name, attempt, seq },
      h.timeoutMs,
      this.stopping.signal,
      () => h.counts.timedOut++,
    );
  }

  private failed(h: Handler, err: unknown, dead: boolean, type: string, attempt: number): void {
    if (dead) h.counts.failed++;
    else h.counts.retried++;
    h.counts.lastError = { message: errorText(err), at: Date.now() };
    h.report.report(
      err,
      dead
        ? `failed on ${type} after ${attempt} attempt(s): it is a dead letter of the extension`
        : `failed on ${type} (attempt ${attempt}); it will be tried again`,
    );
  }
}
