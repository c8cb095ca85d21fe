import { describe, expect, it } from 'vitest';
import { TransitionRates } from './transition-rates.ts';

describe('transition rates', () => {
  it('counts the last minute per state, whatever order the writes come in', () => {
    const r = new TransitionRates();
    const now = 1_700_000_000_000;
    for (let i = 0; i < 120; i++) r.add('ACKED', now - 30_000 + (i % 2) * 1_500);
    r.add('FAILED', now - 10_000);
    r.add('ACKED', now - 61_500); // before the window
    r.add('DISCARDED', now); // not a message state
    expect(r.perSecond(now)).toEqual({ PENDING: 0, DISPATCHED: 0, ACKED: 2, FAILED: 1 / 60 });
    expect(r.perSecond(now + 120_000).ACKED).toBe(0);
  });

  it('keeps about two minutes of seconds, however long it runs', () => {
    const r = new TransitionRates();
    for (let s = 0; s < 10_000; s++) r.add('ACKED', s * 1000);
    expect((r as unknown as { seconds: Map<number, unknown> }).seconds.size).toBeLessThanOrEqual(121);
    expect(r.perSecond(10_000 * 1000).ACKED).toBeCloseTo(1, 5);
  });
});
