import type { ThreadId } from '@organism/shared';

export type ThreadOutcome = 'completed' | 'failed';

interface OpenThread {
  outstanding: number;
  /** Deliveries the thread has made while open, replies and errors included: its hop count. */
  hops: number;
  failed: boolean;
}

/**
 * Counts the deliveries still outstanding (queued, running or waiting to retry) in each live thread.
 * A thread ends when its count reaches zero: failed if any of its deliveries became a dead letter.
 * It also counts every delivery a thread has made while open (its hops), for `pump.maxHopsPerThread`,
 * keeps the threads an operator killed until they end, and wakes those waiting for no thread to be open.
 */
export class ThreadRegistry {
  private readonly open = new Map<ThreadId, OpenThread>();
  /** Threads an operator killed: their queued work is dropped and running handlers' outputs discarded. */
  private readonly killedThreads = new Set<ThreadId>();
  private quietWaiters: (() => void)[] = [];

  /** `ended` is told of each thread that ends (not of one ended unannounced, `settle`). */
  constructor(private readonly ended: (threadId: ThreadId, outcome: ThreadOutcome) => void = () => {}) {}

  /** Adds `n` outstanding deliveries; returns true when this opens the thread. */
  add(threadId: ThreadId, n: number): boolean {
    const t = this.open.get(threadId);
    if (t) {
      t.outstanding += n;
      t.hops += n;
      return false;
    }
    this.open.set(threadId, { outstanding: n, hops: n, failed: false });
    return true;
  }

  /**
   * Why `n` more deliveries would take the thread past `max` hops (`pump.maxHopsPerThread`), or
   * undefined when they fit. A thread not open has made none.
   */
  overBudget(threadId: ThreadId, n: number, max: number): string | undefined {
    const made = this.open.get(threadId)?.hops ?? 0;
    if (n === 0 || made + n <= max) return undefined;
    return `thread ${threadId} has made ${made} deliveries; the limit is ${max} (pump.maxHopsPerThread)`;
  }

  /**
   * Marks one delivery done; returns the thread's outcome when it was the last one, and tells `ended`
   * unless `announce` is false (deliveries that were never recorded: their thread never began).
   */
  settle(threadId: ThreadId, deadLetter: boolean, announce = true): ThreadOutcome | undefined {
    const t = this.open.get(threadId);
    if (!t) return undefined;
    if (deadLetter) t.failed = true;
    if (--t.outstanding > 0) return undefined;
    this.open.delete(threadId);
    this.killedThreads.delete(threadId);
    const outcome = t.failed ? 'failed' : 'completed';
    if (announce) this.ended(threadId, outcome);
    this.wakeIfQuiet();
    return outcome;
  }

  /**
   * One delivery of the thread left this engine without an outcome (another engine runs it): once none
   * is left here, the thread is forgotten, neither completed nor failed.
   */
  drop(threadId: ThreadId): void {
    const t = this.open.get(threadId);
    if (t && --t.outstanding <= 0) {
      this.open.delete(threadId);
      this.killedThreads.delete(threadId);
      this.wakeIfQuiet();
    }
  }

  /** Marks an open thread killed until it ends; a thread not open here has nothing left to kill. */
  kill(threadId: ThreadId): void {
    if (this.open.has(threadId)) this.killedThreads.add(threadId);
  }

  killed(threadId: ThreadId): boolean {
    return this.killedThreads.has(threadId);
  }

  has(threadId: ThreadId): boolean {
    return this.open.has(threadId);
  }

  get size(): number {
    return this.open.size;
  }

  /** Resolves when no thread is open. */
  whenQuiet(): Promise<void> {
    if (this.open.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.quietWaiters.push(resolve));
  }

  private wakeIfQuiet(): void {
    if (this.open.size === 0 && this.quietWaiters.length > 0) {
      const waiters = this.quietWaiters;
      this.quietWaiters = [];
      for (const w of waiters) w();
    }
  }
}
