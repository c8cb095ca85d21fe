'use client';
import type { ReactFlowState } from '@xyflow/react';
import { useStore } from '@xyflow/react';
import { useEffect, useLayoutEffect, useRef } from 'react';
import type { DotLane, DotMessage, DotView } from './dot-painter';
import { DotPainter } from './dot-painter';

/** Room around the lines for the widest dot. */
const PAD = 6;
/** The canvas never holds more pixels than this, however far the map is zoomed in. */
const MAX_PIXELS = 8_000_000;

/** The zoom rounded up to a step of √2: the canvas is redrawn sharper as it grows, not at every wheel tick. */
const zoomStep = (s: ReactFlowState) => 2 ** (Math.ceil(Math.log2(s.transform[2]) * 2) / 2);

function boundsOf(lanes: DotLane[]) {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (const l of lanes)
    for (const p of l.points) {
      x0 = Math.min(x0, p.x);
      y0 = Math.min(y0, p.y);
      x1 = Math.max(x1, p.x);
      y1 = Math.max(y1, p.y);
    }
  if (x0 > x1) return { x: 0, y: 0, width: 0, height: 0 };
  const x = Math.floor(x0 - PAD);
  const y = Math.floor(y0 - PAD);
  return { x, y, width: Math.ceil(x1 + PAD) - x, height: Math.ceil(y1 + PAD) - y };
}

/** The colours of the lines the dots travel on, as the theme has them now. */
function readColours() {
  const css = getComputedStyle(document.documentElement);
  return {
    active: css.getPropertyValue('--map-edge-active').trim() || '#7d8594',
    failed: css.getPropertyValue('--failed').trim() || '#b8282b',
  };
}

/**
 * Hands the canvas to a worker that draws on it, so the dots cost the page's main thread nothing; where
 * the browser cannot, draws it here.
 */
function startPainter(canvas: HTMLCanvasElement): { send: (m: DotMessage) => void; stop: () => void } {
  if (typeof Worker === 'function' && 'transferControlToOffscreen' in canvas) {
    const worker = new Worker(new URL('./dot-worker.ts', import.meta.url));
    const offscreen = canvas.transferControlToOffscreen();
    worker.postMessage({ type: 'canvas', canvas: offscreen } satisfies DotMessage, [offscreen]);
    return { send: (m) => worker.postMessage(m), stop: () => worker.terminate() };
  }
  const ctx = canvas.getContext('2d');
  const painter = ctx ? new DotPainter(ctx) : null;
  return { send: (m) => painter?.handle(m), stop: () => painter?.dispose() };
}

/**
 * The messages moving along the lanes: one canvas in the flow's coordinates, above the lines and under
 * the labels and boxes. Rendered only for people who have not asked for less motion.
 */
export function DotLayer({ lanes, dark }: { lanes: DotLane[]; dark: boolean }) {
  const host = useRef<HTMLDivElement>(null);
  const send = useRef<((m: DotMessage) => void) | null>(null);
  const sentView = useRef('');
  const zoom = useStore(zoomStep);
  const box = boundsOf(lanes);
  const scale = Math.min(
    (globalThis.devicePixelRatio || 1) * zoom,
    Math.sqrt(MAX_PIXELS / Math.max(1, box.width * box.height)),
  );

  // The canvas is made here rather than rendered: a canvas handed to a worker is never handed again, and
  // React may mount an effect twice. A layout effect, so the painter is there for the view below.
  useLayoutEffect(() => {
    const el = host.current;
    if (!el) return;
    const canvas = document.createElement('canvas');
    canvas.className = 'absolute inset-0 size-full';
    el.append(canvas);
    const painter = startPainter(canvas);
    send.current = painter.send;
    let onScreen = false;
    const wake = () => painter.send({ type: 'awake', awake: onScreen && !document.hidden });
    const seen = new IntersectionObserver((entries) => {
      onScreen = entries.at(-1)?.isIntersecting ?? onScreen;
      wake();
    });
    seen.observe(el);
    document.addEventListener('visibilitychange', wake);
    return () => {
      document.removeEventListener('visibilitychange', wake);
      seen.disconnect();
      painter.stop();
      canvas.remove();
      send.current = null;
      sentView.current = '';
    };
  }, []);

  // Where the canvas sits and how sharp it is: changes with the layout and the zoom, not every second.
  useLayoutEffect(() => {
    const view: DotView = { ...box, scale };
    const key = JSON.stringify(view);
    if (!send.current || key === sentView.current) return;
    sentView.current = key;
    send.current({ type: 'view', view });
  });

  // The theme's colours, read again when it flips (never per frame).
  useEffect(() => send.current?.({ type: 'colours', colours: readColours() }), [dark]);

  useEffect(() => {
    send.current?.({
      type: 'lanes',
      lanes: lanes.map(({ id, points, width, perSecond, failing, dim }) => ({
        id,
        points,
        width,
        perSecond,
        failing,
        dim,
      })),
    });
  }, [lanes]);

  return (
    <div
      ref={host}
      aria-hidden
      data-testid="map-dots"
      className="pointer-events-none absolute"
      style={{ left: box.x, top: box.y, width: box.width, height: box.height }}
    />
  );
}
