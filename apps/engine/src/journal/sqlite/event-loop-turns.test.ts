import { afterEach, describe, expect, it } from 'vitest';
import { delivery } from '../journal-contract.ts';
import { SqliteJournal } from './sqlite-journal.ts';
import { tempJournalPaths } from './temp-journal-paths.ts';
import { WriterThread } from './writer-thread.ts';
import { countTurns } from '../../../test/support/loop-turns.ts';

// Producers in the engine's process that record again as soon as a commit resolves (an embedding
// engine's closed loop, the pump's own hops) must leave the event loop its turns: timers (a handler's
// timeout, a retry's schedule), sockets and the writer thread's messages wait for them.

const path = tempJournalPaths('journal-turns-');

/** Holds this thread for `ms`, as parsing and validating a message would. */
function work(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

const silent = { error: () => {}, warn: () => {}, info: () => {}, debug: () => {} };

let closing: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closing.map((close) => close()));
  closing = [];
});

describe('a busy journal and the event loop', () => {
  it("commits on the engine's thread only from a turn of the event loop, never from the promises a commit resolved", async () => {
    const j = new SqliteJournal({ path: path(), durability: 'fast', writerThread: 'never', maxBatch: 16 });
    closing.push(() => j.close());
    const loop = countTurns();
    const started = performance.now();
    let timerAt: number | undefined;
    setTimeout(() => (timerAt = performance.now()), 0);
    // 64 producers record 64 intents, then 64 starts and 64 acknowledgements, a round at a time: batches
    // at the limit of 16 writes, which the journal used to commit there and then, resolving the
    // producers within the same chain of promises, round after round.
    const rounds = 10;
    const producer = async (): Promise<void> => {
      for (let i = 0; i < rounds; i++) {
        const d = delivery();
        work(0.05);
        await j.hooks.onIntent?.([d]);
        work(0.05);
        void j.hooks.onDispatched?.(d);
        await j.hooks.onAcknowledged?.(d, []);
      }
    };
    await Promise.all(Array.from({ length: 64 }, producer));
    const took = performance.now() - started;
    loop.stop();
    // Turns between the rounds (a turn for each round's intents and one for its acknowledgements, here;
    // there were none while the journal committed within the chain).
    expect(loop.turns).toBeGreaterThanOrEqual(rounds);
    // The timer fired after the first round, not once the producers were done.
    expect(timerAt).toBeDefined();
    expect(timerAt! - started).toBeLessThan(took / 2);
  });

  it('hears of batches the writer thread answered from a turn of the event loop of their own', async () => {
    const file = path();
    // The schema, made by a journal that writes on its own thread.
    const j = new SqliteJournal({ path: file, durability: 'fast', writerThread: 'never' });
    closing.push(() => j.close());
    let ready!: () => void;
    const started = new Promise<void>((resolve) => (ready = resolve));
    const thread = new WriterThread(
      { path: file, strict: false, busyTimeoutMs: 2_000, onReady: () => ready(), onLost: () => {} },
      silent,
    );
    closing.push(() => thread.close());
    await started;
    // Each answer sends the next batch, then works while the thread commits it: the next answer has
    // come by the time this one is done with. Node hands a thread's messages over in runs of at least
    // 1,000 without returning to the event loop; told within that run, the chain went on through it.
    let steps = 0;
    let stepsWhenTimerFired: number | undefined;
    await new Promise<void>((resolve, reject) => {
      const step = (): void => {
        if (++steps === 60) return resolve();
        // Set once the chain runs (before, the first answer's way back could outlast it).
        if (steps === 5) setTimeout(() => (stepsWhenTimerFired = steps), 0);
        thread.run([['probe']], ({ error }) => {
          if (error !== undefined) return reject(new Error('a probe failed', { cause: error }));
          step();
          work(5);
        });
      };
      step();
    });
    expect(stepsWhenTimerFired).toBeDefined();
    expect(stepsWhenTimerFired).toBeLessThan(10);
  });
});
