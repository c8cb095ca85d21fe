/** The window in which one user's refusals of one procedure are written to the audit log once. */
export const REFUSAL_WINDOW_MS = 60_000;

/**
 * Which refusals for role reach the audit log: the first of each user and procedure in a minute, and
 * then the first after the minute, which says how many were left out meanwhile. A viewer sending batches
 * of fifty `users.add` wrote about 5,000 rows a second, burying the entries that matter. In memory, for
 * one engine.
 */
export class RefusalAudit {
  private readonly seen = new Map<string, { at: number; left: number }>();
  private lastSweep = 0;

  constructor(private readonly windowMs = REFUSAL_WINDOW_MS) {}

  /**
   * Whether to write this refusal, and how many of the same were left out since the last one written;
   * undefined: leave it out.
   */
  admit(user: string, procedure: string, now = Date.now()): { leftOut: number } | undefined {
    this.sweep(now);
    const key = `${user}\n${procedure}`;
    const last = this.seen.get(key);
    if (last && now - last.at < this.windowMs) {
      last.left++;
      return undefined;
    }
    this.seen.set(key, { at: now, left: 0 });
    return { leftOut: last?.left ?? 0 };
  }

  /** How many users' procedures are remembered. */
  get size(): number {
    return this.seen.size;
  }

  /** Forgets what is past its window and left nothing out, at most once a window. */
  private sweep(now: number): void {
    if (now - this.lastSweep < this.windowMs) return;
    this.lastSweep = now;
    for (const [key, v] of this.seen) if (now - v.at >= this.windowMs && v.left === 0) this.seen.delete(key);
  }
}
