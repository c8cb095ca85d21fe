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
    await new Promise((r) => setTimeout(r, 100));
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
