/** Failed sign-ins allowed per name from one client address within the window. */
export const MAX_FAILURES_PER_NAME = 5;
/**
 * Failed sign-ins allowed per name from all addresses together: the brake on guessing one password from
 * many addresses. Wider than the per-address one, so that one address cannot lock a name out for its
 * owner, who signs in from another (five wrong tries at `admin` a minute once kept the admin out).
 */
export const MAX_FAILURES_PER_NAME_ANYWHERE = 50;
/** Failed sign-ins allowed per client address within the window: several people may share one proxy. */
export const MAX_FAILURES_PER_ADDRESS = 30;
/** The sliding window both limits count over. */
export const LOGIN_WINDOW_MS = 60_000;

/** A sign-in that holds a slot under its name's and its address's limits until it is settled. */
export interface LoginAttempt {
  readonly keys: readonly string[];
  readonly at: number;
}

export type Reservation = { ok: true; attempt: LoginAttempt } | { ok: false; retryAfterMs: number };

/**
 * Sign-in attempts per name from each address, per name, and per address, in a sliding window. An attempt is counted when it is
 * reserved, before its password is hashed, so parallel or batched calls cannot all slip in while the
 * first ones are still hashing: past a limit, `reserve` refuses until the window moves on. A failed
 * attempt keeps its slot; a successful one gives it back and clears its name. In memory: it guards one
 * engine.
 */
export class LoginLimiter {
  /** Timestamps of failed and in-flight attempts, per `name:…` or `ip:…` key. */
  private readonly attempts = new Map<string, number[]>();
  private lastSweep = 0;

  constructor(
    private readonly maxPerName = MAX_FAILURES_PER_NAME,
    private readonly maxPerAddress = MAX_FAILURES_PER_ADDRESS,
    private readonly windowMs = LOGIN_WINDOW_MS,
    private readonly maxPerNameAnywhere = MAX_FAILURES_PER_NAME_ANYWHERE,
  ) {}

  /**
   * Takes a slot for one sign-in by `name` from `address`, or says how long to wait. Synchronous, so
   * no other call can slip in between the check and the count. A slot that is neither given back
   * (`succeed`, `release`) counts as a failure until the window passes it.
   */
  reserve(name: string, address: string, now = Date.now()): Reservation {
    this.sweep(now);
    // Names and addresses hold no newline (names are checked; an address is one hop's text).
    const keys = [`from:${name}\n${address}`, `name:${name}`, `ip:${address}`];
    let wait = 0;
    for (const key of keys) {
      const recent = this.recent(key, now);
      if (recent.length >= this.max(key)) wait = Math.max(wait, (recent[0] ?? now) + this.windowMs - now, 1);
    }
    if (wait > 0) return { ok: false, retryAfterMs: wait };
    for (const key of keys) this.attempts.set(key, [...this.recent(key, now), now]);
    return { ok: true, attempt: { keys, at: now } };
  }

  /**
   * The password was right: the name's failures are forgotten (its owner got in). The address keeps
   * its other failures, so one valid account cannot reset the limit for guessing at other names.
   */
  succeed(attempt: LoginAttempt): void {
    this.release(attempt);
    for (const key of attempt.keys) if (!key.startsWith('ip:')) this.attempts.delete(key);
  }

  /** Nothing was checked (the engine failed first): the slot is given back without counting. */
  release(attempt: LoginAttempt): void {
    for (const key of attempt.keys) {
      const times = this.attempts.get(key);
      const i = times?.indexOf(attempt.at) ?? -1;
      if (times && i >= 0) times.splice(i, 1);
      if (times?.length === 0) this.attempts.delete(key);
    }
  }

  /** How many names and addresses are held in memory. */
  get size(): number {
    return this.attempts.size;
  }

  private max(key: string): number {
    if (key.startsWith('ip:')) return this.maxPerAddress;
    return key.startsWith('name:') ? this.maxPerNameAnywhere : this.maxPerName;
  }

  private recent(key: string, now: number): number[] {
    return (this.attempts.get(key) ?? []).filter((t) => t > now - this.windowMs);
  }

  /** Drops keys with nothing left in the window, at most once a window, so made-up names cannot pile up. */
  private sweep(now: number): void {
    if (now - this.lastSweep < this.windowMs) return;
    this.lastSweep = now;
    for (const [key, times] of this.attempts) {
      if (!times.some((t) => t > now - this.windowMs)) this.attempts.delete(key);
    }
  }
}
