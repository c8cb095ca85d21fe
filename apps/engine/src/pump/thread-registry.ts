import type { ThreadId } from '@organism/shared';

export type ThreadOutcome = 'completed' | 'failed';

interface OpenThread {
  outstanding: number;
  failed: boolean;
}

/**
 * Counts the deliveries still outstanding (queued, running or waiting to retry) in each live thread.
 * A thread ends when its count reaches zero: failed if any of its deliveries became a dead letter.
 */
export class ThreadRegistry {
  private readonly open = new Map<ThreadId, OpenThread>();

  /** Adds `n` outstanding deliveries; returns true when this opens the thread. */
  add(threadId: ThreadId, n: number): boolean {
    const t = this.open.get(threadId);
    if (t) {
      t.outstanding += n;
      return false;
    }
    this.open.set(threadId, { outstanding: n, failed: false });
    return true;
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

  has(threadId: ThreadId): boolean {
    return this.open.has(threadId);
  }

  get size(): number {
    return this.open.size;
  }
}
