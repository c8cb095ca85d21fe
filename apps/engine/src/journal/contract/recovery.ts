/** The journal contract's boot recovery: what is handed back, what a redelivery is charged, retry schedules. */
import { expect, it } from 'vitest';
import { oldestFirst } from '../entry-record.ts';
import type { Journal } from '../journal.ts';
import { clock, delivery, failure } from './fixtures.ts';

export function recoveryContract(fresh: () => Promise<Journal>): void {
  it('hands back PENDING and DISPATCHED entries as redeliveries, oldest first', async () => {
    const j = await fresh();
    const [a, b, c, e] = [delivery(), delivery(), delivery(), delivery({ egress: true })];
    if (!a || !b || !c || !e) throw new Error('setup');
    await j.hooks.onIntent?.([a, b, c, e]);
    void j.hooks.onDispatched?.(b);
    await j.hooks.onAcknowledged?.(c, []);
    const back = await j.unfinished();
    expect(back.map((u) => u.delivery.id)).toEqual([a.id, b.id]);
    expect(back.map((u) => u.delivery.attempt)).toEqual([1, 2]);
    expect(back.map((u) => u.nextAttemptAt)).toEqual([null, null]);
    expect(back[0]?.delivery).toMatchObject({ chain: ['client'], payloadXml: a.payloadXml, to: 'greeter' });
    await j.exhaust(b.id, 'attempts ran out before a crash');
    expect(await j.getMessage(b.id)).toMatchObject({ state: 'FAILED', errorCode: 'REDELIVERY_EXHAUSTED' });
    await j.close();
  });

  it('orders what it hands back by creation time, then by id', async () => {
    const j = await fresh();
    // One intent: the entries share their creation time, so the ids decide.
    await j.hooks.onIntent?.(Array.from({ length: 8 }, () => delivery()));
    await j.hooks.onIntent?.(Array.from({ length: 8 }, () => delivery()));
    const back = (await j.unfinished()).map((u) => u.delivery);
    expect(back).toHaveLength(16);
    expect(back.map((d) => d.id)).toEqual([...back].sort(oldestFirst).map((d) => d.id));
    await j.close();
  });

  it('commits a redelivery’s start before its handler can run, charging only what started', async () => {
    const j = await fresh();
    const [poison, queued] = [delivery(), delivery()];
    if (!poison || !queued) throw new Error('setup');
    await j.hooks.onIntent?.([poison, queued]);
    // Each boot hands both back; the poison starts and takes the process down before anything else
    // is written, and the entry queued behind it never starts.
    const seen: number[][] = [];
    for (let boot = 0; boot < 3; boot++) {
      const back = (await j.unfinished()).map((u) => u.delivery);
      seen.push(back.map((d) => d.attempt));
      await j.recordRecovery({ redeliver: back, exhaust: [] });
      const started = back.find((d) => d.id === poison.id);
      if (!started) throw new Error('the poison was not handed back');
      // The pump calls the handler once the start's promise (if the journal returns one) has resolved.
      await j.hooks.onDispatched?.(started);
      expect(await j.getMessage(poison.id)).toMatchObject({
        state: 'DISPATCHED',
        attempts: started.attempt,
      });
    }
    expect(seen).toEqual([
      [1, 1],
      [2, 1],
      [3, 1],
    ]);
    const last = (await j.unfinished()).map((u) => u.delivery);
    await j.recordRecovery({
      redeliver: last.filter((d) => d.id === queued.id),
      exhaust: last.filter((d) => d.id === poison.id).map((d) => ({ delivery: d, detail: 'used up' })),
    });
    expect(await j.getMessage(queued.id)).toMatchObject({ state: 'PENDING', attempts: 0 });
    const dead = await j.getMessage(poison.id);
    expect(dead).toMatchObject({
      state: 'FAILED',
      attempts: 3,
      errorCode: 'REDELIVERY_EXHAUSTED',
      errorDetail: 'used up',
    });
    expect(dead?.transitions.map((t) => `${t.state}:${t.attempt}`)).toEqual([
      'PENDING:1',
      'DISPATCHED:1',
      'DISPATCHED:2',
      'DISPATCHED:3',
      'FAILED:3',
    ]);
    await j.close();
  });

  it('hands back a retry scheduled for later with its time', async () => {
    const j = await fresh();
    const d = delivery();
    await j.hooks.onIntent?.([d]);
    void j.hooks.onDispatched?.(d);
    await j.hooks.onFailed?.(d, failure, { retryAt: clock + 60_000, outputs: [] });
    const [back] = await j.unfinished();
    expect(back).toMatchObject({ nextAttemptAt: clock + 60_000, delivery: { id: d.id, attempt: 2 } });
    await j.close();
  });

  it('counts the unfinished entries addressed to a listener exactly, however many there are', async () => {
    const j = await fresh();
    const mine = Array.from({ length: 620 }, () => delivery());
    const others = [delivery({ to: 'other' }), delivery({ from: 'greeter', to: 'other' })];
    await j.hooks.onIntent?.([...mine, ...others]);
    for (const d of mine.slice(0, 10)) void j.hooks.onDispatched?.(d);
    for (const d of mine.slice(10, 15)) await j.hooks.onAcknowledged?.(d, []);
    for (const d of mine.slice(15, 20)) await j.hooks.onFailed?.(d, failure, { outputs: [] });
    expect(await j.countUnfinished('greeter')).toBe(610);
    expect(await j.countUnfinished('other')).toBe(2);
    expect(await j.countUnfinished('nobody')).toBe(0);
    await j.close();
  });
}
