import { describe, expect, it } from 'vitest';
import { PolledTask } from './polled-task.ts';

describe('PolledTask', () => {
  it('never runs twice at once: asked while running, it runs once more after, however often asked', async () => {
    let runs = 0;
    let release: () => void = () => {};
    const task = new PolledTask(async () => {
      runs++;
      if (runs === 1) await new Promise<void>((r) => (release = r));
    }, 60_000);
    const first = task.run();
    const asked = [task.run(), task.run(), task.run()];
    expect(runs).toBe(1);
    release();
    await Promise.all([first, ...asked]);
    expect(runs).toBe(2);
  });

  it('asked without pause, runs again only a gap after the run before ended', async () => {
    const ends: number[] = [];
    const starts: number[] = [];
    const task = new PolledTask(
      async () => {
        starts.push(performance.now());
        await new Promise((r) => setTimeout(r, 5));
        ends.push(performance.now());
      },
      60_000,
      () => {},
      40,
    );
    const first = task.run();
    for (let i = 0; i < 5; i++) void task.run();
    await first;
    expect(starts).toHaveLength(2);
    expect(starts[1]! - ends[0]!).toBeGreaterThanOrEqual(39);
    // Asked once, it runs at once.
    const t0 = performance.now();
    await task.run();
    expect(starts[2]! - t0).toBeLessThan(20);
  });

  it('leaves a failed run to the next, says why, and runs on its poll until stopped', async () => {
    const errors: unknown[] = [];
    let runs = 0;
    const task = new PolledTask(
      () => {
        runs++;
        return runs === 1 ? Promise.reject(new Error('outage')) : Promise.resolve();
      },
      10,
      (err) => errors.push(err),
    );
    task.start();
    // Runs on after the failure, every 10 ms (however busy the machine, three runs come in time).
    const deadline = Date.now() + 10_000;
    while (runs < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    task.stop();
    const after = runs;
    expect(after).toBeGreaterThanOrEqual(3);
    expect(errors).toEqual([new Error('outage')]);
    await new Promise((r) => setTimeout(r, 50));
    expect(runs).toBe(after);
    await task.run();
    expect(runs).toBe(after);
  });
});
