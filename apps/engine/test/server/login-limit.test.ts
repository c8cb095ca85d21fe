import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PASSWORD, startHarness } from '../support/server-harness.ts';
import type { ServerHarness } from '../support/server-harness.ts';

const times = <T>(n: number, value: T): T[] => Array.from({ length: n }, () => value);

interface Outcome {
  error?: { data: { httpStatus: number; engineCode: string } };
  result?: unknown;
}

// Each test gets its own engine, and so its own limiter: the address limit spans every name.
let h: ServerHarness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => h.close());

const login = (name: string, password: string, forwardedFor?: string): Promise<Response> =>
  fetch(`${h.url}/trpc/auth.login`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(forwardedFor ? { 'x-forwarded-for': forwardedFor } : {}),
    },
    body: JSON.stringify({ name, password }),
  });

/** How many sign-ins were actually checked against a password hash and failed (each is audited). */
async function checkedFailures(): Promise<number> {
  const page = await h.store.listAudit({ limit: 500, action: 'auth.login' });
  return page.items.filter((e) => e.error === 'wrong name or password').length;
}

describe('the sign-in limit: 5 failures per name from an address, 50 per name, 30 per address a minute', () => {
  it('checks only 5 of 12 parallel wrong passwords for one name and refuses the rest with 429', async () => {
    const responses = await Promise.all(Array.from({ length: 12 }, (_, i) => login('admin', `wrong-${i}`)));
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses).toEqual([...times(5, 401), ...times(7, 429)]);
    for (const r of responses.filter((r) => r.status === 429)) {
      expect(Number(r.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(Number(r.headers.get('retry-after'))).toBeLessThanOrEqual(60);
      expect(((await r.json()) as Outcome).error?.data.engineCode).toBe('RATE_LIMITED');
    }
    expect(await checkedFailures()).toBe(5);
    // The name stays locked from this address even for its right password; another name from the same
    // address does not, nor the same name from another address (its owner, elsewhere).
    expect((await login('admin', PASSWORD)).status).toBe(429);
    expect((await login('viewer', PASSWORD)).status).toBe(200);
    expect((await login('admin', PASSWORD, '10.0.0.9')).status).toBe(200);
  });

  it('cannot multiply attempts by batching ten auth.login calls in one request', async () => {
    const paths = Array(10).fill('auth.login').join(',');
    const inputs = Object.fromEntries(
      Array.from({ length: 10 }, (_, i) => [i, { name: 'admin', password: `w${i}` }]),
    );
    const res = await fetch(`${h.url}/trpc/${paths}?batch=1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(inputs),
    });
    const outcomes = (await res.json()) as Outcome[];
    const codes = outcomes.map((o) => o.error?.data.engineCode).sort();
    expect(codes).toEqual([...times(5, 'RATE_LIMITED'), ...times(5, 'UNAUTHORIZED')]);
    expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(await checkedFailures()).toBe(5);
  });

  it('checks at most 30 sign-ins from one address, whatever the names', async () => {
    const names = Array.from({ length: 40 }, (_, i) => `nobody-${i}`);
    const statuses = (await Promise.all(names.map((n) => login(n, 'wrong')))).map((r) => r.status).sort();
    expect(statuses).toEqual([...times(30, 401), ...times(10, 429)]);
    expect(await checkedFailures()).toBe(30);
  });

  it('forgets a name’s failures once it signs in', async () => {
    for (let i = 0; i < 4; i++) expect((await login('operator', `wrong-${i}`)).status).toBe(401);
    expect((await login('operator', PASSWORD)).status).toBe(200);
    const again = await Promise.all(Array.from({ length: 6 }, (_, i) => login('operator', `again-${i}`)));
    expect(again.map((r) => r.status).sort()).toEqual([...times(5, 401), 429]);
  });

  it('counts browsers behind the console’s proxy on loopback by their forwarded address, not as one', async () => {
    // The harness connects over loopback, as the console's Next.js server does: its last hop is trusted.
    const first = await Promise.all(
      Array.from({ length: 30 }, (_, i) => login(`nobody-${i}`, 'wrong', '10.0.0.1')),
    );
    expect(first.every((r) => r.status === 401)).toBe(true);
    expect((await login('nobody-x', 'wrong', '10.0.0.1')).status).toBe(429);
    // Another browser is not locked out by the first one's failures…
    expect((await login('viewer', PASSWORD, '10.0.0.2')).status).toBe(200);
    // …and a client cannot pick its address by prepending hops: only the proxy's own (last) hop counts.
    expect((await login('nobody-y', 'wrong', '10.0.0.2, 10.0.0.1')).status).toBe(429);
  });
});
