import { roundedPolyline } from './geometry';
import type { Point } from './layout';

/** Dots travel at one calm speed; busier routes carry more of them. */
const SPEED = 70; // px per second
/** Drawings a second at most: smooth enough for dots this slow, half the work of a 60 Hz display. */
const FPS = 30;
/** How long a lane's dots take to fade with its line when the map dims or lights it (the line's transition). */
const FADE_MS = 150;
const DIMMED = 0.2;

function dotsFor(perSecond: number): number {
  if (perSecond <= 0) return 0;
  if (perSecond < 2) return 1;
  if (perSecond < 20) return 2;
  return 3;
}

/** What the painter needs of a lane (see `Lane` in map-edges.tsx). */
export interface DotLane {
  id: string;
  points: Point[];
  width: number;
  perSecond: number;
  failing: boolean;
  dim: boolean;
}

/** A lane's line as drawn (bends rounded), with the distance along it at each point. */
interface Track {
  points: Point[];
  along: number[];
  length: number;
}

function trackOf(points: Point[]): Track {
  const line = roundedPolyline(points);
  const along = [0];
  for (let i = 1; i < line.length; i++) {
    const a = line[i - 1] as Point;
    const b = line[i] as Point;
    along.push((along[i - 1] as number) + Math.hypot(b.x - a.x, b.y - a.y));
  }
  return { points: line, along, length: along.at(-1) ?? 0 };
}

/** The point `s` along the track, written into `out` (no allocation per dot per frame). */
function pointAt(t: Track, s: number, out: Point): void {
  let i = 1;
  while (i < t.along.length - 1 && (t.along[i] as number) < s) i++;
  const a = t.points[i - 1] as Point;
  const b = t.points[i] as Point;
  const from = t.along[i - 1] as number;
  const span = (t.along[i] as number) - from;
  const k = span > 0 ? Math.min(1, Math.max(0, (s - from) / span)) : 0;
  out.x = a.x + (b.x - a.x) * k;
  out.y = a.y + (b.y - a.y) * k;
}

function samePoints(a: Point[], b: Point[]): boolean {
  return a === b || (a.length === b.length && a.every((p, i) => p.x === b[i]?.x && p.y === b[i]?.y));
}

interface Runner {
  source: Point[];
  track: Track;
  dots: number;
  radius: number;
  failing: boolean;
  /** Seconds for one dot to run the whole lane. */
  lap: number;
  alpha: number;
  target: number;
}

/** Where the canvas sits in the flow's coordinates, and how many canvas pixels make one flow pixel. */
export interface DotView {
  x: number;
  y: number;
  width: number;
  height: number;
  scale: number;
}

export interface DotColours {
  active: string;
  failed: string;
}

/** What the map tells the painter, in a worker or on the page (the same messages either way). */
export type DotMessage =
  | { type: 'canvas'; canvas: OffscreenCanvas }
  | { type: 'lanes'; lanes: DotLane[] }
  | { type: 'view'; view: DotView }
  | { type: 'colours'; colours: DotColours }
  /** Whether anyone can see the dots: the page shown and the map on screen. */
  | { type: 'awake'; awake: boolean };

type Context = CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D;

/** A worker has requestAnimationFrame only where the browser ties it to an OffscreenCanvas. */
const nextFrame = (draw: (now: number) => void): number =>
  typeof requestAnimationFrame === 'function'
    ? requestAnimationFrame(draw)
    : (setTimeout(() => draw(performance.now()), 0) as unknown as number);
const cancelFrame = (id: number) =>
  typeof cancelAnimationFrame === 'function' ? cancelAnimationFrame(id) : clearTimeout(id);

/**
 * Draws every lane's dots on one canvas, from tracks computed when a lane's line changes: a frame reads
 * nothing from the page and touches nothing but the canvas. It draws only while there is a dot to move
 * and someone can see it, at most `FPS` times a second.
 */
