import ELK from 'elkjs/lib/elk.bundled.js';
import { describe, expect, it } from 'vitest';
import type { LayoutEdge, MapNode } from './graph-model';
import { elkGraph } from './layout';

const listener = (id: string): MapNode =>
  ({ id, kind: 'listener', listener: { name: id } }) as unknown as MapNode;
const producer = (id: string): MapNode => ({ id, kind: 'producer', sent: 1, received: 1, degree: 1 });
const pair = (source: string, target: string): LayoutEdge => ({
  id: `${source}\u2194${target}`,
  source,
  target,
  kind: 'pair',
});

describe('elkGraph', () => {
  it('lays out a map where one outside producer talks to another (a listener a reload removed)', async () => {
    // console:admin sent to `echo` while it was a listener; a rollback removed it, so both are producers.
    const nodes = [listener('greeter'), producer('console:admin'), producer('echo'), producer('traffic')];
    const edges = [
      pair('console:admin', 'echo'),
      pair('traffic', 'greeter'),
      pair('console:admin', 'greeter'),
    ];
    const graph = elkGraph(nodes, edges);
    const first = (id: string) =>
      graph.children?.find((c) => c.id === id)?.layoutOptions?.['elk.layered.layering.layerConstraint'];
    expect(first('console:admin')).toBe('FIRST');
    expect(first('traffic')).toBe('FIRST');
    // ELK fails on an edge between two nodes both constrained to the first layer.
    expect(first('echo')).toBeUndefined();
    const out = await new ELK().layout(graph);
    const x = (id: string) => out.children?.find((c) => c.id === id)?.x ?? NaN;
    expect(x('echo')).toBeGreaterThan(x('console:admin'));
    expect(out.edges?.every((e) => (e.sections?.length ?? 0) > 0)).toBe(true);
  });
});
