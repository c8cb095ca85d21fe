'use client';
import type { NodeTypes } from '@xyflow/react';
import {
  Background,
  Controls,
  EdgeLabelRenderer,
  Panel,
  ReactFlow,
  ReactFlowProvider,
  useReactFlow,
  useStoreApi,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { Tooltip } from 'radix-ui';
import { memo, useEffect, useMemo, useRef, useState } from 'react';
import { formatCount, formatRate } from '@/lib/format';
import { useDarkTheme } from '@/lib/use-dark-theme';
import { midpoint, offsetPolyline, widthFor } from './geometry';
import type { MapModel } from './graph-model';
import { pairKey, routeKey } from './graph-model';
import type { MapLayout } from './layout';
import { isBusy, knownLayout, LABEL_SIZE, layoutMap, sizeOf } from './layout';
import { extent, fitReadable, keptInView } from './viewport';
import type { Lane, PeerLine } from './map-edges';
import { DotLayer } from './map-dots';
import { EdgeLayer } from './map-edges';
import type { ListenerFlowNode, ProducerFlowNode } from './map-nodes';
import { ListenerNode, ProducerNode } from './map-nodes';
import { quickLayout } from './quick-layout';
import './map.css';

const nodeTypes: NodeTypes = { listener: ListenerNode, producer: ProducerNode };
/** How far the two directions of a pair sit apart; fixed, so a changing rate never moves a line. */
const LANE_OFFSET = 5;

/** A layout as drawn: the shape it was made for, whether it is the quick first placement, and its number. */
type Drawing = MapLayout & { shape: string; quick: boolean; drawing: number };

export const messagesOnRoute = (from: string, to: string) =>
  `/messages?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`;

function useReducedMotion(): boolean {
  const [reduced, setReduced] = useState(false);
  useEffect(() => {
    const q = matchMedia('(prefers-reduced-motion: reduce)');
    setReduced(q.matches);
    const on = () => setReduced(q.matches);
    q.addEventListener('change', on);
    return () => q.removeEventListener('change', on);
  }, []);
  return reduced;
}

interface MapProps {
  model: MapModel;
  focus: string | null;
  label: string;
  /** No messages move along the lines (the engine is away: how fast they go is not known now). */
  still?: boolean;
}

/**
 * The organism as a graph. Lays out only when its shape changes; live numbers never move a box. Drawn
 * again only when its props change, not with each tick of the page's clock.
 */
export const OrganismMap = memo(function OrganismMap(props: MapProps) {
  return (
    <ReactFlowProvider>
      <Tooltip.Provider>
        <Graph {...props} />
      </Tooltip.Provider>
    </ReactFlowProvider>
  );
});

function Graph({ model, focus, label, still = false }: MapProps) {
  const router = useRouter();
  const dark = useDarkTheme();
  const motion = !useReducedMotion();
  const flow = useReactFlow();
  const [layout, setLayout] = useState<Drawing | null>(null);
  const [settling, setSettling] = useState(false);
  const [hovered, setHovered] = useState<string | null>(null);
  const [hoveredLane, setHoveredLane] = useState<string | null>(null);
  /** The drawing was fitted at the readable zoom and does not all show: the map says so. */
  const [clipped, setClipped] = useState(false);
  const userMoved = useRef(false);
  const drawings = useRef(0);
  const drawn = useRef(layout);
  drawn.current = layout;

  // The layout runs when a node or an edge comes or goes, never for new numbers. A busy map is placed by
  // quick-layout.ts alone. Otherwise, the first time, its placement is drawn at once and the boxes glide to
  // ELK's once that is ready; later, the old drawing stays until the new one is (a route that appears never
  // scrambles the map twice).
  const { shape, nodes: modelNodes, layoutEdges } = model;
  const latest = useRef({ modelNodes, layoutEdges });
  latest.current = { modelNodes, layoutEdges };
  useEffect(() => {
    let live = true;
    const { modelNodes, layoutEdges } = latest.current;
    const draw = (l: MapLayout, quick = false): Drawing => ({
      ...l,
      shape,
      quick,
      drawing: ++drawings.current,
    });
    if (isBusy(layoutEdges)) {
      setLayout(draw(quickLayout(modelNodes, layoutEdges)));
      return;
    }
    const known = knownLayout(modelNodes, layoutEdges);
    if (known) {
      setLayout(draw(known));
      return;
    }
    setLayout((l) => l ?? draw(quickLayout(modelNodes, layoutEdges), true));
    layoutMap(modelNodes, layoutEdges).then(
      (l) => {
        if (!live) return;
        if (drawn.current?.quick) setSettling(true);
        setLayout(draw(l));
      },
      (err: unknown) => {
        // ELK could not lay this map out: the quick placement stays, as for a busy map (rates on hover).
        console.error('the map could not be laid out by ELK; keeping the quick placement', err);
        if (live) setLayout(draw(quickLayout(modelNodes, layoutEdges)));
      },
    );
    return () => {
      live = false;
    };
  }, [shape]);
  useEffect(() => {
    if (!settling) return;
    const t = setTimeout(() => setSettling(false), 600);
    return () => clearTimeout(t);
  }, [settling]);

  // Fit the drawing when its layout changes, unless the operator has panned or zoomed it themselves. From
  // the layout's own extent: React Flow's fitView waits for the boxes to be measured again, which boxes
  // that only moved never are.
  const store = useStoreApi();
  useEffect(() => {
    if (!layout || userMoved.current) return;
    const t = requestAnimationFrame(() => {
      const { width, height } = store.getState();
      const keep = keptInView(layout, model.nodes, focus);
      const fit = fitReadable(extent(layout, model.nodes), width, height, keep);
      setClipped(fit.clipped);
      void flow.setViewport(fit, { duration: settling && motion ? 400 : 0 });
    });
    return () => cancelAnimationFrame(t);
    // A new layout refits, and a new focus (the address's, which can arrive a render after the first
    // layout: a busy map has no later one): `settling`, `motion` and the boxes' counts are read, not followed.
  }, [layout, flow, store, focus]);

  const spotlight = hovered ?? focus;
  const near = useMemo(() => {
    if (!spotlight) return null;
    const s = new Set([spotlight]);
    for (const r of model.routes) {
      if (r.from === spotlight) s.add(r.to);
      if (r.to === spotlight) s.add(r.from);
    }
    return s;
  }, [spotlight, model.routes]);

  const nodes = useMemo(() => {
    if (!layout) return [];
    return model.nodes.flatMap((n): (ListenerFlowNode | ProducerFlowNode)[] => {
      const position = layout.positions.get(n.id);
      if (!position) return [];
      const dim = !!near && !near.has(n.id);
      const size = sizeOf(n);
      const common = { id: n.id, position, ...size, ariaRole: 'group' as const };
      return n.kind === 'listener'
        ? [
            {
              ...common,
              type: 'listener',
              data: { listener: n.listener, focused: n.id === focus, dim },
            },
          ]
        : [
            {
              ...common,
              type: 'producer',
              data: { name: n.id, sent: n.sent, received: n.received, dim, height: size.height },
            },
          ];
    });
  }, [layout, model.nodes, near, focus]);

  // React Flow draws no edges here: every line is the layout's own route (see EdgeLayer).
  const { lanes, peers } = useMemo(() => {
    const lanes: Lane[] = [];
    const peers: PeerLine[] = [];
    if (!layout) return { lanes, peers };
    const present = new Set(model.routes.map(routeKey));
    for (const r of model.routes) {
      const pair = model.layoutEdges.find((e) => e.id === pairKey(r.from, r.to));
      const path = pair && layout.paths.get(pair.id);
      if (!pair || !path) continue;
      const along = pair.source === r.from ? path : [...path].reverse();
      const twoWay = present.has(routeKey({ from: r.to, to: r.from }));
      const touches = !spotlight || r.from === spotlight || r.to === spotlight;
      const id = routeKey(r);
      lanes.push({
        id,
        from: r.from,
        to: r.to,
        points: twoWay ? offsetPolyline(along, LANE_OFFSET) : along,
        width: widthFor(r.perSecond),
        perSecond: r.perSecond,
        failing: r.failed > 0,
        dim: !touches,
        highlight: hoveredLane === id || (!!spotlight && touches),
      });
    }
    for (const e of model.layoutEdges) {
      const path = e.kind === 'peer' ? layout.paths.get(e.id) : undefined;
      if (path)
        peers.push({
          id: e.id,
          points: path,
          dim: !!spotlight && e.source !== spotlight && e.target !== spotlight,
        });
    }
    return { lanes, peers };
  }, [layout, model.routes, model.layoutEdges, spotlight, hoveredLane]);

  return (
    <ReactFlow
      className={`organism-map${settling && motion ? ' map-settling' : ''}`}
      aria-label={label}
      // For the operator's tools and the tests: which placement is drawn, and which drawing it is (each
      // new layout is a new drawing, even of a shape seen before).
      data-layout={layout ? (layout.quick ? 'quick' : settling ? 'settling' : 'final') : 'none'}
      data-shape={layout?.shape}
      data-drawing={layout?.drawing}
      nodes={nodes}
      nodeTypes={nodeTypes}
      colorMode={dark ? 'dark' : 'light'}
      nodesDraggable={false}
      nodesConnectable={false}
      nodesFocusable={false}
      edgesFocusable={false}
      elementsSelectable={false}
      disableKeyboardA11y
      minZoom={0.25}
      maxZoom={1.75}
      onMoveStart={(e) => {
        // Only a person's gesture counts (fitView moves without an event).
        if (e) {
          userMoved.current = true;
          setClipped(false);
        }
      }}
      onNodeMouseEnter={(_, n) => setHovered(n.id)}
      onNodeMouseLeave={() => setHovered(null)}
    >
      <Background gap={20} size={1} />
      <Controls
        showInteractive={false}
        position="bottom-left"
        onFitView={() => {
          userMoved.current = true;
          setClipped(false);
        }}
      />
      {clipped && (
        // Words only: a box or a line beneath them still takes its click, and the map its drag.
        <Panel position="bottom-center" className="pointer-events-none">
          <p className="rounded border border-border bg-panel px-2 py-1 text-xs whitespace-nowrap text-muted shadow-xs">
            More of the map lies beyond the window: drag it, or fit it all with the last button.
          </p>
        </Panel>
      )}
      {layout && (
        <EdgeLabelRenderer>
          <EdgeLayer
            lanes={lanes}
            peers={peers}
            onOpen={(l) => router.push(messagesOnRoute(l.from, l.to))}
            onHover={(l) => setHoveredLane(l?.id ?? null)}
          />
          {hoveredLane && layout.labels.size === 0 && <HoveredRate lanes={lanes} id={hoveredLane} />}
          {!layout.quick && (
            <div className={settling && motion ? 'map-arrive' : undefined}>
              {motion && !still && <DotLayer lanes={lanes} dark={dark} />}
              <PairLabels model={model} layout={layout} spotlight={spotlight} />
            </div>
          )}
        </EdgeLabelRenderer>
      )}
    </ReactFlow>
  );
}

/** On a map that prints no rates, the hovered line's rate, at the middle of the line. */
function HoveredRate({ lanes, id }: { lanes: Lane[]; id: string }) {
  const lane = lanes.find((l) => l.id === id);
  if (!lane) return null;
  const at = midpoint(lane.points);
  return (
    <div
      aria-hidden
      className="pointer-events-none absolute rounded border border-border bg-panel px-1.5 text-[11px] leading-4 whitespace-nowrap tabular shadow-xs"
      style={{ transform: `translate(-50%, -130%) translate(${at.x}px, ${at.y}px)` }}
    >
      {lane.from} → {lane.to} · {formatRate(lane.perSecond)}
      {lane.failing && <span className="text-failed"> · failing</span>}
    </div>
  );
}

/** Each pair's live rates, one line per direction, each a link to the messages on that route. */
function PairLabels({
  model,
  layout,
  spotlight,
}: {
  model: MapModel;
  layout: MapLayout;
  spotlight: string | null;
}) {
  const byKey = new Map(model.routes.map((r) => [routeKey(r), r]));
  return (
    <>
      {model.layoutEdges.map((e) => {
        if (e.kind !== 'pair') return null;
        const at = layout.labels.get(e.id);
        if (!at) return null;
        const lines = [
          byKey.get(routeKey({ from: e.source, to: e.target })),
          byKey.get(routeKey({ from: e.target, to: e.source })),
        ];
        const dim = !!spotlight && e.source !== spotlight && e.target !== spotlight;
        return (
          <div
            key={e.id}
            className={`pointer-events-none absolute flex flex-col items-center justify-center gap-px transition-opacity ${dim ? 'opacity-25' : ''}`}
            style={{ transform: `translate(${at.x}px, ${at.y}px)`, ...LABEL_SIZE }}
          >
            {lines.map((r, i) =>
              r ? (
                // Out of the tab order: the routes table under the map has the same links, one per row.
                <Link
                  key={i}
                  tabIndex={-1}
                  href={messagesOnRoute(r.from, r.to)}
                  aria-label={`messages from ${r.from} to ${r.to}: ${formatRate(r.perSecond)}${r.failed ? `, ${formatCount(r.failed)} failed` : ''}`}
                  className={`nopan pointer-events-auto rounded border bg-panel px-1.5 text-[11px] leading-4 whitespace-nowrap tabular shadow-xs hover:border-accent ${r.failed > 0 ? 'border-failed/50 text-failed' : 'border-border text-muted'}`}
                >
                  <span aria-hidden>{i === 0 ? '→' : '←'}</span> {formatRate(r.perSecond)}
                  {r.failed > 0 && <span className="font-medium"> · {formatCount(r.failed)} failed</span>}
                </Link>
              ) : null,
            )}
          </div>
        );
      })}
    </>
  );
}
