import type { OperatorStore } from '../journal/index.ts';

/** How often an open event stream asks whether its session still lives (the CLI, another engine, expiry). */
export const SESSION_RECHECK_MS = 5_000;

/** The store's methods after which sessions may have ended: streams look again soon after. */
const ENDING = new Set<PropertyKey>(['deleteSession', 'removeUser', 'setPassword']);
/**
 * How long after such a method the streams look: time for the answer of the request that called it to
 * reach its browser first. A password change ends the caller's session too and hands it a new one in
 * its answer; the caller's stream, ended by the look, then finds the browser signed in with it. At once,
 * the stream's end could arrive first and send the tab to sign-in.
 */
export const ENDED_RECHECK_DELAY_MS = 500;

/**
 * The checks of the open event streams, each asking whether its session still lives: every
 * SESSION_RECHECK_MS, and ENDED_RECHECK_DELAY_MS after this engine ended sessions itself (a sign-out, a
 * user removed, a password reset). Ends made elsewhere (`organism user remove` on the journal, an engine sharing a
 * PostgreSQL journal, a session expiring) are found by the timer.
 */
export class SessionWatch {
  private readonly checks = new Set<() => void>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly everyMs = SESSION_RECHECK_MS) {}

  /** Runs `check` on every round until the returned function is called. */
  add(check: () => void): () => void {
    this.checks.add(check);
    if (!this.timer) {
      this.timer = setInterval(() => this.recheck(), this.everyMs);
      this.timer.unref();
    }
    return () => {
      this.checks.delete(check);
      if (this.checks.size === 0 && this.timer) {
        clearInterval(this.timer);
        this.timer = undefined;
      }
    };
  }

  /** Runs every check now. */
  recheck(): void {
    for (const check of this.checks) check();
  }

  /** `store`, whose methods that end sessions also make the watch look again once they succeeded. */
  watching(store: OperatorStore): OperatorStore {
    return new Proxy(store, {
      get: (target, key) => {
        const value: unknown = Reflect.get(target, key, target);
        if (typeof value !== 'function') return value;
        const method = value as (...args: unknown[]) => unknown;
        if (!ENDING.has(key)) return method.bind(target);
        return async (...args: unknown[]) => {
          const result: unknown = await method.apply(target, args);
          setTimeout(() => this.recheck(), ENDED_RECHECK_DELAY_MS).unref();
          return result;
        };
      },
    });
  }
}
