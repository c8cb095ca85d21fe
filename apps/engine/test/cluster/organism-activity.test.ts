import { afterEach, describe, expect, it } from 'vitest';
import { PostgresJournal } from '../../src/journal/postgres/postgres-journal.ts';
import { freshPostgres } from '../../src/journal/postgres/postgres-test.ts';
import { DEMO, demoGreeting, post, startHarness } from '../support/server-harness.ts';
import type { ServerHarness } from '../support/server-harness.ts';
import { until } from '../support/until.ts';

const running: ServerHarness[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((h) => h.close()));
});

describe('what the console shows across engines on one PostgreSQL journal', () => {
  it('counts every engine’s routes, listeners and rates, whichever engine is asked', async () => {
    const db = freshPostgres();
    const a = await startHarness(DEMO, await PostgresJournal.open(db));
    running.push(a);
    const b = await startHarness(DEMO, await PostgresJournal.open(db), { joining: true });
    running.push(b);
    // Posted to b only, and delivered by whichever engine claims each hop.
    for (let i = 0; i < 6; i++) expect((await post(b, demoGreeting(i))).status).toBe(202);
    await Promise.all([a.engine.whenQuiet(), b.engine.whenQuiet()]);

    const greeter = async (h: ServerHarness): Promise<number | undefined> => {
      const viewer = await h.client('viewer');
      const { routes } = await viewer.listeners.routes.query({});
      return routes.find((r) => r.to === 'greeter' && r.from !== 'shouter')?.count;
    };
    // Each engine shares what it counted about once a second.
    for (const h of [a, b])
      await until('all six counted', async () => ((await greeter(h)) === 6 ? true : undefined), 10_000);
    // Neither engine alone necessarily delivered all six: the figures are the organism's.
    const own = (h: ServerHarness) =>
      h.engine['queries']['routeTracker']
        .routes(300)
        .routes.find((r) => r.to === 'greeter' && r.from !== 'shouter')?.count ?? 0;
    expect(own(a) + own(b)).toBe(6);

    // The listeners' figures in the live stream's activity items too. The route above can be complete
    // in a share taken before the later hops (the shouter's answers to the greeter) finished, so the two
    // views agree only once each engine has shared what it counted after going quiet.
    const received = (h: ServerHarness): number | undefined =>
      h.engine['queries']['live'].activity().listeners.find((l) => l.name === 'greeter')?.received;
    await until(
      'both engines show the same greeter figures',
      () => (received(a) !== undefined && received(a) === received(b) ? true : undefined),
      10_000,
    );
    expect(received(a)).toBeGreaterThanOrEqual(6);

    // The overview's rates: every ACKED transition of the last minute, on either engine.
    const viewer = await a.client('viewer');
    const stats = await viewer.journal.stats.query();
    await until(
      'the rates shared',
      async () => {
        const [x, y] = await Promise.all(
          [a, b].map(
            async (h) => (await (await h.client('viewer')).journal.stats.query()).ratePerSecond.ACKED * 60,
          ),
        );
        return Math.round(x ?? 0) === stats.counts.ACKED && Math.round(y ?? 0) === stats.counts.ACKED
          ? true
          : undefined;
      },
      10_000,
    );

    // An engine that stopped counts no more: its figures leave the others' views at their next look.
    const before = await greeter(a);
    const bOwn = own(b);
    await b.close();
    running.splice(running.indexOf(b), 1);
    await until(
      'b’s figures gone from a’s view',
      async () => (((await greeter(a)) ?? 0) === (before ?? 0) - bOwn ? true : undefined),
      5_000,
    );
  });
});
