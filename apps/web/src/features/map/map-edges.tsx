'use client';
import type { Edge, EdgeProps } from '@xyflow/react';
import { BaseEdge } from '@xyflow/react';
import { useMemo } from 'react';
import { roundedPath, withArrow } from './geometry';
import type { Point } from './layout';

export type LaneEdgeData = {
  /** The lane's route on the map, from sender to receiver. */
  points: Point[];
  width: number;
  perSecond: number;
  failing: boolean;
  dim: boolean;
  highlight: boolean;
  /** Whether to draw moving dots (off for people who asked for less motion). */
  motion: boolean;
};
export type PeerEdgeData = { points: Point[]; dim: boolean };
export type LaneFlowEdge = Edge<LaneEdgeData, 'lane'>;
export type PeerFlowEdge = Edge<PeerEdgeData, 'peer'>;

/** Dots travel at one calm speed; busier routes carry more of them. */
const SPEED = 70; // px per second

function dotsFor(perSecond: number): number {
  if (perSecond <= 0) return 0;
  if (perSecond < 2) return 1;
  if (perSecond < 20) return 2;
  return 3;
}

function pathLength(points: Point[]): number {
  let n = 0;
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1] as Point;
    const b = points[i] as Point;
    n += Math.hypot(b.x - a.x, b.y - a.y);
  }
  return n;
}

/** One direction of a route: width by rate, red when it fails, dots moving along it while messages flow. */
export function LaneEdge({ id, data }: EdgeProps<LaneFlowEdge>) {
  const points = data?.points;
  const geometry = useMemo(() => {
    if (!points || points.length < 2) return undefined;
    const { line, head } = withArrow(points, 8);
    return { d: roundedPath(line), full: roundedPath(points), head, length: pathLength(points) };
  }, [points]);
  if (!data || !geometry) return null;
  const tone = data.failing ? 'text-failed' : data.perSecond > 0 ? 'map-edge-active' : 'map-edge';
  const dots = data.motion ? dotsFor(data.perSecond) : 0;
  const dur = Math.max(1.2, geometry.length / SPEED);
  return (
    <g className={`${tone} transition-opacity ${data.dim ? 'opacity-20' : ''}`}>
      <BaseEdge
        id={id}
        path={geometry.d}
        interactionWidth={14}
        style={{
          stroke: 'currentColor',
          strokeWidth: data.highlight ? data.width + 1 : data.width,
          strokeLinecap: 'round',
          strokeLinejoin: 'round',
        }}
      />
      <path d={geometry.head} fill="currentColor" stroke="none" />
      {Array.from({ length: dots }, (_, i) => (
        <circle
          key={`${dots}-${i}`}
          r={Math.max(2, data.width / 2 + 0.75)}
          className="fill-panel stroke-current"
          strokeWidth={1.5}
        >
          <animateMotion
            dur={`${dur}s`}
            begin={`${(-dur * i) / dots}s`}
            repeatCount="indefinite"
            path={geometry.full}
          />
        </circle>
      ))}
    </g>
  );
}

/** An agent's allowed peer that it has not used in the window: dashed, thin, arrow at the peer. */
export function PeerEdge({ id, data }: EdgeProps<PeerFlowEdge>) {
  const points = data?.points;
  const geometry = useMemo(() => {
    if (!points || points.length < 2) return undefined;
    const { line, head } = withArrow(points, 7);
    return { d: roundedPath(line), head };
  }, [points]);
  if (!data || !geometry) return null;
  return (
    <g className={`map-edge transition-opacity ${data.dim ? 'opacity-20' : ''}`}>
      <BaseEdge
        id={id}
        path={geometry.d}
        interactionWidth={0}
        style={{ stroke: 'currentColor', strokeWidth: 1.5, strokeDasharray: '5 5' }}
      />
      <path d={geometry.head} fill="currentColor" stroke="none" />
    </g>
  );
}
