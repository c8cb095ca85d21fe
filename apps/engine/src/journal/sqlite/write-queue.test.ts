import { describe, expect, it } from 'vitest';
import type { Log } from '@organism/shared';
import { WriteRecorder } from './write-ops.ts';
import type { WriteOp } from './write-ops.ts';
import { WriteQueue } from './write-queue.ts';
import type { BatchOutcome, WriteSink } from './write-queue.ts';

const quiet: Log = { error: () => {}, warn: () => {}, info: () => {}, debug: () => {} };

/** A sink like the writer thread's, which answers only when told to (`answer`). */
function heldSink(limits: Pick<WriteSink, 'depth' | 'batchLimit' | 'mergeLimit'>) {
  const given: { ops: WriteOp[]; done: (o: BatchOutcome) => void }[] = [];
  const sizes: number[] = [];
  const sink: WriteSink = {
    ...limits,
    run(ops, done) {
      sizes.push(ops.length);
      given.push({ ops, done });
    },
  };
  const answer = (): void => given.shift()?.done({});
  return {
    sink,
    sizes,
    answer,
    get out() {
      return given.length;
    },
  };
}

describe('the write queue', () => {
  it('merges the batches waiting behind a busy sink up to its merge limit', async () => {
    const held = heldSink({ depth: 2, batchLimit: 4, mergeLimit: 8 });
    const queue = new WriteQueue(held.sink, new WriteRecorder(Date.now, () => {}), quiet);
    const commits: Promise<void>[] = [];
    // Two batches of four go out at once, sealed as each fills; ten more batches of four wait.
    for (let i = 0; i < 48; i++) commits.push(queue.commit((w) => w.probe()));
    expect(held.sizes).toEqual([4, 4]);
    // Each answer lets one more out: two of the waiting batches merged, never more.
    while (held.out > 0) {
      held.answer();
      await new Promise((r) => setImmediate(r));
    }
    expect(held.sizes).toEqual([4, 4, 8, 8, 8, 8, 8]);
    await Promise.all(commits);
  });

  it('shares what waits among the free slots when a sink takes over, so that it is not one batch alone', async () => {
    const first = heldSink({ depth: 1, batchLimit: 4, mergeLimit: 4 });
    const queue = new WriteQueue(first.sink, new WriteRecorder(Date.now, () => {}), quiet);
    const second = heldSink({ depth: 2, batchLimit: 4, mergeLimit: 64 });
    const commits = Array.from({ length: 4 }, () => queue.commit((w) => w.probe()));
    expect(first.sizes).toEqual([4]);
    queue.use(second.sink);
    // Six batches of four wait for the first sink's batch to be answered.
    for (let i = 0; i < 24; i++) commits.push(queue.commit((w) => w.probe()));
    first.answer();
    // Merged whole, all 24 went out as one batch and every message waited on it, the second slot empty:
    // their next writes came back together, and the writer thread kept that lock-step.
    expect(second.sizes).toEqual([12, 12]);
    second.answer();
    second.answer();
    await Promise.all(commits);
  });

  it('merges at most twice the batch still out, unless more than eight batches wait', async () => {
    const held = heldSink({ depth: 2, batchLimit: 4, mergeLimit: 1000 });
    const queue = new WriteQueue(held.sink, new WriteRecorder(Date.now, () => {}), quiet);
    const commits = Array.from({ length: 8 }, () => queue.commit((w) => w.probe()));
    expect(held.sizes).toEqual([4, 4]);
    // Four batches wait behind the two out: beside a batch of four, a merged one holds eight, not all
    // sixteen (the lock-step of 1,024, 256 and 256 writes: bench/NOTES.md).
    for (let i = 0; i < 16; i++) commits.push(queue.commit((w) => w.probe()));
    held.answer();
    expect(held.sizes).toEqual([4, 4, 8]);
    held.answer();
    expect(held.sizes).toEqual([4, 4, 8, 8]);
    // Ten batches wait (more than eight's worth): a writer this far behind takes them all.
    for (let i = 0; i < 40; i++) commits.push(queue.commit((w) => w.probe()));
    held.answer();
    expect(held.sizes).toEqual([4, 4, 8, 8, 40]);
    while (held.out > 0) held.answer();
    await Promise.all(commits);
  });

  it('hands the next batches to another sink once the batches out are answered, and tells it first', async () => {
    const first = heldSink({ depth: 2, batchLimit: 4, mergeLimit: 8 });
    const queue = new WriteQueue(first.sink, new WriteRecorder(Date.now, () => {}), quiet);
    const events: string[] = [];
    const second: WriteSink = {
      depth: 1,
      batchLimit: 100,
      mergeLimit: 100,
      synchronous: true,
      activate: () => events.push('activated'),
      run(ops, done) {
        events.push(`ran ${ops.length}`);
        done({});
      },
    };
    const before = Array.from({ length: 8 }, () => queue.commit((w) => w.probe()));
    expect(first.sizes).toEqual([4, 4]);
    queue.use(second);
    const after = queue.commit((w) => w.probe());
    await new Promise((r) => setImmediate(r));
    // Nothing goes to the second sink while the first has batches out.
    expect(events).toEqual([]);
    first.answer();
    await new Promise((r) => setImmediate(r));
    expect(events).toEqual([]);
    first.answer();
    await Promise.all([...before, after]);
    expect(events).toEqual(['activated', 'ran 1']);
  });
});
