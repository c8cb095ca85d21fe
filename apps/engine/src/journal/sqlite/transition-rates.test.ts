import { describe, expect, it } from 'vitest';
import { SqliteJournal } from './sqlite-journal.ts';
import { TransitionRates } from './transition-rates.ts';

describe('transition rates', () => {
  it('counts the last minute per state, whatever order the writes come in', () => {
    const now = 1_700_000_000_000;
    const r = new TransitionRates(now - 120_000);
    for (let i = 0; i < 120; i++) r.add('ACKED', now - 30_000 + (i % 2) * 1_500, 1);
    r.add('FAILED', now - 10_000, 1);
    r.add('ACKED', now - 61_500, 1); // before the window
    r.add('DISCARDED', now, 0); // not a message state
    expect(r.perSecond(now)).toEqual({ PENDING: 0, DISPATCHED: 0, ACKED: 2, FAILED: 1 / 60 });
    expect(r.perSecond(now + 120_000).ACKED).toBe(0);
  });

  it('keeps a little more than five minutes of seconds, however long it runs', () => {
    const r = new TransitionRates(0);
    for (let s = 0; s < 10_000; s++) r.add('ACKED', s * 1000, 1);
    expect((r as unknown as { seconds: Map<number, unknown> }).seconds.size).toBeLessThanOrEqual(316);
    expect(r.perSecond(10_000 * 1000).ACKED).toBeCloseTo(1, 5);
  });

  it('gives five minutes of outcomes per second, rejections apart, unknown before it started', () => {
    const started = 1_700_000_000_000;
    const r = new TransitionRates(started);
    const now = started + 60_500;
    const second = (s: number): number => Math.floor(started / 1000) + s;
    // The process lived through its first minute but for seconds 30 to 39 (stopped, or held).
    for (let s = 0; s <= 60; s++) if (s < 30 || s > 39) r.alive(second(s) * 1000 + 100);
    r.add('ACKED', second(10) * 1000, 1);
    r.add('ACKED', second(10) * 1000 + 999, 2);
    r.add('FAILED', second(10) * 1000 + 5, 3);
    r.add('FAILED', second(10) * 1000 + 6, 0); // refused at intake
    r.add('PENDING', second(10) * 1000 + 7, 1); // not an outcome
    r.add('ACKED', second(60) * 1000, 1); // the current second: still filling, left out
    const h = r.history(now);
    expect(h.delivered).toHaveLength(300);
    expect(h.start + 299).toBe(second(59));
    expect(h.since).toBe(second(0));
    const at = (s: number): number => s - h.start;
    expect(h.delivered[at(second(10))]).toBe(2);
    expect(h.failed[at(second(10))]).toBe(1);
    expect(h.rejected[at(second(10))]).toBe(1);
    expect(h.delivered[at(second(11))]).toBe(0);
    expect(h.delivered[at(second(-1))]).toBeNull();
    expect(h.delivered.at(-1)).toBe(0);
    // Not lived through: unknown, a gap on the chart, rather than zeros it never counted.
    expect([29, 30, 39, 40].map((s) => h.delivered[at(second(s))])).toEqual([0, null, null, 0]);
    expect(h.failed[at(second(35))]).toBeNull();
  });

  it('counts the second the journal answers in as lived through, before its timer says so', async () => {
    // The journal's clock moves on to the next second; the timer that notes each second (every 250 ms)
    // has not run since, as when the event loop is busy: asked then, the second is known, not a gap.
    let clock = 1_700_000_000_900;
    const j = new SqliteJournal({ path: ':memory:', durability: 'fast', now: () => clock });
    try {
      clock += 200;
      const h = await j.throughput(clock + 1_000);
      expect(h.start + 299).toBe(Math.floor(clock / 1000));
      expect(h.delivered.at(-1)).toBe(0);
    } finally {
      await j.close();
    }
  });
});
