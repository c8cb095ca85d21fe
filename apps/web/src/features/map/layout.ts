import type { ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api';
import type { LayoutEdge, MapNode } from './graph-model';

export interface Point {
  x: number;
  y: number;
}

export interface MapLayout {
  /** Top-left corner of each node. */
  positions: Map<string, Point>;
  /** Each layout edge's route from source to target, as ELK drew it around the nodes. */
  paths: Map<string, Point[]>;
  /** Where each layout edge's label box sits (top-left), as ELK reserved room for it. */
  labels: Map<string, Point>;
}

export const LISTENER_SIZE = { width: 236, height: 62 };
export const PRODUCER_SIZE = { width: 168, height: 40 };
/** Room kept for a pair's label: one line per direction. */
export const LABEL_SIZE = { width: 124, height: 34 };

export function sizeOf(n: MapNode): { width: number; height: number } {
  if (n.kind === 'listener') return LISTENER_SIZE;
  return { width: PRODUCER_SIZE.width, height: Math.max(PRODUCER_SIZE.height, n.degree * 26) };
}

/** elkjs is 1.6 MB: loaded on the map only, once (TOOLCHAIN.md). */
let elk: Promise<{ layout(graph: ElkNode): Promise<ElkNode> }> | undefined;
function loadElk() {
  elk ??= import('elkjs/lib/elk.bundled.js').then(({ default: ELK }) => new ELK());
  return elk;
}

/**
 * Layered, left to right, in the direction messages flow; edges routed orthogonally around the boxes,
 * labels given their own room. The input's order is kept where ELK has a choice, so the same organism
 * lays out the same way every time.
 */
export async function layoutMap(nodes: MapNode[], edges: LayoutEdge[]): Promise<MapLayout> {
  const graph: ElkNode = {
    id: 'organism',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.edgeRouting': 'ORTHOGONAL',
      'elk.layered.spacing.nodeNodeBetweenLayers': '64',
      'elk.layered.spacing.edgeNodeBetweenLayers': '24',
      'elk.spacing.nodeNode': '40',
      'elk.spacing.edgeNode': '24',
      'elk.spacing.edgeEdge': '18',
      'elk.spacing.edgeLabel': '4',
      'elk.edgeLabels.placement': 'CENTER',
      'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
      'elk.layered.nodePlacement.strategy': 'NETWORK_SIMPLEX',
      'elk.layered.crossingMinimization.forceNodeModelOrder': 'false',
      'elk.padding': '[top=16,left=16,bottom=16,right=16]',
    },
    children: nodes.map((n): ElkNode => ({
      id: n.id,
      ...sizeOf(n),
      layoutOptions: n.kind === 'producer' ? { 'elk.layered.layering.layerConstraint': 'FIRST' } : {},
    })),
    edges: edges.map((e): ElkExtendedEdge => ({
      id: e.id,
      sources: [e.source],
      targets: [e.target],
      labels: e.kind === 'pair' ? [{ id: `${e.id}:label`, text: ' ', ...LABEL_SIZE }] : [],
    })),
  };
  const out = await (await loadElk()).layout(graph);
  const positions = new Map<string, Point>();
  for (const c of out.children ?? []) positions.set(c.id, { x: c.x ?? 0, y: c.y ?? 0 });
  const paths = new Map<string, Point[]>();
  const labels = new Map<string, Point>();
  for (const e of out.edges ?? []) {
    const s = e.sections?.[0];
    if (s) paths.set(e.id, [s.startPoint, ...(s.bendPoints ?? []), s.endPoint]);
    const l = e.labels?.[0];
    if (l) labels.set(e.id, { x: l.x ?? 0, y: l.y ?? 0 });
  }
  return { positions, paths, labels };
}
