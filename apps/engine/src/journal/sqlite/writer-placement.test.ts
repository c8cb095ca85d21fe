import { describe, expect, it } from 'vitest';
import { TO_ENGINE_TICKS, TO_THREAD_TICKS, WriterPlacement } from './writer-placement.ts';
import type { Placement } from './writer-placement.ts';

/** Where the commits are after each tick of `ticks` ([engine, writer] utilizations), starting at `from`. */
function follow(from: Placement, ticks: [number, number][]): Placement[] {
  const placement = new WriterPlacement();
  let where = from;
  return ticks.map(([engine, writer]) => (where = placement.tick(where, engine, writer) ?? where));
}

const repeat = (n: number, tick: [number, number]): [number, number][] =>
  Array.from({ length: n }, () => tick);

describe('where an adaptive journal commits', () => {
  it("keeps the commits on the engine's thread while its event loop has time to spare", () => {
    expect(follow('engine', repeat(100, [0.7, 0]))).not.toContain('thread');
  });

  it('sends them to the writer thread once the event loop is busy for a second, not for a moment', () => {
    const busy = follow('engine', repeat(TO_THREAD_TICKS, [0.9, 0]));
    expect(busy).toEqual([...Array<Placement>(TO_THREAD_TICKS - 1).fill('engine'), 'thread']);
    // One busy tick among quiet ones averages out.
    expect(
      follow('engine', [
        [0.9, 0],
        [0.5, 0],
        [0.6, 0],
        [0.9, 0],
        [0.5, 0],
        [0.6, 0],
      ]),
    ).not.toContain('thread');
  });

  it('sends them at once when the event loop is saturated', () => {
    expect(
      follow('engine', [
        [0.3, 0],
        [0.99, 0],
      ]),
    ).toEqual(['engine', 'thread']);
  });

  it('brings them back once both threads together stay well within one', () => {
    const back = follow('thread', repeat(TO_ENGINE_TICKS, [0.35, 0.4]));
    expect(back.at(-2)).toBe('thread');
    expect(back.at(-1)).toBe('engine');
  });

  it('leaves them on the thread under a load the engine alone would be busy with', () => {
    // 2,000 msg/s on the development machine: about 0.55 and 0.6 with the thread; the engine's thread
    // alone would be saturated.
    expect(follow('thread', repeat(100, [0.55, 0.6]))).not.toContain('engine');
  });

  it('starts counting afresh after each move', () => {
    const placement = new WriterPlacement();
    for (let i = 0; i < TO_THREAD_TICKS - 1; i++) placement.tick('engine', 0.9, 0);
    expect(placement.tick('engine', 0.9, 0)).toBe('thread');
    // The way back takes its whole window after the move.
    for (let i = 0; i < TO_ENGINE_TICKS - 1; i++) expect(placement.tick('thread', 0.3, 0.3)).toBeUndefined();
    expect(placement.tick('thread', 0.3, 0.3)).toBe('engine');
  });
});
