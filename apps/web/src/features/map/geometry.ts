import type { Point } from './layout';

/** The polyline moved sideways by `d` (to the left of its direction of travel; mitred at the bends). */
export function offsetPolyline(points: Point[], d: number): Point[] {
  if (d === 0 || points.length < 2) return points;
  const normals = points.slice(1).map((p, i) => {
    const q = points[i] as Point;
    const len = Math.hypot(p.x - q.x, p.y - q.y) || 1;
    return { x: (p.y - q.y) / len, y: -(p.x - q.x) / len };
  });
  return points.map((p, i) => {
    const a = normals[Math.max(0, i - 1)] as Point;
    const b = normals[Math.min(normals.length - 1, i)] as Point;
    const k = 1 + a.x * b.x + a.y * b.y || 1;
    return { x: p.x + (d * (a.x + b.x)) / k, y: p.y + (d * (a.y + b.y)) / k };
  });
}

/** An SVG path through the points with rounded bends (radius at most `r`, less on short segments). */
export function roundedPath(points: Point[], r = 10): string {
  const first = points[0];
  if (!first) return '';
  let d = `M${first.x},${first.y}`;
  for (let i = 1; i < points.length - 1; i++) {
    const prev = points[i - 1] as Point;
    const cur = points[i] as Point;
    const next = points[i + 1] as Point;
    const inLen = Math.hypot(cur.x - prev.x, cur.y - prev.y);
    const outLen = Math.hypot(next.x - cur.x, next.y - cur.y);
    const rr = Math.min(r, inLen / 2, outLen / 2);
    const a = {
      x: cur.x - ((cur.x - prev.x) / (inLen || 1)) * rr,
      y: cur.y - ((cur.y - prev.y) / (inLen || 1)) * rr,
    };
    const b = {
      x: cur.x + ((next.x - cur.x) / (outLen || 1)) * rr,
      y: cur.y + ((next.y - cur.y) / (outLen || 1)) * rr,
    };
    d += ` L${a.x},${a.y} Q${cur.x},${cur.y} ${b.x},${b.y}`;
  }
  const last = points.at(-1) as Point;
  return `${d} L${last.x},${last.y}`;
}

/** The polyline cut short by `by` at its end (room for an arrowhead), and the arrowhead's triangle. */
export function withArrow(points: Point[], size: number): { line: Point[]; head: string } {
  const end = points.at(-1);
  const before = points.at(-2);
  if (!end || !before) return { line: points, head: '' };
  const len = Math.hypot(end.x - before.x, end.y - before.y) || 1;
  const u = { x: (end.x - before.x) / len, y: (end.y - before.y) / len };
  const n = { x: -u.y, y: u.x };
  const base = { x: end.x - u.x * size, y: end.y - u.y * size };
  const w = size * 0.55;
  const head = `M${end.x},${end.y} L${base.x + n.x * w},${base.y + n.y * w} L${base.x - n.x * w},${base.y - n.y * w} Z`;
  const cut = Math.min(size * 0.8, len);
  return { line: [...points.slice(0, -1), { x: end.x - u.x * cut, y: end.y - u.y * cut }], head };
}

/** Stroke width for a rate: thin when idle, thicker with traffic (logarithmic, so 1/s and 1000/s both read). */
export function widthFor(perSecond: number): number {
  return Math.min(7, 1.5 + 1.9 * Math.log10(1 + perSecond));
}
