'use client';
import { useEffect, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { formatClock, formatCount } from '@/lib/format';
import type { Throughput } from '@/lib/throughput';
import { describeThroughput } from '@/lib/throughput';
import { useDarkTheme } from '@/lib/use-dark-theme';

const css = (name: string) => getComputedStyle(document.documentElement).getPropertyValue(name).trim();

/** Where the pointer is over the plot: the second under it and its left edge in CSS pixels. */
interface Point {
  index: number;
  left: number;
}

/**
 * Messages per second by outcome over the last five minutes; uPlot redraws on canvas, so it stays smooth.
 * The pointer over it shows that second's counts beside a crosshair, and holds the chart still meanwhile
 * (a chart that moves under the pointer changes the second being read); it catches up when the pointer
 * leaves.
 */
export function ThroughputChart({ throughput }: { throughput: Throughput }) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const latest = useRef(throughput);
  latest.current = throughput;
  // What the chart shows: the data as the pointer found it while it is over the chart.
  const [held, setHeld] = useState<Throughput | null>(null);
  const [point, setPoint] = useState<Point | null>(null);
  const shown = held ?? throughput;
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
        hooks: {
          draw: [(p) => drawRestart(p, latest.current.restartedAt, css('--muted'))],
          setCursor: [
            (p) => {
              // uPlot's cursor leaves the plot with a left of -1; over it, the chart holds its data.
              const index = p.cursor.idx;
              const left = p.cursor.left;
              const over = index !== null && index !== undefined && left !== undefined && left >= 0;
              setPoint(over ? { index, left: left + p.over.offsetLeft } : null);
              setHeld((was) => (over ? (was ?? latest.current) : null));
            },
          ],
        },
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
    plot.current?.setData([shown.seconds, shown.delivered, shown.failed, shown.rejected]);
  }, [shown]);

  // What the canvas shows, for tests and tools: the seconds anyone counted, the messages delivered, and
  // where the engine restarted.
  const known = shown.delivered.filter((x) => x !== null);
  const restarted = shown.restartedAt;
  return (
    <div className="relative">
      <div
        ref={box}
        className="w-full"
        role="img"
        aria-label={`Messages per second by outcome over the last five minutes${restarted === undefined ? '' : `; the engine restarted at ${formatClock(restarted * 1000)}`}: ${describeThroughput(shown)}`}
        data-known-seconds={known.length}
        data-delivered={known.reduce((a, b) => a + b, 0)}
        data-restarted-at={restarted}
        data-held={held ? '' : undefined}
      />
      {point && <Readout throughput={shown} point={point} width={box.current?.clientWidth ?? 0} />}
    </div>
  );
}

/**
 * One second's counts beside the crosshair, on the side with room; "not counted" where nobody counted it.
 * A detail of the picture for the pointer, not said as it moves: the chart's label says the window in words.
 */
function Readout({ throughput, point, width }: { throughput: Throughput; point: Point; width: number }) {
  const second = throughput.seconds[point.index];
  if (second === undefined) return null;
  const rows = [
    ['delivered', throughput.delivered[point.index], 'bg-acked'],
    ['failed', throughput.failed[point.index], 'bg-failed'],
    ['rejected', throughput.rejected[point.index], 'bg-rejected'],
  ] as const;
  const right = point.left > width - 190;
  return (
    <div
      aria-hidden
      data-testid="throughput-readout"
      className="pointer-events-none absolute top-2 z-10 min-w-36 rounded-md border border-border bg-panel px-2.5 py-1.5 text-xs shadow-sm"
      style={right ? { right: width - point.left + 12 } : { left: point.left + 12 }}
    >
      <p className="font-medium tabular">{formatClock(second * 1000)}</p>
      {rows[0][1] === null || rows[0][1] === undefined ? (
        <p className="text-muted">not counted</p>
      ) : (
        rows.map(([label, value, colour]) => (
          <p key={label} className="flex items-center gap-1.5">
            <span aria-hidden className={`h-0.5 w-3 ${colour}`} />
            <span className="text-muted">{label}</span>
            <span className="ml-auto pl-3 tabular">{formatCount(value ?? 0)}/s</span>
          </p>
        ))
      )}
    </div>
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
