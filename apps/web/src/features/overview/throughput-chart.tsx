'use client';
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { formatClock } from '@/lib/format';
import type { Throughput } from '@/lib/throughput';
import { useDarkTheme } from '@/lib/use-dark-theme';

const css = (name: string) => getComputedStyle(document.documentElement).getPropertyValue(name).trim();

/** Messages per second by outcome over the last five minutes; uPlot redraws on canvas, so it stays smooth. */
export function ThroughputChart({ throughput }: { throughput: Throughput }) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const latest = useRef(throughput);
  latest.current = throughput;
  // The canvas takes the theme's colours when it is made: it is made again when the theme switches.
  const dark = useDarkTheme();

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const axis = {
      stroke: css('--muted'),
      grid: { stroke: css('--border'), width: 1 },
      ticks: { show: false },
    };
    const u = new uPlot(
      {
        width: el.clientWidth,
        height: 220,
        legend: { show: false },
        // Room on the right for half of the last time label, centred on its tick ("2:28:00 AM" was cut).
        padding: [null, 36, null, null],
        cursor: { drag: { x: false, y: false } },
        scales: { y: { range: (_u, _min, max) => [0, Math.max(5, max * 1.15)] } },
        axes: [
          // Every tick a local time of day: uPlot's default starts with a date and then shows ":30".
          { ...axis, space: 80, values: (_u, splits) => splits.map((s) => formatClock(s * 1000)) },
          { ...axis, size: 48, label: 'msg/s' },
        ],
        // The running engine's start, where the window holds seconds counted before it (a restart).
        hooks: { draw: [(p) => drawRestart(p, latest.current.restartedAt, css('--muted'))] },
        series: [
          {},
          { label: 'delivered', stroke: css('--acked'), width: 1.5 },
          { label: 'failed', stroke: css('--failed'), width: 1.5 },
          { label: 'rejected', stroke: css('--rejected'), width: 1.5 },
        ],
      },
      [[], [], [], []],
      el,
    );
    plot.current = u;
    const t = latest.current;
    u.setData([t.seconds, t.delivered, t.failed, t.rejected]);
    const resize = new ResizeObserver(() => u.setSize({ width: el.clientWidth, height: 220 }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      u.destroy();
      plot.current = null;
    };
  }, [dark]);

  useEffect(() => {
    plot.current?.setData([throughput.seconds, throughput.delivered, throughput.failed, throughput.rejected]);
  }, [throughput]);

  // What the canvas shows, for tests and tools: the seconds anyone counted, the messages delivered, and
  // where the engine restarted.
  const known = throughput.delivered.filter((x) => x !== null);
  const restarted = throughput.restartedAt;
  return (
    <div
      ref={box}
      className="w-full"
      role="img"
      aria-label={`Messages per second by outcome over the last five minutes${restarted === undefined ? '' : `; the engine restarted at ${formatClock(restarted * 1000)}`}`}
      data-known-seconds={known.length}
      data-delivered={known.reduce((a, b) => a + b, 0)}
      data-restarted-at={restarted}
    />
  );
}

/** A dashed line at the second the engine restarted, labelled at its top. */
function drawRestart(u: uPlot, second: number | undefined, colour: string): void {
  if (second === undefined) return;
  const x = Math.round(u.valToPos(second, 'x', true));
  const { top, height } = u.bbox;
  const ctx = u.ctx;
  const px = devicePixelRatio;
  ctx.save();
  ctx.strokeStyle = colour;
  ctx.fillStyle = colour;
  ctx.lineWidth = px;
  ctx.setLineDash([4 * px, 3 * px]);
  ctx.beginPath();
  ctx.moveTo(x, top);
  ctx.lineTo(x, top + height);
  ctx.stroke();
  ctx.font = `${11 * px}px system-ui, sans-serif`;
  ctx.textBaseline = 'top';
  // Beside the line, on the side with room: a restart just now is at the right edge.
  const right = x < u.bbox.left + u.bbox.width / 2;
  ctx.textAlign = right ? 'left' : 'right';
  ctx.fillText('restart', x + (right ? 4 : -4) * px, top + 2 * px);
  ctx.restore();
}
