import type { ListenerInfo } from '@/lib/live-listeners';
import type { RouteStats } from '@organism/shared';

/** A box on the map: a listener, or an outside producer (a `from`/`to` name that is no listener). */
export type MapNode =
  | { id: string; kind: 'listener'; listener: ListenerInfo }
  | { id: string; kind: 'producer'; sent: number; received: number; degree: number };

/**
 * What the layout places: one edge per pair of talking nodes, pointed the way messages first flow (from
 * producers inward), plus an agent's allowed peers that it has not used. Replies travel the same line
 * back, drawn as the pair's second lane, so a request and its reply never cross the map twice.
 */
export interface LayoutEdge {
  id: string;
  source: string;
  target: string;
  /** 'pair': routes between source and target (one or both ways); 'peer': an allowed, unused peer. */
  kind: 'pair' | 'peer';
}

export interface MapModel {
  nodes: MapNode[];
  layoutEdges: LayoutEdge[];
  routes: RouteStats[];
  /** Changes only when a node or a layout edge comes or goes: the layout runs again only then. */
  shape: string;
}

export const routeKey = (r: { from: string; to: string }) => `${r.from}\u2192${r.to}`;
export const pairKey = (a: string, b: string) => (a < b ? `${a}\u2194${b}` : `${b}\u2194${a}`);

/**
 * The map's nodes and edges from the listeners and the routes messages took. System listeners appear only
 * once messages reach them; producers only as routes name them.
 */
export function buildMapModel(listeners: ListenerInfo[], routes: RouteStats[]): MapModel {
  const byName = new Map(listeners.map((l) => [l.name, l]));
  const routed = new Set(routes.flatMap((r) => [r.from, r.to]));
  const nodes: MapNode[] = listeners
    .filter((l) => !l.system || routed.has(l.name))
    .map((l) => ({ id: l.name, kind: 'listener', listener: l }));
  const producers = new Map<string, { sent: number; received: number }>();
  for (const r of routes) {
    for (const [name, side] of [
      [r.from, 'sent'],
      [r.to, 'received'],
    ] as const) {
      if (byName.has(name)) continue;
      const p = producers.get(name) ?? { sent: 0, received: 0 };
      p[side] += r.count;
      producers.set(name, p);
    }
  }
  for (const [name, p] of [...producers].sort(([a], [b]) => a.localeCompare(b)))
    nodes.push({ id: name, kind: 'producer', ...p, degree: 0 });

  const depth = depths(nodes, routes);
  const pairs = new Map<string, LayoutEdge>();
  for (const r of routes) {
    if (r.from === r.to) continue;
    const key = pairKey(r.from, r.to);
    if (pairs.has(key)) continue;
    const forward = (depth.get(r.from) ?? 0) <= (depth.get(r.to) ?? 0);
    const [source, target] = forward ? [r.from, r.to] : [r.to, r.from];
    pairs.set(key, { id: key, source, target, kind: 'pair' });
  }
  // A producer is as tall as the lines that leave it need, so they do not bunch up at one point.
  for (const n of nodes)
    if (n.kind === 'producer')
      n.degree = [...pairs.values()].filter((e) => e.source === n.id || e.target === n.id).length;
  const used = new Set(routes.map(routeKey));
  const peers: LayoutEdge[] = [];
  for (const n of nodes) {
    if (n.kind !== 'listener' || !n.listener.agent) continue;
    for (const p of n.listener.peers)
      if (byName.has(p) && !used.has(routeKey({ from: n.id, to: p })))
        peers.push({ id: `peer:${n.id}\u21e2${p}`, source: n.id, target: p, kind: 'peer' });
  }
  const layoutEdges = [...[...pairs.values()].sort((a, b) => a.id.localeCompare(b.id)), ...peers];
  const shape = [
    ...nodes.map((n) => `${n.kind}:${n.id}`).sort(),
    '|',
    ...layoutEdges.map((e) => `${e.source}>${e.target}`),
  ].join('\n');
  return { nodes, layoutEdges, routes, shape };
}

/** Hops from the nearest outside producer along the routes (producers 0); unreached listeners after. */
function depths(nodes: MapNode[], routes: RouteStats[]): Map<string, number> {
  const out = new Map<string, number>();
  const next = new Map<string, string[]>();
  for (const r of routes) next.set(r.from, [...(next.get(r.from) ?? []), r.to]);
  let frontier = nodes.filter((n) => n.kind === 'producer').map((n) => n.id);
  for (const id of frontier) out.set(id, 0);
  let d = 0;
  while (frontier.length) {
    d++;
    const after: string[] = [];
    for (const id of frontier)
      for (const to of next.get(id) ?? [])
        if (!out.has(to)) {
          out.set(to, d);
          after.push(to);
        }
    frontier = after;
  }
  for (const n of nodes) if (!out.has(n.id)) out.set(n.id, d + 1);
  return out;
}
