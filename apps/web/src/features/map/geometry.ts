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

/** Where each bend of `roundedPath` starts (`a`) and ends (`b`) around its corner (`c`). */
function bends(points: Point[], r: number): { a: Point; c: Point; b: Point }[] {
  const out: { a: Point; c: Point; b: Point }[] = [];
  for (let i = 1; i < points.length - 1; i++) {
    const prev = points[i - 1] as Point;
    const c = points[i] as Point;
    const next = points[i + 1] as Point;
    const inLen = Math.hypot(c.x - prev.x, c.y - prev.y);
    const outLen = Math.hypot(next.x - c.x, next.y - c.y);
    const rr = Math.min(r, inLen / 2, outLen / 2);
    const a = {
      x: c.x - ((c.x - prev.x) / (inLen || 1)) * rr,
      y: c.y - ((c.y - prev.y) / (inLen || 1)) * rr,
    };
    const b = {
      x: c.x + ((next.x - c.x) / (outLen || 1)) * rr,
      y: c.y + ((next.y - c.y) / (outLen || 1)) * rr,
    };
    out.push({ a, c, b });
  }
  return out;
}

/** An SVG path through the points with rounded bends (radius at most `r`, less on short segments). */
export function roundedPath(points: Point[], r = 10): string {
  const first = points[0];
  if (!first) return '';
  let d = `M${first.x},${first.y}`;
  for (const { a, c, b } of bends(points, r)) d += ` L${a.x},${a.y} Q${c.x},${c.y} ${b.x},${b.y}`;
  const last = points.at(-1) as Point;
  return `${d} L${last.x},${last.y}`;
}

/** The same line as `roundedPath`, as a polyline: each bend's curve in `steps` short segments. */
export function roundedPolyline(points: Point[], r = 10, steps = 4): Point[] {
  const first = points[0];
  if (!first) return [];
  const out = [first];
  for (const { a, c, b } of bends(points, r)) {
    out.push(a);
    for (let k = 1; k <= steps; k++) {
      const t = k / steps;
      const u = 1 - t;
      out.push({
        x: u * u * a.x + 2 * u * t * c.x + t * t * b.x,
        y: u * u * a.y + 2 * u * t * c.y + t * t * b.y,
      });
    }
  }
  out.push(points.at(-1) as Point);
  return out;
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

/** The point halfway along a polyline. */
export function midpoint(points: Point[]): Point {
  const lengths = points.slice(1).map((p, i) => Math.hypot(p.x - points[i]!.x, p.y - points[i]!.y));
  let left = lengths.reduce((a, b) => a + b, 0) / 2;
  for (const [i, len] of lengths.entries()) {
    if (left <= len) {
      const a = points[i]!;
      const b = points[i + 1]!;
      const t = len ? left / len : 0;
      return { x: a.x + (b.x - a.x) * t, y: a.y + (b.y - a.y) * t };
    }
    left -= len;
  }
  return points[0] ?? { x: 0, y: 0 };
}
