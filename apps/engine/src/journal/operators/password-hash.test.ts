import { EngineError } from '@organism/shared';
import { expect, it } from 'vitest';
import { HASHES_WAITING, hashPassword, verifyPasswordHash } from './password-hash.ts';

it('checks passwords one at a time, and refuses more at once than may wait, saying when to try again', async () => {
  const hash = await hashPassword('the right password');
  // One running and HASHES_WAITING waiting are taken; the three after them are refused at once.
  const tries = Array.from({ length: HASHES_WAITING + 4 }, (_, i) =>
    verifyPasswordHash(i === 0 ? 'the right password' : 'a wrong password', hash).then(
      (ok) => ({ ok }),
      (err: unknown) => ({ err }),
    ),
  );
  const outcomes = await Promise.all(tries);
  expect(outcomes.slice(0, HASHES_WAITING + 1)).toEqual([
    { ok: true },
    ...Array.from({ length: HASHES_WAITING }, () => ({ ok: false })),
  ]);
  for (const o of outcomes.slice(HASHES_WAITING + 1)) {
    expect('err' in o && o.err instanceof EngineError && o.err.code).toBe('RATE_LIMITED');
    expect('err' in o && (o.err as EngineError).fields).toEqual({ retryAfterSeconds: 1 });
  }
  // The turn is given back: the next check runs.
  expect(await verifyPasswordHash('the right password', hash)).toBe(true);
});
