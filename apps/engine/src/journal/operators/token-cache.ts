import type { ApiToken } from './operator-store.ts';

/** Tokens kept at most: a producer has one or a few; a caller trying random ones must not grow it. */
export const TOKEN_CACHE_MAX = 1_024;

/**
 * The answers of token checks (the token, or null for none valid) by the token's hash, kept while the
 * tokens' epoch stays the same. Every write that can change an answer bumps the epoch, whichever
 * process makes it (the `tokens_epoch` triggers), so a token the CLI revokes is refused on the very
 * next check, as before. A check then reads one row instead of the token's, and hashes nothing twice.
 */
export class TokenCache {
  private epoch: number | undefined;
  private readonly byHash = new Map<string, ApiToken | null>();

  constructor(private readonly max = TOKEN_CACHE_MAX) {}

  /**
   * What was found for `hash` at `epoch`; undefined when it must be read (unknown, or the epoch moved).
   * No epoch (its row deleted by hand) keeps nothing.
   */
  get(epoch: number | undefined, hash: string): ApiToken | null | undefined {
    if (epoch === undefined || epoch !== this.epoch) {
      this.byHash.clear();
      this.epoch = epoch;
      return undefined;
    }
    return this.byHash.get(hash);
  }

  /** Keeps what was read for `hash` at the epoch of the last `get`; a full cache starts over. */
  set(hash: string, token: ApiToken | null): void {
    if (this.epoch === undefined) return;
    if (this.byHash.size >= this.max) this.byHash.clear();
    this.byHash.set(hash, token);
  }
}
