'use client';
import type { MessageSummary } from '@organism/shared';
import Link from 'next/link';
import type { KeyboardEvent } from 'react';
import { memo, useCallback, useMemo, useRef } from 'react';
import { StateBadge } from '@/components/state-badge';
import { formatDuration, rootName } from '@/lib/format';
import { isRejected } from '@/lib/outcome';

// Six participants fit a laptop's 1024 px beside the sidebar (88 + 6 × 116 = 784 px) without scrolling;
// a name as long as "system.sequence" still shows whole in its column.
const GUTTER = 88;
const COLUMN = 116;
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
 * it stays readable with many participants and hops. Arrow keys move between hops; a hop opens on focus.
 */
export function SequenceDiagram({
  hops,
  selected,
  onSelect,
  listeners,
  className = '',
}: {
  hops: readonly MessageSummary[];
  selected: string | null;
  onSelect: (id: string) => void;
  /** Names that are listeners (linked to their page); other participants are outside producers. */
  listeners: ReadonlySet<string>;
  /** Sizes the scrolling box (its max height). */
  className?: string;
}) {
  const people = useMemo(() => participantsOf(hops), [hops]);
  const column = useMemo(() => new Map(people.map((p, i) => [p, i])), [people]);
  const list = useRef<HTMLOListElement>(null);
  // Stable, so a hop row re-renders only when its own hop changes (the query keeps unchanged hops identical).
  const latest = useRef(onSelect);
  latest.current = onSelect;
  const select = useCallback((hop: string) => latest.current(hop), []);
  const grid = `${GUTTER}px repeat(${people.length}, minmax(${COLUMN}px, 1fr))`;
  const minWidth = GUTTER + people.length * COLUMN;

  const onKeyDown = (e: KeyboardEvent) => {
    const at = hops.findIndex((h) => h.id === selected);
    const to = { ArrowDown: at + 1, ArrowUp: at - 1, Home: 0, End: hops.length - 1 }[e.key];
    if (to === undefined) return;
    e.preventDefault();
    const hop = hops[Math.max(0, Math.min(hops.length - 1, to))];
    if (!hop) return;
    onSelect(hop.id);
    list.current?.querySelector<HTMLElement>(`[data-hop="${hop.id}"]`)?.focus();
  };

  return (
    <div className={`overflow-auto ${className}`} data-testid="sequence-diagram">
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
        <ol ref={list} aria-label="Hops" className="relative" onKeyDown={onKeyDown}>
          {hops.map((m, i) => (
            <HopRow
              key={m.id}
              m={m}
              index={i}
              prevAt={hops[i - 1]?.createdAt ?? null}
              from={column.get(sender(m)) ?? 0}
              to={column.get(receiver(m)) ?? 0}
              selected={m.id === selected}
              tabbable={m.id === selected || (!selected && i === 0)}
              grid={grid}
              onSelect={select}
            />
          ))}
        </ol>
      </div>
    </div>
  );
}

/** One hop: its number, the time since the hop before, and its arrow; a button that selects it. */
const HopRow = memo(function HopRow({
  m,
  index,
  prevAt,
  from,
  to,
  selected,
  tabbable,
  grid,
  onSelect,
}: {
  m: MessageSummary;
  index: number;
  prevAt: number | null;
  from: number;
  to: number;
  selected: boolean;
  tabbable: boolean;
  grid: string;
  onSelect: (id: string) => void;
}) {
  const look = lookOf(m);
  const after = prevAt === null ? 'start' : formatDuration(Math.max(0, m.createdAt - prevAt));
  const label = `hop ${index + 1}: ${sender(m)} to ${receiver(m)}, ${m.root ? `<${rootName(m.root)}>, ` : ''}${look}, attempt ${m.attempts}, ${prevAt === null ? 'first hop' : `${after} after the hop before`}`;
  return (
    <li>
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
          <span className="tabular font-medium">#{index + 1}</span>
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
