import { describe, expect, it } from 'vitest';
import type { LayoutEdge, MapNode } from './graph-model';
import { sizeOf } from './layout';
import { quickLayout } from './quick-layout';

const listener = (id: string): MapNode =>
  ({ id, kind: 'listener', listener: { name: id } }) as unknown as MapNode;
const producer = (id: string, degree: number): MapNode => ({
  id,
  kind: 'producer',
  sent: 1,
  received: 0,
  degree,
});
const edge = (source: string, target: string): LayoutEdge => ({
  id: `${source}\u2194${target}`,
  source,
  target,
  kind: 'pair',
});

/** A dense organism like the benchmark's: a producer feeding five listeners that all talk to each other. */
function dense(): { nodes: MapNode[]; edges: LayoutEdge[] } {
  const names = Array.from({ length: 12 }, (_, i) => `l${i}`);
  const edges = names.slice(0, 5).map((n) => edge('traffic', n));
  for (const [i, a] of names.entries())
    for (const b of names.slice(i + 1)) if ((i * 7 + b.length) % 3 !== 0) edges.push(edge(a, b));
  return { nodes: [...names.map(listener), producer('traffic', 5)], edges };
}

describe('quickLayout', () => {
  it('places producers first, then every node by its hops from them, left to right', () => {
    const nodes = [listener('a'), listener('b'), listener('c'), producer('p', 1)];
    const edges = [edge('p', 'a'), edge('a', 'b'), edge('b', 'c'), edge('a', 'c')];
    const { positions } = quickLayout(nodes, edges);
    const x = (id: string) => positions.get(id)!.x;
    expect(x('p')).toBeLessThan(x('a'));
    expect(x('a')).toBeLessThan(x('b'));
    // c is two hops away whichever way: in b's column.
    expect(x('c')).toBe(x('b'));
  });

  it('never lets two boxes overlap, and gives every line a path from its source to its target', () => {
    const { nodes, edges } = dense();
    const { positions, paths, labels } = quickLayout(nodes, edges);
    const boxes = nodes.map((n) => ({ id: n.id, ...positions.get(n.id)!, ...sizeOf(n) }));
    for (const [i, a] of boxes.entries())
      for (const b of boxes.slice(i + 1)) {
        const apart =
          a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y;
        expect(apart, `${a.id} and ${b.id} overlap`).toBe(true);
      }
    expect([...paths.keys()].sort()).toEqual(edges.map((e) => e.id).sort());
    for (const e of edges) {
      const path = paths.get(e.id)!;
      const from = boxes.find((b) => b.id === e.source)!;
      const to = boxes.find((b) => b.id === e.target)!;
      const touches = (p: { x: number; y: number }, b: typeof from) =>
        p.x >= b.x && p.x <= b.x + b.width && p.y >= b.y && p.y <= b.y + b.height;
      expect(touches(path[0]!, from), `${e.id} starts at ${e.source}`).toBe(true);
      expect(touches(path.at(-1)!, to), `${e.id} ends at ${e.target}`).toBe(true);
    }
    // No room is reserved for rates: a busy map shows them on hover.
    expect(labels.size).toBe(0);
  });

  it('places the same organism the same way every time, and puts unreached nodes in a last column', () => {
    const { nodes, edges } = dense();
    const lonely = listener('lonely');
    const once = quickLayout([...nodes, lonely], edges);
    const again = quickLayout([...nodes, lonely], edges);
    expect([...again.positions]).toEqual([...once.positions]);
    const xs = [...once.positions.values()].map((p) => p.x);
    expect(once.positions.get('lonely')!.x).toBe(Math.max(...xs));
  });

  it('draws an organism with no producer from the listeners nothing sends to', () => {
    const nodes = [listener('b'), listener('a')];
    const { positions } = quickLayout(nodes, [edge('a', 'b')]);
    expect(positions.get('a')!.x).toBeLessThan(positions.get('b')!.x);
  });
});