export class DotPainter {
  private runners = new Map<string, Runner>();
  /** Failing lanes last, so red is never hidden under grey. */
  private order: Runner[] = [];
  private colours: DotColours = { active: '#7d8594', failed: '#b8282b' };
  private view: DotView = { x: 0, y: 0, width: 0, height: 0, scale: 1 };
  private awake = false;
  private frame = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private last = 0;
  private readonly at: Point = { x: 0, y: 0 };

  constructor(private readonly ctx: Context) {}

  handle(m: DotMessage): void {
    if (m.type === 'lanes') this.setLanes(m.lanes);
    else if (m.type === 'view') this.setView(m.view);
    else if (m.type === 'colours') this.colours = m.colours;
    else if (m.type === 'awake') {
      this.awake = m.awake;
      this.update();
    }
  }

  dispose(): void {
    this.runners.clear();
    this.order = [];
    this.stop();
  }

  private setLanes(lanes: DotLane[]): void {
    const next = new Map<string, Runner>();
    for (const l of lanes) {
      const dots = dotsFor(l.perSecond);
      if (dots === 0 || l.points.length < 2) continue;
      const old = this.runners.get(l.id);
      const track = old && samePoints(old.source, l.points) ? old.track : trackOf(l.points);
      const target = l.dim ? DIMMED : 1;
      next.set(l.id, {
        source: l.points,
        track,
        dots,
        radius: Math.max(2, l.width / 2 + 0.75),
        failing: l.failing,
        lap: Math.max(1.2, track.length / SPEED),
        alpha: old?.alpha ?? target,
        target,
      });
    }
    this.runners = next;
    this.order = [...next.values()].sort((a, b) => Number(a.failing) - Number(b.failing));
    this.update();
  }

  /** Resizing the canvas clears it, so this draws at once: no frame shows it empty. */
  private setView(view: DotView): void {
    this.view = view;
    const { canvas } = this.ctx;
    canvas.width = Math.ceil(view.width * view.scale);
    canvas.height = Math.ceil(view.height * view.scale);
    if (this.running) this.paint(performance.now());
  }

  private get running(): boolean {
    return this.awake && this.order.length > 0;
  }

  private update(): void {
    if (!this.running) {
      this.stop();
      if (this.order.length === 0) this.clear();
    } else if (!this.frame && !this.timer) {
      this.frame = nextFrame(this.tick);
    }
  }

  private stop(): void {
    cancelFrame(this.frame);
    clearTimeout(this.timer);
    this.frame = 0;
    this.timer = undefined;
  }

  private readonly tick = (now: number): void => {
    this.frame = 0;
    if (!this.running) return;
    this.paint(now);
    // Ask for the next frame only once most of this one's interval has passed: at 60 Hz that is the
    // second frame from now, and no frame is asked for only to be skipped.
    const wait = 1000 / FPS - 1000 / 60 / 2 - (performance.now() - now);
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.frame = nextFrame(this.tick);
      },
      Math.max(0, wait),
    );
  };

  private clear(): void {
    const { canvas } = this.ctx;
    this.ctx.setTransform(1, 0, 0, 1, 0, 0);
    this.ctx.clearRect(0, 0, canvas.width, canvas.height);
  }

  private paint(now: number): void {
    const { ctx, view: v, at } = this;
    const step = Math.min(1, (now - this.last) / FADE_MS) * (1 - DIMMED);
    this.last = now;
    this.clear();
    ctx.setTransform(v.scale, 0, 0, v.scale, -v.x * v.scale, -v.y * v.scale);
    for (const r of this.order) {
      r.alpha = r.alpha < r.target ? Math.min(r.target, r.alpha + step) : Math.max(r.target, r.alpha - step);
      ctx.globalAlpha = r.alpha;
      ctx.fillStyle = r.failing ? this.colours.failed : this.colours.active;
      ctx.beginPath();
      // Evenly spaced along the lane, all at the same calm speed.
      const lap = now / 1000 / r.lap;
      for (let i = 0; i < r.dots; i++) {
        pointAt(r.track, ((lap + i / r.dots) % 1) * r.track.length, at);
        ctx.moveTo(at.x + r.radius, at.y);
        ctx.arc(at.x, at.y, r.radius, 0, 2 * Math.PI);
      }
      ctx.fill();
    }
  }
}
