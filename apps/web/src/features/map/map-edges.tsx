'use client';
import { useMemo } from 'react';
import { formatRate } from '@/lib/format';
import { roundedPath, withArrow } from './geometry';
import type { Point } from './layout';

/** One direction of a route, placed on the map. */
export interface Lane {
  id: string;
  from: string;
  to: string;
  /** From sender to receiver, beside the pair's other direction when there is one. */
  points: Point[];
  width: number;
  perSecond: number;
  failing: boolean;
  dim: boolean;
  highlight: boolean;
}

/** An agent's allowed peer that it has not used in the window. */
export interface PeerLine {
  id: string;
  points: Point[];
  dim: boolean;
}

/**
 * Every line of the map in one SVG, drawn in the flow's coordinates beneath the boxes. The lines are
 * the layout's own routes (ELK draws them around the boxes), so they need nothing measured from the page.
 * For the eye and the mouse only: the labels and the routes table carry the same as links and text.
 * The dots that travel along the lanes are drawn on a canvas above this (see DotLayer).
 */
export function EdgeLayer({
  lanes,
  peers,
  onOpen,
  onHover,
}: {
  lanes: Lane[];
  peers: PeerLine[];
  onOpen: (lane: Lane) => void;
  onHover: (lane: Lane | null) => void;
}) {
  return (
    <svg
      aria-hidden
      className="pointer-events-none absolute top-0 left-0 overflow-visible"
      width={1}
      height={1}
    >
      {peers.map((p) => (
        <PeerPath key={p.id} peer={p} />
      ))}
      {/* Failing lanes last, so red is never hidden under grey. */}
      {[...lanes]
        .sort((a, b) => Number(a.failing) - Number(b.failing))
        .map((l) => (
          <LanePath key={l.id} lane={l} onOpen={onOpen} onHover={onHover} />
        ))}
    </svg>
  );
}

function LanePath({
  lane,
  onOpen,
  onHover,
}: {
  lane: Lane;
  onOpen: (lane: Lane) => void;
  onHover: (lane: Lane | null) => void;
}) {
  const { points } = lane;
  const g = useMemo(() => {
    const { line, head } = withArrow(points, 8);
    return { d: roundedPath(line), full: roundedPath(points), head };
  }, [points]);
  if (points.length < 2) return null;
  const tone = lane.failing ? 'text-failed' : lane.perSecond > 0 ? 'map-edge-active' : 'map-edge';
  return (
    <g className={`${tone} transition-opacity ${lane.dim ? 'opacity-20' : ''}`}>
      <path
        d={g.d}
        fill="none"
        stroke="currentColor"
        strokeWidth={lane.highlight ? lane.width + 1 : lane.width}
        strokeLinecap="round"
        strokeLinejoin="round"
      />
      <path d={g.head} fill="currentColor" />
      {/* A wider invisible stroke to hover and click. */}
      <path
        d={g.full}
        fill="none"
        stroke="transparent"
        strokeWidth={14}
        className="cursor-pointer"
        style={{ pointerEvents: 'stroke' }}
        onClick={() => onOpen(lane)}
        onMouseEnter={() => onHover(lane)}
        onMouseLeave={() => onHover(null)}
      >
        <title>{`${lane.from} → ${lane.to}: ${formatRate(lane.perSecond)}; open its messages`}</title>
      </path>
    </g>
  );
}

function PeerPath({ peer }: { peer: PeerLine }) {
  const g = useMemo(() => {
    const { line, head } = withArrow(peer.points, 7);
    return { d: roundedPath(line), head };
  }, [peer.points]);
  if (peer.points.length < 2) return null;
  return (
    <g className={`map-edge transition-opacity ${peer.dim ? 'opacity-20' : ''}`}>
      <path d={g.d} fill="none" stroke="currentColor" strokeWidth={1.5} strokeDasharray="5 5" />
      <path d={g.head} fill="currentColor" />
    </g>
  );
}
