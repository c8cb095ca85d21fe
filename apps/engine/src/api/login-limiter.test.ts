import { describe, expect, it } from 'vitest';
import { LoginLimiter } from './login-limiter.ts';

describe('LoginLimiter', () => {
  it('counts a reservation before it is settled, so the sixth concurrent try for a name is refused', () => {
    const limiter = new LoginLimiter(5, 30, 60_000);
    const held = Array.from({ length: 5 }, () => limiter.reserve('ada', '10.0.0.1', 1_000));
    expect(held.every((r) => r.ok)).toBe(true);
    expect(limiter.reserve('ada', '10.0.0.2', 1_000)).toEqual({ ok: false, retryAfterMs: 60_000 });
    expect(limiter.reserve('bob', '10.0.0.1', 1_000).ok).toBe(true);
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
    expect(limiter.size).toBe(2);
  });
});
