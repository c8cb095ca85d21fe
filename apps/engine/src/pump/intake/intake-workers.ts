import { Worker } from 'node:worker_threads';
import type { Log } from '@organism/shared';
import type { Intake, PipelineMessage } from '../pipeline-message.ts';
import type { RoutingTable } from '../routing-table.ts';
import { messageOf, snapshotOf } from './intake-protocol.ts';
import type {
  FromWorker,
  IntakeOutcome,
  IntakeRequest,
  RoutingSnapshot,
  ToWorker,
} from './intake-protocol.ts';

const ENTRY = new URL('./intake-worker.mjs', import.meta.url);
/**
 * Messages per postMessage. Small enough that outcomes stream back while the worker goes on (one
 * batch of everything waiting would make the two threads take turns instead of working together).
 */
const CHUNK = 32;
/**
 * Messages from outside before the workers start: a worker costs about half a second of CPU to start
 * (libxml2, the engine's code and every contract compiled again), worth it under load, not for a few
 * messages (a test, a quiet organism).
 */
const START_AFTER = 100;

interface Waiting {
  /** The intake as the pump gave it (the worker may have been sent a copy of its bytes). */
  intake: Intake;
  /** The routing table the message must be routed against. */
  routing: RoutingTable;
  resolve: (m: PipelineMessage | undefined) => void;
}

interface Lane {
  worker: Worker;
  /** False until the worker has loaded its first routing table: until then this thread runs the pipeline. */
  ready: boolean;
  waiting: Map<number, Waiting>;
  outbox: IntakeRequest[];
}

/**
 * Runs the pipeline for messages from outside and handlers' outputs on worker threads, so that
 * parsing, canonicalizing and validating can use another core while this thread journals and
 * dispatches (`pump.intakeWorkers`, off by default: bench/NOTES.md says when it pays). Requests made
 * in one turn of the event loop go to a worker 32 to a message. `run` resolves with the pipeline's
 * outcome, or with undefined when this thread must run the pipeline itself: the workers are not
 * started yet (they start with the START_AFTERth message) or still starting, the message arrived
 * alone, the routing table changed while a worker had it, or the worker is gone (an error is logged;
 * every later message then runs here).
 */
export class IntakeWorkers {
  private readonly lanes: Lane[] = [];
  private next = 0;
  private nextId = 0;
  private version = 0;
  private routing: RoutingTable;
  private scheduled = false;
  private closed = false;
  private readyWaiters: (() => void)[] = [];
  private seen = 0;
  private started = false;
  /** Messages whose pipeline a worker ran. */
  handled = 0;
  /** Messages in the workers' hands. */
  private inFlight = 0;
  /** Messages run() was given in this turn of the event loop. */
  private arrivedThisTurn = 0;

  constructor(
    private readonly count: number,
    routing: RoutingTable,
    private readonly limits: { maxBytes: number; maxDepth: number },
    private readonly log: Log,
    /** Every message to a worker, even one that arrives alone (tests of the workers themselves). */
    private readonly always = false,
  ) {
    this.routing = routing;
  }

  /** The routing table changed (a reload): workers route against it from their next batch on. */
  setRouting(routing: RoutingTable): void {
    this.routing = routing;
    this.version++;
    if (!this.started) return;
    const snapshot = snapshotOf(this.version, routing, this.limits);
    for (const lane of this.lanes) this.post(lane, { type: 'routing', snapshot });
  }

  run(intake: Intake): Promise<PipelineMessage | undefined> {
    if (!this.started && ++this.seen >= START_AFTER) this.startAll();
    if (this.closed || this.lanes.length === 0) return Promise.resolve(undefined);
    // A message that arrives alone (the first of this turn of the event loop, nothing in the workers'
    // hands) runs here at once: the hop to a worker and back would only add to its latency. Under load,
    // messages arrive together and go to the workers.
    const alone = this.inFlight === 0 && this.arrivedThisTurn === 0;
    if (this.arrivedThisTurn++ === 0) setImmediate(() => (this.arrivedThisTurn = 0));
    if (alone && !this.always) return Promise.resolve(undefined);
    const lane = this.lanes[this.next++ % this.lanes.length];
    if (!lane?.ready) return Promise.resolve(undefined);
    // A small Buffer is a view on Node's shared 8 KiB pool, which postMessage would copy whole.
    const raw = intake.raw;
    const own = typeof raw !== 'string' && raw.byteLength < raw.buffer.byteLength;
    const request: IntakeRequest = {
      id: this.nextId++,
      intake: own && intake.origin === 'external' ? { ...intake, raw: new Uint8Array(raw) } : intake,
    };
    lane.outbox.push(request);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
    const routing = this.routing;
    this.inFlight++;
    return new Promise((resolve) => lane.waiting.set(request.id, { intake, routing, resolve }));
  }

