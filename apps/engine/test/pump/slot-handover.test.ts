import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, expect, it } from 'vitest';
import { envelope, makePump } from '../support/pump-harness.ts';
import type { Harness } from '../support/pump-harness.ts';

let h: Harness | undefined;
afterEach(() => h?.dispose());

/** A journal whose commits of outcomes wait until the test opens them (a slow fsync). */
function slowOutcomes(harness: Harness): { log: string[]; open: () => void } {
  const log: string[] = [];
  let open = (): void => undefined;
  const committed = new Promise<void>((resolve) => (open = resolve));
  harness.pump.addHooks({
    onDispatched: (d) => void log.push(`started ${d.id}`),
    onAcknowledged: (d) => {
      log.push(`done ${d.id}`);
      return committed;
    },
    onFailed: (d) => {
      log.push(`failed ${d.id}`);
      return committed;
    },
  });
  return { log, open };
}

it("starts a listener's next delivery while the last one's outcome commits, and writes it down after", async () => {
  const ran: string[] = [];
  h = makePump([
    { name: 'one', root: 'job', concurrency: 1, handler: (_p, ctx) => void ran.push(ctx.messageId) },
  ]);
  const journal = slowOutcomes(h);
  const a = await h.pump.submit(envelope('<job/>', { from: 'c', to: 'one' }));
  const b = await h.pump.submit(envelope('<job/>', { from: 'c', to: 'one' }));
  if (!a.ok || !b.ok) throw new Error('refused');
  const [first, second] = [a.messageIds[0], b.messageIds[0]];
  // Both handlers ran, one at a time, and both outcomes are written down, though neither is committed.
  while (journal.log.length < 4) await sleep(1);
  expect(ran).toEqual([first, second]);
  expect(journal.log).toEqual([`started ${first}`, `done ${first}`, `started ${second}`, `done ${second}`]);
  // Started and not finished: both count as in flight until their outcomes are committed.
  expect(h.pump.inFlightFor('one')).toBe(2);
  expect(h.pump.stats().inFlight).toBe(2);
  journal.open();
  await h.pump.whenQuiet();
  // The thread ends as the last outcome is recorded; its delivery leaves the count right after.
  await sleep(1);
  expect(h.pump.inFlightFor('one')).toBe(0);
  expect(h.pump.stats().inFlight).toBe(0);
  // The listener went busy once and idle once, when the last outcome was recorded.
  const states = h.rec.events.flatMap((e) =>
    e.type === 'listener.state' && e.listener === 'one' ? [`${e.state} ${e.inFlight}`] : [],
  );
  expect(states).toEqual(['processing 1', 'idle 1']);
});

it('holds the slot of a failure until it is written down, then lets the retry wait its turn', async () => {
  let runs = 0;
  h = makePump([
    {
      name: 'flaky',
      root: 'job',
      concurrency: 1,
      maxAttempts: 2,
      handler: () => {
        runs++;
        if (runs === 1) throw new Error('not yet');
      },
    },
  ]);
  const journal = slowOutcomes(h);
  const res = await h.pump.submit(envelope('<job/>', { from: 'c', to: 'flaky' }));
  if (!res.ok) throw new Error('refused');
  const id = res.messageIds[0];
  while (!journal.log.includes(`failed ${id}`)) await sleep(1);
  expect(h.pump.inFlightFor('flaky')).toBe(1);
  journal.open();
  await h.pump.whenQuiet();
  expect(runs).toBe(2);
  expect(journal.log).toEqual([`started ${id}`, `failed ${id}`, `started ${id}`, `done ${id}`]);
});
