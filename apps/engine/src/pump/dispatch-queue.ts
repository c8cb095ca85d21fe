import type { Delivery } from './delivery.ts';

/** A FIFO with O(1) push and shift, for per-listener queues that can grow to thousands. */
class Fifo<T> {
  private items: (T | undefined)[] = [];
  private head = 0;
  push(item: T): void {
    this.items.push(item);
  }
  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head];
    this.items[this.head++] = undefined;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }
  get length(): number {
    return this.items.length - this.head;
  }
}

export interface DispatchQueueOptions {
  maxConcurrency: number;
  queueSize: number;
  /** The listener's own concurrency limit, or undefined when the listener is gone. */
  concurrencyOf(listener: string): number | undefined;
  /** Runs a delivery in a slot of its listener's; when the promise settles, `slot.done()` is implied. */
  run(delivery: Delivery, slot: Slot): Promise<void>;
}

/** A started delivery's hold on its listener's slot. */
export interface Slot {
  /** Gives the slot to the next delivery (the handler is done); this one stays in flight until `done`. */
  free: () => void;
  /** The delivery is finished: it leaves the in-flight count (and the slot, if it still holds it). */
  done: () => void;
}

/**
 * Queues deliveries per listener and runs them under a global and a per-listener limit, fairly across
 * listeners. Internal deliveries are always accepted (a handler blocked on a full queue while holding
 * a slot would deadlock); producers outside take a place first (`tryReserve`, `reserve`): that is the
 * backpressure, and the limit holds however many submit at once.
 */
