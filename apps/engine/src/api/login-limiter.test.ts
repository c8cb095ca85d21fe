import { describe, expect, it } from 'vitest';
import { LoginLimiter } from './login-limiter.ts';

describe('LoginLimiter', () => {
  it('counts a reservation before it is settled, so the sixth concurrent try for a name is refused', () => {
    const limiter = new LoginLimiter(5, 30, 60_000);
    const held = Array.from({ length: 5 }, () => limiter.reserve('ada', '10.0.0.1', 1_000));
    expect(held.every((r) => r.ok)).toBe(true);
    expect(limiter.reserve('ada', '10.0.0.1', 1_000)).toEqual({ ok: false, retryAfterMs: 60_000 });
    expect(limiter.reserve('bob', '10.0.0.1', 1_000).ok).toBe(true);
  });

  it('lets a name in from another address while one address is locked out of it, up to a wider brake', () => {
    const limiter = new LoginLimiter(5, 30, 60_000, 12);
    for (let i = 0; i < 5; i++) expect(limiter.reserve('admin', 'attacker', 0).ok).toBe(true);
    expect(limiter.reserve('admin', 'attacker', 0).ok).toBe(false);
    // The owner, elsewhere, is not locked out by the attacker's tries.
    const owner = limiter.reserve('admin', 'owner', 1);
    expect(owner.ok).toBe(true);
    // Guessing from many addresses meets the name's own brake (12 here).
    for (let a = 0; a < 6; a++) limiter.reserve('admin', `bot-${a}`, 2);
    expect(limiter.reserve('admin', 'bot-7', 3)).toEqual({ ok: false, retryAfterMs: 59_997 });
    // Once the owner gets in, the name's brake is released; the attacker's address stays locked out of it.
    if (owner.ok) limiter.succeed(owner.attempt);
    expect(limiter.reserve('admin', 'bot-8', 4).ok).toBe(true);
    expect(limiter.reserve('admin', 'attacker', 4).ok).toBe(false);
  });

  it('gives a slot back on release and frees the window as it moves on', () => {
    const limiter = new LoginLimiter(1, 30, 60_000);
    const first = limiter.reserve('ada', 'a', 0);
    if (!first.ok) throw new Error('the first try must be allowed');
    expect(limiter.reserve('ada', 'a', 10).ok).toBe(false);
    limiter.release(first.attempt);
    expect(limiter.reserve('ada', 'a', 20).ok).toBe(true);
    expect(limiter.reserve('ada', 'a', 30_000)).toEqual({ ok: false, retryAfterMs: 30_020 });
    expect(limiter.reserve('ada', 'a', 60_021).ok).toBe(true);
  });

  it('forgets the name on success but keeps the address’s other failures', () => {
    const limiter = new LoginLimiter(5, 3, 60_000);
    limiter.reserve('x', 'proxy', 0);
    limiter.reserve('y', 'proxy', 0);
    const ok = limiter.reserve('ada', 'proxy', 0);
    if (!ok.ok) throw new Error('the third try must be allowed');
    limiter.succeed(ok.attempt);
    expect(limiter.reserve('z', 'proxy', 1).ok).toBe(true);
    expect(limiter.reserve('w', 'proxy', 1).ok).toBe(false);
  });

  it('drops names whose window has passed, so made-up names do not pile up', () => {
    const limiter = new LoginLimiter(5, 1_000_000, 60_000);
    for (let i = 0; i < 1_000; i++) limiter.reserve(`made-up-${i}`, 'a', 0);
    limiter.reserve('later', 'b', 120_000);
    // What the last try holds: its name from its address, its name, its address.
    expect(limiter.size).toBe(3);
  });
});
