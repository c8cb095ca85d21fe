import { describe, expect, it } from 'vitest';
import type { MapNode } from './graph-model';
import type { MapLayout } from './layout';
import { LISTENER_SIZE } from './layout';
import { fitReadable, keptInView } from './viewport';

const listener = (id: string, failed: number): MapNode =>
  ({ id, kind: 'listener', listener: { name: id, failed } }) as unknown as MapNode;

/** Where a drawing's point lands on the screen under a viewport. */
const onScreen = (v: { x: number; y: number; zoom: number }, x: number, y: number) => ({
  x: x * v.zoom + v.x,
  y: y * v.zoom + v.y,
});

describe('fitReadable', () => {
  const wide = { x: 0, y: 0, width: 3000, height: 1600 };

  it('shows a small drawing whole, and a large one at a readable zoom from its start', () => {
    expect(fitReadable({ x: 0, y: 0, width: 600, height: 300 }, 1000, 500)).toMatchObject({ clipped: false });
    const v = fitReadable(wide, 1000, 500);
    expect(v).toMatchObject({ zoom: 0.75, clipped: true });
    expect(onScreen(v, 0, 0)).toEqual({ x: 16, y: 16 });
  });

  it('moves a clipped drawing just enough that the box to keep shows, within the margins', () => {
    // Far right and low: moved left and up until its far corner is 16 px inside.
    const box = { x: 2500, y: 1200, width: 220, height: 96 };
    const v = fitReadable(wide, 1000, 500, box);
    const end = onScreen(v, box.x + box.width, box.y + box.height);
    expect(end).toEqual({ x: 1000 - 16, y: 500 - 16 });
    // Already in view at the start: nothing moves.
    expect(fitReadable(wide, 1000, 500, { x: 100, y: 100, width: 220, height: 96 })).toEqual(
      fitReadable(wide, 1000, 500),
    );
    // Larger than the window: its start shows.
    const big = { x: 1500, y: 0, width: 2000, height: 96 };
    expect(onScreen(fitReadable(wide, 1000, 500, big), big.x, big.y).x).toBe(16);
  });
});

describe('keptInView', () => {
  const layout: MapLayout = {
    positions: new Map([
      ['a', { x: 0, y: 0 }],
      ['b', { x: 400, y: 0 }],
      ['c', { x: 800, y: 300 }],
    ]),
    paths: new Map(),
    labels: new Map(),
  };

  it('keeps the listener the map was opened for, else the one failing most, else none', () => {
    const nodes = [listener('a', 0), listener('b', 3), listener('c', 9)];
    expect(keptInView(layout, nodes, 'a')).toEqual({ x: 0, y: 0, ...LISTENER_SIZE });
    expect(keptInView(layout, nodes, null)).toEqual({ x: 800, y: 300, ...LISTENER_SIZE });
    expect(keptInView(layout, [listener('a', 0), listener('b', 0)], null)).toBeUndefined();
    // A focus that is not on the map (a listener gone) falls back to the failing one.
    expect(keptInView(layout, nodes, 'gone')).toEqual({ x: 800, y: 300, ...LISTENER_SIZE });
  });
});
