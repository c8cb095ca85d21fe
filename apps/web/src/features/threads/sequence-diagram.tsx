'use client';
import type { MessageSummary } from '@organism/shared';
import { useVirtualizer } from '@tanstack/react-virtual';
import Link from 'next/link';
import type { KeyboardEvent, ReactNode } from 'react';
import { memo, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { StateBadge } from '@/components/state-badge';
import { formatDuration, rootName } from '@/lib/format';
import { isRejected } from '@/lib/outcome';

// Six participants fit a laptop's 1024 px beside the sidebar (88 + 6 × 116 = 784 px) without scrolling;
// a name as long as "system.sequence" still shows whole in its column.
const GUTTER = 88;
const COLUMN = 116;
/** A hop's row (`h-11`): every row is this tall, so the virtualizer needs no measuring. */
const ROW = 44;
/** Where refused input points, having no listener. */
const REFUSED = '(refused)';

const COLOUR = {
  PENDING: 'text-pending',
  DISPATCHED: 'text-dispatched',
  ACKED: 'text-acked',
  FAILED: 'text-failed',
  REJECTED: 'text-rejected',
} as const;

type Look = keyof typeof COLOUR;
const lookOf = (m: MessageSummary): Look => (m.state === 'FAILED' && isRejected(m) ? 'REJECTED' : m.state);
const sender = (m: MessageSummary) => m.from ?? 'unknown';
const receiver = (m: MessageSummary) => m.to ?? REFUSED;

/** Participants in the order they first take part, so the conversation reads left to right. */
export function participantsOf(hops: readonly MessageSummary[]): string[] {
  const seen = new Set<string>();
  for (const m of hops) {
    seen.add(sender(m));
    seen.add(receiver(m));
  }
  return [...seen];
}

/**
 * A thread as a sequence diagram: a lifeline per participant across the top, one arrow per hop (who → who)
 * in the colour and word of its journal state, its attempt, and the time since the hop before. Replies and
 * errors are dashed. It scrolls inside its own box both ways (headers and the time gutter stay in view), so
 * it stays readable with many participants and hops; only the hops in view are drawn, so thousands cost
 * what a screenful does. Arrow keys move between hops; a hop opens on focus. Hops put before those shown
 * (more of a long thread) leave the ones in view where they were.
 */
export function SequenceDiagram({
  hops,
  earlier = 0,
  before,
  selected,
  onSelect,
  listeners,
  className = '',
}: {
  hops: readonly MessageSummary[];
  /** How many of the thread's hops come before the first of `hops` (not loaded): numbering starts after them. */
  earlier?: number;
  /** Shown above the first hop: what is not shown, and a way to show more. */
  before?: ReactNode;
  selected: string | null;
  onSelect: (id: string) => void;
  /** Names that are listeners (linked to their page); other participants are outside producers. */
  listeners: ReadonlySet<string>;
  /** Sizes the scrolling box (its max height). */
  className?: string;
}) {
  const people = useMemo(() => participantsOf(hops), [hops]);
  const column = useMemo(() => new Map(people.map((p, i) => [p, i])), [people]);
  const scroller = useRef<HTMLDivElement>(null);
  const list = useRef<HTMLOListElement>(null);
  // Where the first hop starts in the scrolling box: below the lifelines' heads and `before`.
  const [top, setTop] = useState(40);
  useLayoutEffect(() => {
    if (list.current && list.current.offsetTop !== top) setTop(list.current.offsetTop);
  });
  const virtualizer = useVirtualizer({
    count: hops.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW,
    getItemKey: (i) => hops[i]?.id ?? i,
    scrollMargin: top,
    overscan: 10,
  });
  // Stable, so a hop row re-renders only when its own hop changes (the query keeps unchanged hops identical).
  const latest = useRef(onSelect);
  latest.current = onSelect;
  const select = useCallback((hop: string) => latest.current(hop), []);
  const grid = `${GUTTER}px repeat(${people.length}, minmax(${COLUMN}px, 1fr))`;
  const minWidth = GUTTER + people.length * COLUMN;

  // Hops put before the first one shown push it down by as many rows: scroll as far, so it stays in view.
  const first = useRef(hops[0]?.id);
  useLayoutEffect(() => {
    const was = first.current;
    first.current = hops[0]?.id;
    if (was === undefined || was === hops[0]?.id || !scroller.current) return;
    const moved = hops.findIndex((h) => h.id === was);
    if (moved <= 0) return;
    scroller.current.scrollTop += moved * ROW;
    // The button that asked for them is gone once all are shown: the keyboard goes on from that hop.
    if (document.activeElement === document.body)
      requestAnimationFrame(() => list.current?.querySelector<HTMLElement>(`[data-hop="${was}"]`)?.focus());
  }, [hops]);
  // The hop the page opens on (the URL's, or the failed one) in view.
  useEffect(() => {
    const at = hops.findIndex((h) => h.id === selected);
    if (at > 0) virtualizer.scrollToIndex(at, { align: 'auto' });
    // On the first drawing only: later the reader scrolls where they like.
  }, []);

  const rows = virtualizer.getVirtualItems();
  const selectedShown = rows.some((r) => hops[r.index]?.id === selected);
  const onKeyDown = (e: KeyboardEvent) => {
    const at = hops.findIndex((h) => h.id === selected);
    const page = Math.max(1, Math.floor((scroller.current?.clientHeight ?? 400) / ROW) - 2);
    const to = {
      ArrowDown: at + 1,
      ArrowUp: at - 1,
      PageDown: at + page,
      PageUp: at - page,
      Home: 0,
      End: hops.length - 1,
    }[e.key];
    if (to === undefined) return;
    e.preventDefault();
    const index = Math.max(0, Math.min(hops.length - 1, to));
    const hop = hops[index];
    if (!hop) return;
    onSelect(hop.id);
    virtualizer.scrollToIndex(index, { align: 'auto' });
    // The row may be drawn only once the box has scrolled to it.
    requestAnimationFrame(() => list.current?.querySelector<HTMLElement>(`[data-hop="${hop.id}"]`)?.focus());
  };

  return (
    <div
      ref={scroller}
      className={`overflow-auto [overflow-anchor:none] ${className}`}
      data-testid="sequence-diagram"
    >
      <div className="relative" style={{ minWidth }}>
        <div
          className="sticky top-0 z-20 grid border-b border-border bg-panel"
          style={{ gridTemplateColumns: grid }}
        >
          <div className="sticky left-0 z-10 flex h-10 items-center bg-panel px-2.5 text-xs text-muted">
            hop · after
          </div>
          {people.map((p) => (
            <div key={p} className="flex h-10 min-w-0 items-center justify-center px-1" title={p}>
              {listeners.has(p) ? (
                <Link
                  href={`/listeners/${encodeURIComponent(p)}`}
                  className="truncate rounded border border-border bg-panel-2 px-2 py-0.5 text-xs font-medium hover:border-accent"
                >
                  {p}
                </Link>
              ) : (
                <span className="truncate rounded border border-dashed border-border px-2 py-0.5 text-xs text-muted">
                  {p}
                </span>
              )}
            </div>
          ))}
        </div>
        <div
          aria-hidden
          className="pointer-events-none absolute inset-x-0 top-10 bottom-0 grid"
          style={{ gridTemplateColumns: grid }}
        >
          <div />
          {people.map((p) => (
            <div key={p} className="mx-auto h-full w-px bg-border" />
          ))}
        </div>
        {before && <div className="sticky left-0 z-10 w-fit max-w-full">{before}</div>}
        <ol
          ref={list}
          aria-label="Hops"
          className="relative"
          style={{ height: virtualizer.getTotalSize() }}
          onKeyDown={onKeyDown}
        >
          {rows.map((r, i) => {
            const m = hops[r.index];
            if (!m) return null;
            return (
              <HopRow
                key={m.id}
                m={m}
                number={earlier + r.index + 1}
                of={earlier + hops.length}
                top={r.start - top}
                prevAt={hops[r.index - 1]?.createdAt ?? null}
                cut={r.index === 0 && earlier > 0}
                from={column.get(sender(m)) ?? 0}
                to={column.get(receiver(m)) ?? 0}
                selected={m.id === selected}
                tabbable={selectedShown ? m.id === selected : i === 0}
                grid={grid}
                onSelect={select}
              />
            );
          })}
        </ol>
      </div>
    </div>
  );
}

/** One hop: its number, the time since the hop before, and its arrow; a button that selects it. */
const HopRow = memo(function HopRow({
  m,
  number,
  of,
  top,
  prevAt,
  cut = false,
  from,
  to,
  selected,
  tabbable,
  grid,
  onSelect,
}: {
  m: MessageSummary;
  /** Its place in the thread, counting from 1, and the thread's length (both for assistive technology). */
  number: number;
  of: number;
  /** Where its row starts in the list (px). */
  top: number;
  prevAt: number | null;
  /** The first hop shown of a thread whose earlier hops are not: no time since the one before is known. */
  cut?: boolean;
  from: number;
  to: number;
  selected: boolean;
  tabbable: boolean;
  grid: string;
  onSelect: (id: string) => void;
}) {
  const look = lookOf(m);
  const after = prevAt === null ? (cut ? '' : 'start') : formatDuration(Math.max(0, m.createdAt - prevAt));
  const since = prevAt !== null ? `${after} after the hop before` : cut ? 'the first hop shown' : 'first hop';
  const label = `hop ${number}: ${sender(m)} to ${receiver(m)}, ${m.root ? `<${rootName(m.root)}>, ` : ''}${look}, attempt ${m.attempts}, ${since}`;
  return (
    <li
      aria-posinset={number}
      aria-setsize={of}
      className="absolute inset-x-0 top-0"
      style={{ transform: `translateY(${top}px)` }}
    >
      <button
        type="button"
        data-hop={m.id}
        data-state={look}
        aria-label={label}
        aria-pressed={selected}
        tabIndex={tabbable ? 0 : -1}
        onClick={() => onSelect(m.id)}
        className={`grid h-11 w-full text-left outline-offset-[-2px] ${selected ? 'bg-accent/10' : 'hover:bg-panel-2/70'}`}
        style={{ gridTemplateColumns: grid }}
      >
        <span
          className={`sticky left-0 z-10 flex flex-col justify-center px-2.5 text-xs ${selected ? 'bg-[color-mix(in_srgb,var(--accent)_10%,var(--panel))]' : 'bg-panel'}`}
        >
          <span className="tabular font-medium">#{number}</span>
          <span className="tabular text-muted">{prevAt === null ? after : `+${after}`}</span>
        </span>
        <Arrow m={m} from={from} to={to} look={look} />
      </button>
    </li>
  );
});

/** One hop's arrow between two lifelines (or a loop back to the same one), its label above it. */
function Arrow({ m, from, to, look }: { m: MessageSummary; from: number; to: number; look: Look }) {
  const left = Math.min(from, to);
  const span = Math.abs(to - from) + 1;
  const self = from === to;
  const dashed = m.kind === 'reply' || m.kind === 'error';
  const inset = `calc(100% / ${span} / 2)`;
  const label = (
    <span
      className={`flex items-center gap-1.5 truncate rounded bg-panel/90 px-1 text-xs ${self ? 'max-w-full' : 'max-w-80 shrink-0'}`}
    >
      {m.root && (
        <span className="truncate font-mono text-text" title={m.root}>
          {rootName(m.root)}
        </span>
      )}
      <StateBadge state={look} label={look.toLowerCase()} />
      {m.attempts > 1 && <span className="tabular text-muted">×{m.attempts}</span>}
    </span>
  );
  return (
    <span
      className={`relative min-w-0 ${COLOUR[look]}`}
      style={{ gridColumn: `${left + 2} / span ${self ? 1 : span}`, gridRow: 1 }}
    >
      {self ? (
        <>
          <span className="absolute top-1 left-1/2 flex max-w-[48%] pl-2">{label}</span>
          <span
            className={`absolute top-6 left-1/2 h-3 w-8 rounded-r border-2 border-l-0 border-current ${dashed ? 'border-dashed' : ''}`}
          />
        </>
      ) : (
        <>
          {/* A row holds one hop: a label longer than its arrow runs on over the empty lanes beside it
              (centred while it fits, from the arrow's start when it does not), up to 20rem. */}
          <span
            className="absolute top-1 flex"
            style={{ left: inset, right: inset, justifyContent: 'safe center' }}
          >
            {label}
          </span>
          <span
            className={`absolute top-7 border-t-2 border-current ${dashed ? 'border-dashed' : ''}`}
            style={{ left: inset, right: inset }}
          />
          <svg
            aria-hidden
            viewBox="0 0 8 8"
            className="absolute top-[24px] size-2.5"
            style={
              to > from
                ? { right: inset, transform: 'translateX(2px)' }
                : { left: inset, transform: 'translateX(-2px) rotate(180deg)' }
            }
          >
            <path d="M0 0 L8 4 L0 8 z" fill="currentColor" />
          </svg>
        </>
      )}
    </span>
  );
}
