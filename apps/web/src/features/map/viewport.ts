import { getViewportForBounds } from '@xyflow/react';
import type { MapModel } from './graph-model';
import type { MapLayout, Point } from './layout';
import { LABEL_SIZE, sizeOf } from './layout';

/**
 * The smallest zoom a drawing is fitted at: its counts and rates (10.5 px) stay about 8 px high. Fitted
 * smaller on a laptop's screen they were 5–7 px, which no one can read.
 */
const READABLE_ZOOM = 0.75;

/** A rectangle in the drawing's coordinates. */
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * The viewport that shows the whole drawing, or, where that would make it unreadable, the drawing at
 * READABLE_ZOOM from its start (the producers on the left, the top), the rest a pan or a zoom away; moved
 * just enough, then, that `keep` shows too (the box the map was opened for, or the one failing most).
 */
export function fitReadable(
  bounds: Rect,
  width: number,
  height: number,
  keep?: Rect,
): { x: number; y: number; zoom: number; clipped: boolean } {
  const fit = getViewportForBounds(bounds, width, height, 0.25, 1.1, 0.05);
  if (fit.zoom >= READABLE_ZOOM) return { ...fit, clipped: false };
  const zoom = READABLE_ZOOM;
  const margin = 16;
  const across = (size: number, start: number, extent: number) =>
    extent * zoom + 2 * margin <= size ? (size - extent * zoom) / 2 - start * zoom : margin - start * zoom;
  /** `offset` moved the least that shows `start`..`start + extent` within the margins (its start first). */
  const showing = (offset: number, size: number, start: number, extent: number) => {
    const end = (start + extent) * zoom + offset;
    const moved = end > size - margin ? offset - (end - (size - margin)) : offset;
    const begin = start * zoom + moved;
    return begin < margin ? moved + (margin - begin) : moved;
  };
  const x = across(width, bounds.x, bounds.width);
  const y = across(height, bounds.y, bounds.height);
  return {
    x: keep ? showing(x, width, keep.x, keep.width) : x,
    y: keep ? showing(y, height, keep.y, keep.height) : y,
    zoom,
    clipped: true,
  };
}

/**
 * The box a clipped map keeps in view: the listener the map was opened for (`focus`), else the one with
 * the most failed attempts, if any failed.
 */
export function keptInView(
  layout: MapLayout,
  nodes: MapModel['nodes'],
  focus: string | null,
): Rect | undefined {
  let keep = focus ? nodes.find((n) => n.id === focus) : undefined;
  if (!keep)
    for (const n of nodes)
      if (n.kind === 'listener' && n.listener.failed > 0) {
        const most = keep?.kind === 'listener' ? keep.listener.failed : 0;
        if (n.listener.failed > most) keep = n;
      }
  const at = keep && layout.positions.get(keep.id);
  return keep && at ? { ...at, ...sizeOf(keep) } : undefined;
}

/** The rectangle that holds every box, line and label of a layout. */
export function extent(layout: MapLayout, nodes: MapModel['nodes']): Rect {
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