  /** Starts the workers now if they are not yet; resolves once each has loaded its routing table (or is gone). */
  whenReady(): Promise<void> {
    this.startAll();
    if (this.lanes.every((l) => l.ready)) return Promise.resolve();
    return new Promise((resolve) => this.readyWaiters.push(resolve));
  }

  /** Stops the workers; messages they still hold run on this thread. */
  close(): Promise<void> {
    this.closed = true;
    const lanes = this.lanes.splice(0);
    for (const lane of lanes) this.abandon(lane);
    return Promise.all(lanes.map((l) => l.worker.terminate())).then(() => undefined);
  }

  private startAll(): void {
    if (this.started || this.closed) return;
    this.started = true;
    const snapshot = snapshotOf(this.version, this.routing, this.limits);
    for (let i = 0; i < this.count; i++) this.lanes.push(this.start(snapshot));
  }

  private start(snapshot: RoutingSnapshot): Lane {
    const worker = new Worker(ENTRY, { name: 'organism-intake' });
    // A worker never keeps the process alive: the pump's own work does.
    worker.unref();
    const lane: Lane = { worker, ready: false, waiting: new Map(), outbox: [] };
    worker.on('message', (message: FromWorker) => {
      if (message.type === 'ready') {
        lane.ready = true;
        this.wakeIfReady();
      } else if (message.type === 'done') this.done(lane, message.outcomes);
      else
        this.lost(lane, new Error(`an intake worker could not load the routing table: ${message.message}`));
    });
    worker.on('error', (err) => this.lost(lane, err));
    worker.on('exit', (code) => {
      if (!this.closed) this.lost(lane, new Error(`an intake worker exited with code ${code}`));
    });
    this.post(lane, { type: 'routing', snapshot });
    return lane;
  }

  private wakeIfReady(): void {
    if (!this.lanes.every((l) => l.ready)) return;
    const waiters = this.readyWaiters;
    this.readyWaiters = [];
    for (const w of waiters) w();
  }

  private flush(): void {
    this.scheduled = false;
    for (const lane of this.lanes) {
      if (lane.outbox.length === 0) continue;
      for (let i = 0; i < lane.outbox.length; i += CHUNK) {
        this.post(lane, { type: 'run', requests: lane.outbox.slice(i, i + CHUNK) });
      }
      lane.outbox = [];
    }
  }

  private done(lane: Lane, outcomes: IntakeOutcome[]): void {
    for (const o of outcomes) {
      const w = lane.waiting.get(o.id);
      if (!w) continue;
      lane.waiting.delete(o.id);
      this.inFlight--;
      const current = o.version === this.version && w.routing === this.routing;
      const m = current ? messageOf(o, w.intake, this.routing) : undefined;
      if (m) this.handled++;
      w.resolve(m);
    }
  }

  private post(lane: Lane, message: ToWorker): void {
    lane.worker.postMessage(message);
  }

  /** A worker failed: what it held runs here, and so does everything after it. */
  private lost(lane: Lane, err: unknown): void {
    const at = this.lanes.indexOf(lane);
    if (at === -1) return;
    this.lanes.splice(at, 1);
    this.log.error({ err }, 'an intake worker failed; messages are parsed and validated on the main thread');
    this.abandon(lane);
    void lane.worker.terminate();
    this.wakeIfReady();
  }

  private abandon(lane: Lane): void {
    this.inFlight -= lane.waiting.size;
    for (const w of lane.waiting.values()) w.resolve(undefined);
    lane.waiting.clear();
    lane.outbox = [];
  }
}
