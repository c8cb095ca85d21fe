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
 * It also counts every delivery a thread has made while open (its hops), for `pump.maxHopsPerThread`.
 */
export class ThreadRegistry {
  private readonly open = new Map<ThreadId, OpenThread>();

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

  /** Marks one delivery done; returns the thread's outcome when it was the last one. */
  settle(threadId: ThreadId, deadLetter: boolean): ThreadOutcome | undefined {
    const t = this.open.get(threadId);
    if (!t) return undefined;
    if (deadLetter) t.failed = true;
    if (--t.outstanding > 0) return undefined;
    this.open.delete(threadId);
    return t.failed ? 'failed' : 'completed';
  }

  /**
   * One delivery of the thread left this engine without an outcome (another engine runs it): once none
   * is left here, the thread is forgotten, neither completed nor failed.
   */
  drop(threadId: ThreadId): void {
    const t = this.open.get(threadId);
    if (t && --t.outstanding <= 0) this.open.delete(threadId);
  }

  has(threadId: ThreadId): boolean {
    return this.open.has(threadId);
  }

  get size(): number {
    return this.open.size;
  }
}
