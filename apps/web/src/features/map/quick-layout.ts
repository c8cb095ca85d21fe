import type { LayoutEdge, MapNode } from './graph-model';
import type { MapLayout, Point } from './layout';
import { LABEL_SIZE, sizeOf } from './layout';

/** Room between two layers: a pair's label and a little air on each side, as ELK leaves it. */
const LAYER_GAP = LABEL_SIZE.width + 56;
const NODE_GAP = 40;
const SWEEPS = 4;

/**
 * A first placement of the map drawn in a millisecond while ELK lays it out properly in its worker (a second
 * or two of CPU on a busy organism, cold): layered left to right like ELK's (producers first, then by hops
 * from them), ordered in each layer by the barycentre of its neighbours, lines drawn with one step between
 * the layers (a bow on the right between two boxes of one layer). No label boxes: the pairs' rates appear
 * once ELK has found room for them.
 */
export function quickLayout(nodes: MapNode[], edges: LayoutEdge[]): MapLayout {
  const layer = layers(nodes, edges);
  const byLayer: MapNode[][] = [];
  for (const n of nodes) (byLayer[layer.get(n.id) ?? 0] ??= []).push(n);
  const columns = byLayer.filter((c) => c.length > 0);
  order(columns, edges);

  const positions = new Map<string, Point>();
  const heights = columns.map((c) => c.reduce((h, n) => h + sizeOf(n).height, 0) + NODE_GAP * (c.length - 1));
  const tallest = Math.max(0, ...heights);
  let x = 16;
  columns.forEach((column, i) => {
    let y = 16 + (tallest - (heights[i] ?? 0)) / 2;
    for (const n of column) {
      positions.set(n.id, { x, y });
      y += sizeOf(n).height + NODE_GAP;
    }
    x += Math.max(...column.map((n) => sizeOf(n).width)) + LAYER_GAP;
  });

  const sizes = new Map(nodes.map((n) => [n.id, sizeOf(n)]));
  const paths = new Map<string, Point[]>();
  edges.forEach((e, i) => {
    const a = positions.get(e.source);
    const b = positions.get(e.target);
    const sa = sizes.get(e.source);
    const sb = sizes.get(e.target);
    if (!a || !b || !sa || !sb) return;
    const from = { x: a.x + sa.width, y: a.y + sa.height / 2 };
    const to = { x: b.x, y: b.y + sb.height / 2 };
    if (to.x > from.x) {
      // One vertical step between the layers, spread so that lines leaving one layer do not all share it.
      const mid = from.x + 24 + ((i * 13) % (LAYER_GAP - 48));
      paths.set(e.id, [from, { x: mid, y: from.y }, { x: mid, y: to.y }, to]);
    } else if (b.x + sb.width < a.x) {
      paths.set(e.id, [
        { x: a.x, y: from.y },
        { x: b.x + sb.width, y: to.y },
      ]);
    } else {
      const bow = Math.max(a.x + sa.width, b.x + sb.width) + 16 + ((i * 7) % 32);
      const end = { x: b.x + sb.width, y: to.y };
      paths.set(e.id, [from, { x: bow, y: from.y }, { x: bow, y: end.y }, end]);
    }
  });
  return { positions, paths, labels: new Map() };
}

/**
 * Hops from the producers along the lines (from the nodes nothing sends to when there is no producer):
 * wide and shallow, so the first picture is readable at a glance; nodes nothing reaches come last.
 */
function layers(nodes: MapNode[], edges: LayoutEdge[]): Map<string, number> {
  const out = new Map<string, string[]>();
  const fed = new Set<string>();
  for (const e of edges)
    if (e.source !== e.target) {
      out.set(e.source, [...(out.get(e.source) ?? []), e.target]);
      fed.add(e.target);
    }
  const producers = nodes.filter((n) => n.kind === 'producer');
  const roots = producers.length ? producers : nodes.filter((n) => !fed.has(n.id));
  const layer = new Map<string, number>();
  let frontier = (roots.length ? roots : nodes.slice(0, 1)).map((n) => n.id);
  for (const id of frontier) layer.set(id, 0);
  let depth = 0;
  while (frontier.length) {
    depth++;
    const next: string[] = [];
    for (const id of frontier)
      for (const to of out.get(id) ?? [])
        if (!layer.has(to)) {
          layer.set(to, depth);
          next.push(to);
        }
    frontier = next;
  }
  for (const n of nodes) if (!layer.has(n.id)) layer.set(n.id, depth);
  return layer;
}

/** Reorders each layer by the mean position of its neighbours in the layers before it, then after it. */
function order(columns: MapNode[][], edges: LayoutEdge[]): void {
  const neighbours = new Map<string, string[]>();
  for (const e of edges) {
    neighbours.set(e.source, [...(neighbours.get(e.source) ?? []), e.target]);
    neighbours.set(e.target, [...(neighbours.get(e.target) ?? []), e.source]);
  }
  const column = new Map<string, number>();
  columns.forEach((c, i) => c.forEach((n) => column.set(n.id, i)));
  const rank = new Map<string, number>();
  const rerank = () => columns.forEach((c) => c.forEach((n, i) => rank.set(n.id, i)));
  rerank();
  for (let sweep = 0; sweep < SWEEPS; sweep++) {
    const down = sweep % 2 === 0;
    const indices = columns.map((_, i) => i);
    for (const i of down ? indices.slice(1) : indices.reverse().slice(1)) {
      const c = columns[i] as MapNode[];
      const score = new Map<string, number>();
      for (const [k, n] of c.entries()) {
        const near = (neighbours.get(n.id) ?? []).filter((m) => {
          const j = column.get(m) ?? i;
          return down ? j < i : j > i;
        });
        score.set(n.id, near.length ? near.reduce((s, m) => s + (rank.get(m) ?? 0), 0) / near.length : k);
      }
      c.sort((a, b) => (score.get(a.id) ?? 0) - (score.get(b.id) ?? 0));
      rerank();
    }
  }
}
