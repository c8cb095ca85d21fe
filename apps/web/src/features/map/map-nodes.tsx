'use client';
import type { Node, NodeProps } from '@xyflow/react';
import { ArrowLeftRight, CircleAlert } from 'lucide-react';
import Link from 'next/link';
import { Tooltip } from 'radix-ui';
import type { ReactNode } from 'react';
import { ListenerStateDot } from '@/components/listener-state-badge';
import { formatAgo, formatCount, formatCountOf } from '@/lib/format';
import type { ListenerInfo } from '@/lib/live-listeners';
import { splitRoot } from '@/lib/qname';
import { LISTENER_SIZE, PRODUCER_SIZE } from './layout';

export type ListenerNodeData = {
  listener: ListenerInfo;
  focused: boolean;
  dim: boolean;
};
export type ProducerNodeData = { name: string; sent: number; received: number; dim: boolean; height: number };
export type ListenerFlowNode = Node<ListenerNodeData, 'listener'>;
export type ProducerFlowNode = Node<ProducerNodeData, 'producer'>;

/** Details shown on hover and on keyboard focus (never needed to use the map: the routes table has them). */
function Details({ children, content }: { children: ReactNode; content: ReactNode }) {
  return (
    <Tooltip.Root delayDuration={150}>
      <Tooltip.Trigger asChild>{children}</Tooltip.Trigger>
      <Tooltip.Portal>
        <Tooltip.Content
          side="bottom"
          sideOffset={6}
          className="z-50 max-w-72 rounded-md border border-border bg-panel px-3 py-2 text-xs shadow-lg"
        >
          {content}
        </Tooltip.Content>
      </Tooltip.Portal>
    </Tooltip.Root>
  );
}

const STATE_FRAME: Record<string, string> = {
  idle: 'border-border',
  processing: 'border-dispatched/60',
  paused: 'border-dashed border-pending',
  error: 'border-failed bg-failed/[0.06] ring-1 ring-failed/40',
};

/** A listener: its state (pulsing while it works, red when failing, dashed when paused), counts, in flight or pending. */
export function ListenerNode({ data }: NodeProps<ListenerFlowNode>) {
  const l = data.listener;
  // Failing (error: a delivery failed in the last seconds, useLiveListeners) wins the colour; a listener
  // at work pulses either way.
  const frame = `${STATE_FRAME[l.state] ?? STATE_FRAME.idle} ${l.state === 'processing' || l.inFlight > 0 ? 'map-processing' : ''}`;
  return (
    <div style={LISTENER_SIZE} className={`transition-opacity ${data.dim ? 'opacity-35' : ''}`}>
      <Details
        content={
          <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-0.5">
            <dt className="text-muted">state</dt>
            <dd>{l.state}</dd>
            <dt className="text-muted">received</dt>
            <dd className="tabular">{formatCount(l.received)}</dd>
            <dt className="text-muted">failed attempts</dt>
            <dd className={`tabular ${l.failed ? 'text-failed' : ''}`}>{formatCount(l.failed)}</dd>
            <dt className="text-muted">in flight</dt>
            <dd className="tabular">
              {formatCount(l.inFlight)} of {formatCount(l.concurrency)}
            </dd>
            {l.state === 'paused' && (
              <>
                <dt className="text-muted">waiting</dt>
                <dd className="tabular">{formatCount(l.queued)} PENDING until resumed</dd>
              </>
            )}
            <dt className="text-muted">last activity</dt>
            <dd>{l.lastActivityAt ? formatAgo(l.lastActivityAt) : 'never'}</dd>
            <dt className="text-muted">accepts</dt>
            <dd className="font-mono">{l.roots.map((r) => splitRoot(r).local).join(', ')}</dd>
            {l.agent && (
              <>
                <dt className="text-muted">peers</dt>
                <dd>{l.peers.join(', ') || 'none'}</dd>
              </>
            )}
            {l.lastError && l.failed > 0 && (
              <>
                <dt className="text-muted">last error</dt>
                <dd className="text-failed">{l.lastError}</dd>
              </>
            )}
          </dl>
        }
      >
        <Link
          href={`/listeners/${encodeURIComponent(l.name)}`}
          aria-label={`${l.name}: ${l.state === 'error' ? 'failing' : l.state}, ${formatCount(l.received)} received, ${formatCountOf(l.failed, 'failed attempt')}, ${l.state === 'paused' ? `${formatCount(l.queued)} pending` : `${formatCount(l.inFlight)} in flight`}`}
          className={`flex h-full flex-col justify-center gap-1 rounded-lg border bg-panel px-3 shadow-sm outline-none hover:border-accent focus-visible:ring-2 focus-visible:ring-focus ${frame} ${data.focused ? 'ring-2 ring-accent' : ''}`}
        >
          <span className="flex min-w-0 items-center gap-2">
            {/* Failing is said by an icon, not by its red alone (CONSOLE.md); the other states have words. */}
            {l.state === 'error' ? (
              <CircleAlert className="-ml-0.5 size-3 shrink-0 text-failed" aria-hidden />
            ) : (
              <ListenerStateDot state={l.state} />
            )}
            <span className="truncate text-sm font-semibold">{l.name}</span>
            {l.agent && (
              <span className="ml-auto shrink-0 rounded bg-panel-2 px-1 text-[10px] text-muted">agent</span>
            )}
          </span>
          <span className="tabular flex items-center gap-2.5 pl-4 text-xs whitespace-nowrap text-muted">
            <span>
              <span className="text-text">{formatCount(l.received)}</span> recv
            </span>
            <span className={l.failed > 0 ? 'text-failed' : ''}>
              <span className={l.failed > 0 ? 'font-medium' : 'text-text'}>{formatCount(l.failed)}</span>{' '}
              failed
            </span>
            {l.state === 'paused' ? (
              <span>
                <span className="font-medium text-text">{formatCount(l.queued)}</span> pending
              </span>
            ) : (
              <span className={l.inFlight > 0 ? 'text-dispatched' : ''}>
                <span className={l.inFlight > 0 ? 'font-medium' : 'text-text'}>
                  {formatCount(l.inFlight)}
                </span>{' '}
                in flight
              </span>
            )}
          </span>
        </Link>
      </Details>
    </div>
  );
}

/** An outside producer (traffic, the console, a peer organism): a different shape, and no page of its own. */
export function ProducerNode({ data }: NodeProps<ProducerFlowNode>) {
  return (
    <div
      style={{ width: PRODUCER_SIZE.width, height: data.height }}
      className={`transition-opacity ${data.dim ? 'opacity-35' : ''}`}
    >
      <Details
        content={
          <p>
            Outside producer <span className="font-medium">{data.name}</span>: sent{' '}
            <span className="tabular">{formatCount(data.sent)}</span>, answered{' '}
            <span className="tabular">{formatCount(data.received)}</span> in the window.
          </p>
        }
      >
        <Link
          href={`/messages?participant=${encodeURIComponent(data.name)}`}
          aria-label={`outside producer ${data.name}: ${formatCount(data.sent)} sent`}
          className="flex h-full items-center gap-2 rounded-[20px] border border-dashed border-muted/60 bg-panel-2 px-4 text-sm outline-none hover:border-accent focus-visible:ring-2 focus-visible:ring-focus"
        >
          <ArrowLeftRight className="size-3.5 shrink-0 text-muted" aria-hidden />
          <span className="truncate font-medium">{data.name}</span>
          <span className="tabular ml-auto text-xs text-muted">{formatCount(data.sent)}</span>
        </Link>
      </Details>
    </div>
  );
}
