import { CircleAlert } from 'lucide-react';
import type { ReactNode } from 'react';

function Item({ sample, children }: { sample: ReactNode; children: ReactNode }) {
  return (
    <li className="flex items-center gap-1.5">
      <span aria-hidden className="flex items-center">
        {sample}
      </span>
      {children}
    </li>
  );
}

function Line({ className, width = 2, dash }: { className: string; width?: number; dash?: string }) {
  return (
    <svg width="28" height="10" className={className}>
      <line
        x1="1"
        y1="5"
        x2="27"
        y2="5"
        stroke="currentColor"
        strokeWidth={width}
        strokeDasharray={dash}
        strokeLinecap="round"
      />
    </svg>
  );
}

/** What each shape and colour on the map means. */
/** `rates`: whether the map prints each pair's rates (a busy map shows them on hover). */
export function MapLegend({ rates, over }: { rates: boolean; over: string }) {
  return (
    <ul aria-label="Legend" className="flex flex-wrap items-center gap-x-5 gap-y-1.5 text-xs text-muted">
      <Item sample={<span className="inline-block h-3.5 w-6 rounded border border-border bg-panel" />}>
        listener
      </Item>
      <Item
        sample={
          <span className="map-processing inline-block h-3.5 w-6 rounded border border-dispatched/60 bg-panel" />
        }
      >
        processing
      </Item>
      <Item
        sample={
          <span className="inline-flex h-3.5 w-6 items-center rounded border border-failed bg-failed/10 pl-0.5">
            <CircleAlert className="size-2.5 text-failed" aria-hidden />
          </span>
        }
      >
        failing
      </Item>
      <Item
        sample={
          <span className="inline-block h-3.5 w-6 rounded border border-dashed border-pending bg-panel" />
        }
      >
        paused (pending count)
      </Item>
      <Item
        sample={
          <span className="inline-block h-3.5 w-6 rounded-full border border-dashed border-muted/60 bg-panel-2" />
        }
      >
        outside producer
      </Item>
      <Item sample={<Line className="map-edge-active" width={3} />}>
        route: thicker is busier, dots are messages
      </Item>
      <Item sample={<Line className="text-failed" width={2} />}>route with failures</Item>
      <Item sample={<Line className="map-edge" width={1.5} dash="4 4" />}>
        agent&apos;s allowed peer, unused
      </Item>
      <li>
        {rates
          ? '→ ← the two directions; click a line or a rate for its messages'
          : 'hover a line for its rate, click it for its messages; every rate is in the table below'}
      </li>
      <li>a listener counts since the engine started, a route {over}</li>
    </ul>
  );
}
