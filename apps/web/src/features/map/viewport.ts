import { getViewportForBounds } from '@xyflow/react';
import type { MapModel } from './graph-model';
import type { MapLayout, Point } from './layout';
import { LABEL_SIZE, sizeOf } from './layout';

/**
 * The smallest zoom a drawing is fitted at: its counts and rates (10.5 px) stay about 8 px high. Fitted
 * smaller on a laptop's screen they were 5–7 px, which no one can read.
 */
const READABLE_ZOOM = 0.75;

/**
 * The viewport that shows the whole drawing, or, where that would make it unreadable, the drawing at
 * READABLE_ZOOM from its start (the producers on the left, the top), the rest a pan or a zoom away.
 */
export function fitReadable(
  bounds: { x: number; y: number; width: number; height: number },
  width: number,
  height: number,
): { x: number; y: number; zoom: number; clipped: boolean } {
  const fit = getViewportForBounds(bounds, width, height, 0.25, 1.1, 0.05);
  if (fit.zoom >= READABLE_ZOOM) return { ...fit, clipped: false };
  const zoom = READABLE_ZOOM;
  const margin = 16;
  const across = (size: number, start: number, extent: number) =>
    extent * zoom + 2 * margin <= size ? (size - extent * zoom) / 2 - start * zoom : margin - start * zoom;
  return {
    x: across(width, bounds.x, bounds.width),
    y: across(height, bounds.y, bounds.height),
    zoom,
    clipped: true,
  };
}

/** The rectangle that holds every box, line and label of a layout. */
export function extent(
  layout: MapLayout,
  nodes: MapModel['nodes'],
): { x: number; y: number; width: number; height: number } {
  const xs: number[] = [];
  const ys: number[] = [];
  const add = (p: Point, w = 0, h = 0) => {
    xs.push(p.x, p.x + w);
    ys.push(p.y, p.y + h);
  };
  for (const n of nodes) {
    const at = layout.positions.get(n.id);
    if (at) add(at, sizeOf(n).width, sizeOf(n).height);
  }
  for (const path of layout.paths.values()) for (const p of path) add(p);
  for (const at of layout.labels.values()) add(at, LABEL_SIZE.width, LABEL_SIZE.height);
  if (!xs.length) return { x: 0, y: 0, width: 1, height: 1 };
  const x = Math.min(...xs);
  const y = Math.min(...ys);
  return { x, y, width: Math.max(...xs) - x, height: Math.max(...ys) - y };
}
