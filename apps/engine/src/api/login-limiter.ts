/**
 * Failed sign-ins per key (`name:…` or `ip:…`) in a sliding window: past the key's limit within
 * `windowMs`, further attempts are refused until the window moves on. A name is limited harder than
 * an address, where several people may sit behind one proxy. In memory: it guards one engine.
 */
export class LoginLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly maxPerName = 5,
    private readonly maxPerAddress = 30,
    private readonly windowMs = 60_000,
  ) {}

  private max(key: string): number {
    return key.startsWith('ip:') ? this.maxPerAddress : this.maxPerName;
  }

  /** Milliseconds until another attempt is allowed for any of `keys`, or 0. */
  retryAfter(keys: string[], now = Date.now()): number {
    let wait = 0;
    for (const key of keys) {
      const recent = this.recent(key, now);
      if (recent.length >= this.max(key)) wait = Math.max(wait, (recent[0] ?? now) + this.windowMs - now);
    }
    return wait;
  }

  fail(keys: string[], now = Date.now()): void {
    for (const key of keys) this.failures.set(key, [...this.recent(key, now), now]);
  }

  succeed(keys: string[]): void {
    for (const key of keys) this.failures.delete(key);
  }

  private recent(key: string, now: number): number[] {
    return (this.failures.get(key) ?? []).filter((t) => t > now - this.windowMs);
  }
}
