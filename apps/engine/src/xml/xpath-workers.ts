import { Worker } from 'node:worker_threads';
import { XPathTooCostly, XPATH_STEPS_PER_PAYLOAD } from './payload-xpath.ts';

const ENTRY = new URL('./xpath-worker.mjs', import.meta.url);

/**
 * Longest a batch of payloads may take in a worker, in time on the clock: a selection on a batch takes
 * milliseconds, on the largest payloads tens of them, more when the cores are busy with other work; an
 * expression that rebuilds a large payload's text for every node (`//*[contains(string(/), 'x')]`)
 * takes seconds to minutes while libxml2 counts few steps.
 */
export const XPATH_BATCH_DEADLINE_MS = 5_000;

/** A batch of payloads to evaluate `expression` on. */
export interface XPathRequest {
  id: number;
  expression: string;
  payloads: string[];
}

/**
 * What a worker says: that it is ready (once, its modules loaded), or for a batch what matched in each
 * payload and the steps taken, or why it stopped.
 */
export type XPathAnswer = { id: 0; ready: true } | XPathOutcome;
type XPathOutcome =
  | { id: number; ok: true; matches: (string | null)[]; steps: number }
  | { id: number; ok: false; costly: boolean; message: string };

/** A batch that took longer than its deadline: its worker was ended. */
export class XPathTooSlow extends Error {
  constructor(readonly deadlineMs: number) {
    super(`the XPath took longer than ${deadlineMs / 1000} s on a batch of payloads`);
  }
}

/** One worker thread, lent to one search at a time. */
export class XPathWorker {
  private seq = 0;
  private waiting:
    | { id: number; resolve: (a: XPathOutcome) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }
    | undefined;
  private gone: Error | undefined;
  private readonly failedToLoad: (err: Error) => void;
  /** Settles once the thread has loaded its modules: a batch's deadline counts from then. */
  private readonly ready: Promise<void>;
  /** Steps taken by this worker's evaluations for the search it is lent to. */
  spent = 0;

  constructor(
    private readonly worker: Worker,
    private readonly deadlineMs: number,
  ) {
    let loaded!: () => void;
    let failed!: (err: Error) => void;
    this.ready = new Promise((resolve, reject) => {
      loaded = resolve;
      failed = reject;
    });
    // Not unhandled when no batch waits for it.
    this.ready.catch(() => undefined);
    this.failedToLoad = failed;
    worker.on('message', (a: XPathAnswer) => {
      if ('ready' in a) return loaded();
      const w = this.waiting;
      if (w?.id !== a.id) return;
      clearTimeout(w.timer);
      this.waiting = undefined;
      w.resolve(a);
    });
    worker.on('error', (err) => void this.end(err));
    worker.on('exit', (code) => void this.end(new Error(`the XPath worker exited with code ${code}`)));
  }

  /** Whether it can take another batch. */
  get alive(): boolean {
    return this.gone === undefined;
  }

  /**
   * What matched in each payload (null: no match). Throws `XPathTooCostly` when the expression takes more
   * than XPATH_STEPS_PER_PAYLOAD steps on one, `XPathTooSlow` (and ends the worker) past the deadline.
   */
  async evaluate(expression: string, payloads: string[]): Promise<(string | null)[]> {
    await this.ready;
    if (this.gone) throw this.gone;
    const id = ++this.seq;
    const answer = await new Promise<XPathOutcome>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting = undefined;
        const slow = new XPathTooSlow(this.deadlineMs);
        void this.end(slow);
        reject(slow);
      }, this.deadlineMs);
      this.waiting = { id, resolve, reject, timer };
      this.worker.postMessage({ id, expression, payloads } satisfies XPathRequest);
    });
    if (answer.ok) {
      this.spent += answer.steps;
      return answer.matches;
    }
    if (answer.costly) throw new XPathTooCostly(XPATH_STEPS_PER_PAYLOAD);
    throw new Error(answer.message);
  }

  /** Ends the thread; a batch waiting fails with `reason`. Resolves once the thread has ended. */
  end(reason: Error): Promise<void> {
    if (this.gone) return Promise.resolve();
    this.gone = reason;
    this.failedToLoad(reason);
    const w = this.waiting;
    this.waiting = undefined;
    if (w) {
      clearTimeout(w.timer);
      w.reject(reason);
    }
    return this.worker.terminate().then(() => undefined);
  }
}

/**
 * The worker threads that evaluate viewers' XPath searches, off the engine's thread: libxml2 evaluates an
 * expression in one synchronous call, which no step bound alone can keep short (string functions count
 * one step whatever the length of the text they build), and on the engine's thread a single call held
 * every message and every request for minutes. A search borrows a worker (`lend`) for its batches and
 * gives it back; one past its deadline is ended and the next search starts a fresh one. Idle workers do
 * not keep the process alive.
 */
export class XPathWorkers {
  private readonly idle: XPathWorker[] = [];
  private readonly all = new Set<XPathWorker>();

  constructor(private readonly deadlineMs = XPATH_BATCH_DEADLINE_MS) {}

  /** Runs `use` with a worker of its own, then takes it back (unless it was ended). */
  async lend<T>(use: (worker: XPathWorker) => Promise<T>): Promise<T> {
    const worker = this.idle.pop() ?? this.start();
    worker.spent = 0;
    try {
      return await use(worker);
    } finally {
      if (worker.alive) this.idle.push(worker);
      else this.all.delete(worker);
    }
  }

  /** Ends every worker. */
  async close(): Promise<void> {
    const ending = [...this.all].map((w) => w.end(new Error('the engine stopped')));
    this.all.clear();
    this.idle.length = 0;
    await Promise.all(ending);
  }

  private start(): XPathWorker {
    const thread = new Worker(ENTRY, { name: 'organism-xpath' });
    thread.unref();
    const worker = new XPathWorker(thread, this.deadlineMs);
    this.all.add(worker);
    return worker;
  }
}