export class DispatchQueue {
  private readonly queues = new Map<string, Fifo<Delivery>>();
  /** Slots held, by listener: deliveries whose handler runs. */
  private readonly running = new Map<string, number>();
  /**
   * Deliveries that gave their slot up early (`free`) and have not settled: their outcome is being
   * committed. In flight still, but no longer counted against the limits.
   */
  private readonly finishing = new Map<string, number>();
  private finishingTotal = 0;
  private readonly ready = new Set<string>();
  /** Listeners an operator paused: their deliveries wait here, in order, until resumed. */
  private readonly paused = new Set<string>();
  private inFlightTotal = 0;
  private queuedTotal = 0;
  /** Places held by producers' messages on their way in (pipeline, journal), not queued yet. */
  private reservedTotal = 0;
  /** Producers waiting for a place, each handed one as it frees (`reserve`). */
  private spaceWaiters: (() => void)[] = [];
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly opts: DispatchQueueOptions) {}

  get queued(): number {
    return this.queuedTotal;
  }
  /** Deliveries started and not settled: running, or giving their outcome to the journal. */
  get inFlight(): number {
    return this.inFlightTotal + this.finishingTotal;
  }
  /** The most deliveries that may wait (`pump.queueSize`). */
  get size(): number {
    return this.opts.queueSize;
  }
  private get hasSpace(): boolean {
    return this.queuedTotal + this.reservedTotal < this.opts.queueSize;
  }

  inFlightFor(listener: string): number {
    return (this.running.get(listener) ?? 0) + (this.finishing.get(listener) ?? 0);
  }

  /** How many deliveries wait in `listener`'s queue (all of them PENDING in the journal). */
  queuedFor(listener: string): number {
    return this.queues.get(listener)?.length ?? 0;
  }

  /** How many queued deliveries wait for a paused listener (nothing can start them until resumed). */
  get queuedPaused(): number {
    let n = 0;
    for (const name of this.paused) n += this.queuedFor(name);
    return n;
  }

  /** What waits for each paused listener that has anything waiting, most first. */
  get waitingPaused(): { listener: string; queued: number }[] {
    return [...this.paused]
      .map((listener) => ({ listener, queued: this.queuedFor(listener) }))
      .filter((w) => w.queued > 0)
      .sort((a, b) => b.queued - a.queued || a.listener.localeCompare(b.listener));
  }

  isPaused(listener: string): boolean {
    return this.paused.size > 0 && this.paused.has(listener);
  }

  /** Stops starting `listener`'s deliveries; those running finish. Its queue keeps filling in order. */
  pause(listener: string): void {
    this.paused.add(listener);
  }

  /** Starts `listener`'s queued deliveries again, oldest first. */
  resume(listener: string): void {
    if (this.paused.delete(listener)) this.drain();
  }

  push(delivery: Delivery): void {
    let q = this.queues.get(delivery.to);
    if (!q) this.queues.set(delivery.to, (q = new Fifo()));
    q.push(delivery);
    this.queuedTotal++;
    this.ready.add(delivery.to);
    this.drain();
  }

  /**
   * Takes a place for a producer's message now, if the queue has one. Taken at once, before the message
   * goes through the pipeline and the journal: concurrent submissions that each looked for space and then
   * awaited would all pass one look, and the limit would be a wish. Give it back with `release`.
   */
  tryReserve(): boolean {
    if (!this.hasSpace) return false;
    this.reservedTotal++;
    return true;
  }

  /** Takes a place, waiting for one to free (the backpressure on producers); each waiter in turn. */
  reserve(): Promise<void> {
    if (this.spaceWaiters.length === 0 && this.tryReserve()) return Promise.resolve();
    return new Promise((resolve) => this.spaceWaiters.push(resolve));
  }

  /** Gives a place back: its message was refused, or its deliveries are queued (they count instead). */
  release(): void {
    this.reservedTotal--;
    this.notify();
  }

  /** Resolves when nothing is queued or running. */
  idle(): Promise<void> {
    if (this.queuedTotal === 0 && this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Removes and returns every queued delivery that `match` accepts (a killed thread's, say). */
  takeWhere(match: (d: Delivery) => boolean): Delivery[] {
    const out: Delivery[] = [];
    for (const [name, q] of this.queues) {
      const keep = new Fifo<Delivery>();
      for (let d = q.shift(); d; d = q.shift()) (match(d) ? out : keep).push(d);
      this.queues.set(name, keep);
      if (keep.length === 0) this.ready.delete(name);
    }
    this.queuedTotal -= out.length;
    this.notify();
    return out;
  }

  private drain(): void {
    while (this.inFlightTotal < this.opts.maxConcurrency && this.ready.size > 0) {
      let started = false;
      for (const name of this.ready) {
        if (this.inFlightTotal >= this.opts.maxConcurrency) break;
        // One size check when nothing is paused: the hot path pays nothing for pausing.
        if (this.paused.size > 0 && this.paused.has(name)) continue;
        const limit = this.opts.concurrencyOf(name) ?? 0;
        const running = this.running.get(name) ?? 0;
        if (running >= limit) continue;
        const q = this.queues.get(name);
        const next = q?.shift();
        if (!next) {
          this.ready.delete(name);
          continue;
        }
        if (q && q.length === 0) this.ready.delete(name);
        this.queuedTotal--;
        this.running.set(name, running + 1);
        this.inFlightTotal++;
        started = true;
        const slot = this.slot(name);
        void this.opts.run(next, slot).finally(() => slot.done());
      }
      if (!started) break;
    }
    this.notify();
  }

  private slot(name: string): Slot {
    // Methods, not arrow functions: tsx's esbuild names each arrow function assigned to a property with
    // a property definition, two per delivery here (CONTRIBUTING.md). The methods are passed around
    // unbound, so they reach the queue through this alias, not `this`.
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const queue = this;
    let freed = false;
    let settled = false;
    return {
      free(this: void) {
        if (freed || settled) return;
        freed = true;
        queue.finishing.set(name, (queue.finishing.get(name) ?? 0) + 1);
        queue.finishingTotal++;
        queue.finish(name);
      },
      done(this: void) {
        if (settled) return;
        settled = true;
        if (!freed) return queue.finish(name);
        queue.finishing.set(name, (queue.finishing.get(name) ?? 1) - 1);
        queue.finishingTotal--;
        queue.notify();
      },
    };
  }

  private finish(name: string): void {
    this.running.set(name, (this.running.get(name) ?? 1) - 1);
    this.inFlightTotal--;
    this.drain();
  }

  private notify(): void {
    // Each waiter is handed its place here: woken to look for one, they would all find the same.
    while (this.spaceWaiters.length > 0 && this.hasSpace) {
      this.reservedTotal++;
      this.spaceWaiters.shift()?.();
    }
    if (this.queuedTotal === 0 && this.inFlight === 0 && this.idleWaiters.length > 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }
}
