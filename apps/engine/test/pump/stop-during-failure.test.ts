import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { Delivery } from '../../src/pump/delivery.ts';
import { envelope, makePump } from '../support/pump-harness.ts';
import type { Harness } from '../support/pump-harness.ts';

let h: Harness | undefined;
afterEach(() => h?.dispose());

/** A promise and the function that settles it: a journal write the test lets finish when it wants. */
function gate(): { wait: Promise<void>; open: () => void } {
  let open = (): void => undefined;
  const wait = new Promise<void>((resolve) => (open = resolve));
  return { wait, open };
}

describe('a pump stopped while it records an outcome', () => {
  it('schedules no retry once stopped: nothing runs again after stop()', async () => {
    let runs = 0;
    h = makePump([
      {
        name: 'flaky',
        root: 'job',
        maxAttempts: 5,
        handler: () => {
          runs++;
          throw new Error('not yet');
        },
      },
    ]);
    // The journal is still writing the failure (a slow fsync) when the engine stops.
    const write = gate();
    let failedCalls = 0;
    h.pump.addHooks({
      onFailed: () => {
        failedCalls++;
        return write.wait;
      },
    });
    const res = await h.pump.submit(envelope('<job/>', { from: 'c', to: 'flaky' }));
    expect(res.ok).toBe(true);
    while (failedCalls === 0) await sleep(1);
    h.pump.stop();
    write.open();
    // The retry delay is 5–20 ms (pump-harness): a timer that survived the stop would have fired.
    await sleep(100);
    expect(runs).toBe(1);
    expect(h.rec.dispatched.map((d) => d.to)).toEqual(['flaky']);
  });

  it('starts no queued delivery once stopped, even when a running handler frees its slot', async () => {
    const release = gate();
    const started: string[] = [];
    h = makePump([
      {
        name: 'slow',
        root: 'job',
        concurrency: 1,
        handler: async (_p, ctx) => {
          started.push(ctx.messageId);
          await release.wait;
        },
      },
    ]);
    const dispatched: Delivery[] = [];
    h.pump.addHooks({ onDispatched: (d) => void dispatched.push(d) });
    await h.pump.submit(envelope('<job/>', { from: 'c', to: 'slow' }));
    await h.pump.submit(envelope('<job/>', { from: 'c', to: 'slow' }));
    while (started.length === 0) await sleep(1);
    h.pump.stop();
    release.open();
    await sleep(50);
    // The second delivery stays unfinished in the journal for the next start; it never reaches a
    // handler (or a closed journal's onDispatched) in this one.
    expect(started).toHaveLength(1);
    expect(dispatched).toHaveLength(1);
  });
});
