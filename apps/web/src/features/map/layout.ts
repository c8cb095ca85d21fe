import ElkConstructor from 'elkjs/lib/elk-api';
import type { ELK, ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api';
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

export const LISTENER_SIZE = { width: 200, height: 62 };
export const PRODUCER_SIZE = { width: 168, height: 40 };
/** Room kept for a pair's label: one line per direction. */
export const LABEL_SIZE = { width: 124, height: 34 };

export function sizeOf(n: MapNode): { width: number; height: number } {
  if (n.kind === 'listener') return LISTENER_SIZE;
  return { width: PRODUCER_SIZE.width, height: Math.max(PRODUCER_SIZE.height, n.degree * 26) };
}

/**
 * elkjs is 1.6 MB (TOOLCHAIN.md) and takes a second or more of CPU to lay out a busy organism: it runs in a
 * worker of its own, started once, so the page never freezes while it compiles or lays out.
 */
let elk: ELK | undefined;
function loadElk(): ELK {
  elk ??= new ElkConstructor({
    workerFactory: () => new Worker(new URL('./elk.worker.ts', import.meta.url)),
  });
  return elk;
}

/**
 * Past this many lines, ELK does not lay the map out: quick-layout.ts does, in a millisecond, and the pairs'
 * rates are shown on hover rather than printed on every line. ELK took 1.3–3.5 s of CPU for a busy organism
 * (20 listeners, 65 pairs), and the drawing it found, every line routed around every box with room for its
 * label, was several screens wide: fitted to the frame, its boxes were too small to read.
 */
export const BUSY_EDGES = 20;
export const isBusy = (edges: LayoutEdge[]): boolean => edges.length > BUSY_EDGES;

/** The last layout this tab made, kept for a revisit or a reload of the map (sessionStorage). */
const STORED = 'organism-map-layout';
interface StoredLayout {
  key: string;
  positions: [string, Point][];
  paths: [string, Point[]][];
  labels: [string, Point][];
}
let last: { key: string; layout: MapLayout } | undefined;

function stored(key: string): MapLayout | undefined {
  if (last?.key === key) return last.layout;
  try {
    const s = JSON.parse(sessionStorage.getItem(STORED) ?? 'null') as StoredLayout | null;
    if (s?.key !== key) return undefined;
    return { positions: new Map(s.positions), paths: new Map(s.paths), labels: new Map(s.labels) };
  } catch {
    return undefined;
  }
}

function store(key: string, layout: MapLayout): void {
  last = { key, layout };
  try {
    const s: StoredLayout = {
      key,
      positions: [...layout.positions],
      paths: [...layout.paths],
      labels: [...layout.labels],
    };
    sessionStorage.setItem(STORED, JSON.stringify(s));
  } catch {
    // Storage full or refused: the layout is still kept in memory for this page.
  }
}

/**
 * Layered, left to right, in the direction messages flow; edges routed orthogonally around the boxes,
 * labels given their own room. The input's order is kept where ELK has a choice, so the same organism
 * lays out the same way every time: the last layout is reused as long as the nodes and lines are the same.
 */
export function elkGraph(nodes: MapNode[], edges: LayoutEdge[]): ElkNode {
  // Producers go in the first layer, but not one another producer sends to: ELK fails on an edge between
  // two nodes it must both put first ("Cannot read properties of null"), as when a console user talked to
  // a listener that a reload has since removed (its name is then an outside producer too).
  const fed = new Set(edges.map((e) => e.target));
  return {
    id: 'organism',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.edgeRouting': 'ORTHOGONAL',
      'elk.layered.spacing.nodeNodeBetweenLayers': '44',
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
      layoutOptions:
        n.kind === 'producer' && !fed.has(n.id) ? { 'elk.layered.layering.layerConstraint': 'FIRST' } : {},
    })),
    edges: edges.map((e): ElkExtendedEdge => ({
      id: e.id,
      sources: [e.source],
      targets: [e.target],
      labels: e.kind === 'pair' ? [{ id: `${e.id}:label`, text: ' ', ...LABEL_SIZE }] : [],
    })),
  };
}

/** The layout this tab last made for exactly these nodes and lines, if any: drawn at once, with no placeholder. */
export function knownLayout(nodes: MapNode[], edges: LayoutEdge[]): MapLayout | undefined {
  return stored(JSON.stringify(elkGraph(nodes, edges)));
}

/** ELK's layout of the map, in its worker; the same nodes and lines get the layout they got last time. */
export async function layoutMap(nodes: MapNode[], edges: LayoutEdge[]): Promise<MapLayout> {
  const graph = elkGraph(nodes, edges);
  const key = JSON.stringify(graph);
  const known = stored(key);
  if (known) return known;
  const out = await loadElk().layout(graph);
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
  const layout = { positions, paths, labels };
  store(key, layout);
  return layout;
}
