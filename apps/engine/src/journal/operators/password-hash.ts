import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import type { BinaryLike, ScryptOptions } from 'node:crypto';
import { EngineError } from '@organism/shared';
import { JournalError } from '../journal-error.ts';

const N = 16384;
const R = 8;
const P = 1;
const KEY_LENGTH = 64;
const SALT_LENGTH = 16;
export const MIN_PASSWORD_LENGTH = 8;

// The promisified overload without options is the one TypeScript picks, so wrap it by hand.
function scryptAsync(
  password: BinaryLike,
  salt: BinaryLike,
  keylen: number,
  opts: ScryptOptions,
): Promise<Buffer> {
  return hashes.run(
    () =>
      new Promise<Buffer>((resolve, reject) => {
        scrypt(password, salt, keylen, opts, (err, key) => (err ? reject(err) : resolve(key)));
      }),
  );
}

/**
 * At most how many password hashes wait for their turn (about three seconds of them); more at once are
 * refused (RATE_LIMITED) rather than queued without end. Above the 30 sign-ins an address may try in a
 * minute, so that one address's burst is checked whole, as the per-address limit counts it.
 */
export const HASHES_WAITING = 64;

/**
 * Password hashes run one at a time, the others waiting their turn: each takes about 50 ms of a core and
 * 16 MiB, and libuv's four threads would run four at once on a machine of two cores, taking the cores from
 * the engine's intake. Sign-ins from many addresses, which the per-address limit does not slow, took
 * `POST /messages` from a p50 of 20 ms to 80–95 ms, one request to 1.9 s (60 at once, the console review
 * of 2026-12-06); one at a time, they take at most one core, and the engine's thread keeps the other.
 */
class OneAtATime {
  private running = false;
  private readonly waiting: (() => void)[] = [];

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running) {
      if (this.waiting.length >= HASHES_WAITING)
        throw new EngineError('RATE_LIMITED', 'too many sign-ins at once; try again in a second', {
          fields: { retryAfterSeconds: 1 },
        });
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    this.running = true;
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running = false;
    }
  }
}
const hashes = new OneAtATime();

function memoryFor(n: number, r: number): number {
  // scrypt needs about 128·N·r bytes; leave headroom over Node's 32 MiB default.
  return 256 * n * r;
}

/** Hashes a password as `scrypt$N$r$p$salt$hash` (base64url). FORBIDDEN if it is too short. */
export async function hashPassword(password: string): Promise<string> {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new JournalError('FORBIDDEN', `password must be at least ${MIN_PASSWORD_LENGTH} characters`);
  }
  const salt = randomBytes(SALT_LENGTH);
  const key = await scryptAsync(password, salt, KEY_LENGTH, { N, r: R, p: P, maxmem: memoryFor(N, R) });
  return ['scrypt', N, R, P, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** Whether `password` matches `encoded`, compared in constant time. A malformed hash never matches. */
export async function verifyPasswordHash(password: string, encoded: string): Promise<boolean> {
  const parts = encoded.split('$');
  const [scheme, n, r, p, salt, hash] = parts;
  if (parts.length !== 6 || scheme !== 'scrypt' || !salt || !hash) return false;
  const cost = { N: Number(n), r: Number(r), p: Number(p) };
  if (![cost.N, cost.r, cost.p].every((x) => Number.isSafeInteger(x) && x > 0)) return false;
  const expected = Buffer.from(hash, 'base64url');
  if (expected.length === 0) return false;
  const key = await scryptAsync(password, Buffer.from(salt, 'base64url'), expected.length, {
    ...cost,
    maxmem: memoryFor(cost.N, cost.r),
  });
  return timingSafeEqual(key, expected);
}

/** A well-formed hash of no known password: what an unknown user's attempt is checked against. */
const DUMMY_HASH = `scrypt$${N}$${R}$${P}$${'A'.repeat(22)}$${'A'.repeat(86)}`;

/**
 * Spends the time of one verification without a real hash, so an unknown user name takes as long to
 * refuse as a wrong password (no probing for names by timing).
 */
export async function burnVerification(password: string): Promise<false> {
  await verifyPasswordHash(password, DUMMY_HASH);
  return false;
}
