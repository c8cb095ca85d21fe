'use client';
import { Pause, Play } from 'lucide-react';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState } from 'react';
import { NeverDispatched } from '@/components/attempts';
import { IdLink } from '@/components/id-link';
import { StateBadge } from '@/components/state-badge';
import { TimeAgo } from '@/components/time-ago';
import { Button } from '@/components/ui/button';
import { DataTable } from '@/components/ui/data-table';
import type { DataColumn } from '@/components/ui/data-table';
import { useEngineStream } from '@/lib/engine-stream';
import type { StreamContext } from '@/lib/engine-stream';
import { useTRPC } from '@/lib/trpc';
import { formatCount, formatCountOf, plural } from '@/lib/format';
import { isRejectionTransition } from '@/lib/outcome';
import { messageFilterValues, messagesHref } from '@/lib/url-filters';
import { statsOf, TailKeeper } from './live-tail-model';
import type { KeptTail, TailFilter, TailRow, TailStats } from './live-tail-model';
import { RootCell } from './message-columns';
import { heldNote, usePointerFocusHold } from '@/lib/use-live-refresh';

/** The most messages the tail keeps; older ones are in the list (and the journal). */
export const TAIL_CAP = 5_000;
/**
 * The least time between two draws. Changes are batched per animation frame, and a frame draws only if this
 * much time has passed since the last one: four updates a second read as live, and leave the browser time
 * to spare when thousands of transitions a second arrive (each draw re-renders every row in view).
 */
const DRAW_EVERY_MS = 250;

const NO_STATS: TailStats = {
  received: 0,
  shown: 0,
  firstSeq: null,
  lastSeq: null,
  gaps: 0,
  repeats: 0,
  evicted: 0,
  size: 0,
};
/** How long a tail no page shows reads on: back on it within this, it is as it was. */
const KEEP_MS = 10 * 60_000;
/** Each event stream's kept tails (a new stream, after signing in again, starts its own). */
const keepers = new WeakMap<StreamContext['subscribe'], TailKeeper>();
function keeperOf(subscribe: StreamContext['subscribe']): TailKeeper {
  let keeper = keepers.get(subscribe);
  if (!keeper) keepers.set(subscribe, (keeper = new TailKeeper(subscribe, TAIL_CAP, KEEP_MS)));
  return keeper;
}

/**
 * The tail's columns. `listeners`: the organism's listener names, once known: a message to any other name is
 * an answer to an outside producer, recorded and never dispatched (no attempt, as in the list).
 */
function tailColumns(listeners: ReadonlySet<string> | undefined): DataColumn<TailRow>[] {
  return [
    {
      id: 'seq',
      // A row moves as its message does: the number is its latest transition's, not its place in the tail.
      header: <span title="the sequence number of its latest transition">last seq</span>,
      width: 84,
      numeric: true,
      // Below 1280 px the route needs the room: the status line above says how far the tail has read.
      from: 'xl',
      cell: (r) => <span className="text-muted">{formatCount(r.seq)}</span>,
    },
    { id: 'id', header: 'message', width: 104, cell: (r) => <IdLink id={r.id} href={`/messages/${r.id}`} /> },
    {
      id: 'state',
      header: 'state',
      width: 112,
      cell: (r) =>
        r.state === 'DISCARDED' ? (
          <span className="text-xs font-medium">DISCARDED</span>
        ) : (
          <StateBadge state={isRejectionTransition(r) ? 'REJECTED' : r.state} />
        ),
    },
    {
      id: 'attempt',
      header: 'attempt',
      width: 72,
      numeric: true,
      // Refused input and answers to outside producers were never dispatched: no attempt, as in the list.
      cell: (r) =>
        isRejectionTransition(r) || (r.to !== null && listeners !== undefined && !listeners.has(r.to)) ? (
          <NeverDispatched />
        ) : (
          r.attempt
        ),
    },
    {
      id: 'route',
      header: 'from → to',
      cell: (r) => (
        <span title={`${r.from ?? '?'} → ${r.to ?? '?'}`}>
          {r.from ?? '…'} <span className="text-muted">→</span>{' '}
          {r.to ?? (r.kind === 'rejected' ? 'refused at intake' : r.from ? 'broadcast' : '…')}
        </span>
      ),
    },
    {
      id: 'root',
      header: 'root',
      width: 120,
      from: 'xl',
      cell: (r) => <RootCell root={r.root} />,
    },
    {
      id: 'code',
      header: 'error',
      // REDELIVERY_EXHAUSTED's width, the longest code a message can end with (as in the Messages list).
      width: 152,
      cell: (r) => (
        <span
          className={`font-mono text-xs ${isRejectionTransition(r) ? 'text-rejected' : 'text-failed'}`}
          title={r.errorCode ?? undefined}
        >
          {r.errorCode ?? ''}
        </span>
      ),
    },
    {
      id: 'thread',
      header: 'thread',
      width: 104,
      from: 'xl',
      cell: (r) => (r.threadId ? <IdLink id={r.threadId} href={`/threads/${r.threadId}`} /> : null),
    },
    { id: 'at', header: 'last change', width: 100, cell: (r) => <TimeAgo at={r.at} /> },
  ];
}

/**
 * Every message as the journal records it, live: one row per message (updated in place as its state
 * changes), newest first, the last 5,000 kept, drawn once per animation frame and virtualized, so it keeps
 * up with thousands of transitions a second. Pause freezes the view while the tail keeps counting (and
 * applying) what arrives, so Resume shows everything from where it stopped, nothing lost or twice. The
 * pointer or the keyboard in the rows holds them still too, as the list does: a row clicked or opened with
 * Enter is the one that was read, not one that a new message moved into its place.
 */
export function LiveTail({ filter, height }: { filter: TailFilter; height: string }) {
  const { subscribe, connection } = useEngineStream();
  const router = useRouter();
  const trpc = useTRPC();
  const listeners = useQuery(trpc.listeners.list.queryOptions()).data;
  const columns = useMemo(() => tailColumns(listeners && new Set(listeners.map((l) => l.name))), [listeners]);
  const [rows, setRows] = useState<TailRow[]>([]);
  const [stats, setStats] = useState<TailStats>(NO_STATS);
  const [paused, setPaused] = useState<KeptTail['paused']>(null);
  const [resumed, setResumed] = useState<{ from: number; to: number; lost: number } | null>(null);
  const kept = useRef<KeptTail | null>(null);
  const key = JSON.stringify(filter);
  const { pointing, focused, hold } = usePointerFocusHold();
  const held = pointing || focused;
  const heldNow = useRef(held);
  heldNow.current = held;

  useEffect(() => {
    // The tail these filters had, if it was left within KEEP_MS (its pause too), or a new one.
    const keeper = keeperOf(subscribe);
    const tail = keeper.take(key, JSON.parse(key) as TailFilter);
    kept.current = tail;
    setRows(tail.paused?.rows ?? tail.model.snapshot());
    setStats(statsOf(tail.model));
    setPaused(tail.paused);
    setResumed(null);
    let frame = 0;
    let wait: ReturnType<typeof setTimeout> | undefined;
    let drawn = 0;
    const draw = (now: number) => {
      frame = 0;
      drawn = now;
      setStats(statsOf(tail.model));
      if (!tail.paused && !heldNow.current) setRows(tail.model.snapshot());
    };
    const schedule = () => {
      wait = undefined;
      frame = requestAnimationFrame(draw);
    };
    const stop = tail.watch(() => {
      if (frame || wait) return;
      const early = drawn + DRAW_EVERY_MS - performance.now();
      if (early > 0) wait = setTimeout(schedule, early);
      else schedule();
    });
    return () => {
      stop();
      keeper.release(key);
      cancelAnimationFrame(frame);
      clearTimeout(wait);
    };
  }, [subscribe, key]);

  // As the hold ends, what came meanwhile is drawn at once.
  useEffect(() => {
    const tail = kept.current;
    if (!held && tail && !tail.paused) setRows(tail.model.snapshot());
  }, [held]);

  const pause = () => {
    const tail = kept.current;
    if (!tail) return;
    tail.paused = { at: Date.now(), stats: statsOf(tail.model), rows };
    setPaused(tail.paused);
    setResumed(null);
  };
  const resume = () => {
    const tail = kept.current;
    if (tail?.paused) {
      const was = tail.paused;
      tail.paused = null;
      setRows(tail.model.snapshot());
      setStats(statsOf(tail.model));
      // Messages first seen while paused beyond the rows kept are not shown: say so, and where they are.
      const arrived = tail.model.size - was.stats.size + (tail.model.evicted - was.stats.evicted);
      setResumed({ from: was.at, to: Date.now(), lost: Math.max(0, arrived - TAIL_CAP) });
    }
    setPaused(null);
  };

  const since = paused
    ? {
        // Of the messages these filters show, not of the whole organism.
        transitions: stats.shown - paused.stats.shown,
        messages: stats.size - paused.stats.size + (stats.evicted - paused.stats.evicted),
      }
    : null;
  return (
    <div
      className="space-y-2"
      data-testid="live-tail"
      data-paused={paused ? 'true' : 'false'}
      data-held={held ? 'true' : 'false'}
      data-received={stats.received}
      data-first-seq={stats.firstSeq ?? ''}
      data-last-seq={stats.lastSeq ?? ''}
      data-gaps={stats.gaps}
      data-repeats={stats.repeats}
      data-rows={rows.length}
    >
      <div className="flex flex-wrap items-center gap-3 text-sm">
        {paused ? (
          <Button variant="primary" onClick={resume}>
            <Play className="size-4" aria-hidden /> Resume
          </Button>
        ) : (
          <Button onClick={pause}>
            <Pause className="size-4" aria-hidden /> Pause
          </Button>
        )}
        {/* No live region: its counts change up to four times a second, and the Pause and Resume buttons say
            the tail's state already; an engine away is said by the frame's banner. */}
        <p className="text-muted">
          {paused && since ? (
            <>
              Paused at seq{' '}
              <span className="tabular text-text">
                {paused.stats.lastSeq === null ? '–' : formatCount(paused.stats.lastSeq)}
              </span>{' '}
              · <span className="tabular text-text">{formatCount(since.messages)}</span> new{' '}
              {plural(since.messages, 'message')} and{' '}
              <span className="tabular text-text">{formatCount(since.transitions)}</span>{' '}
              {plural(since.transitions, 'transition')} since, shown on resume
            </>
          ) : connection !== 'live' ? (
            'Waiting for the engine; the tail resumes where it stopped.'
          ) : (
            <>
              Live · <span className="tabular text-text">{formatCount(rows.length)}</span>{' '}
              {plural(rows.length, 'message')}
              {rows.length >= TAIL_CAP && ` (the last ${formatCount(TAIL_CAP)})`} · up to seq{' '}
              <span className="tabular text-text">
                {stats.lastSeq === null ? '–' : formatCount(stats.lastSeq)}
              </span>
              {heldNote({ pointing, focused }, 'the rows')}
            </>
          )}
        </p>
        {resumed && resumed.lost > 0 && (
          <p className="text-xs text-rejected">
            {formatCountOf(resumed.lost, 'message')} that arrived while paused are beyond the{' '}
            {formatCount(TAIL_CAP)} kept:{' '}
            <Link
              className="underline"
              href={messagesHref(messageFilterValues({ ...filter, since: resumed.from, until: resumed.to }))}
            >
              see them in the list
            </Link>
            .
          </p>
        )}
      </div>
      <div className="rounded-lg border border-border bg-panel" {...hold}>
        <DataTable
          label="Live tail"
          columns={columns}
          rows={rows}
          rowKey={(r) => r.id}
          onOpen={(r) => router.push(`/messages/${r.id}`)}
          virtual={{ height, byPlace: true }}
          rowAttributes={(r) => ({ 'data-seq': r.seq, 'data-message-id': r.id })}
          empty={
            Object.values(filter).some(Boolean)
              ? 'No message matching these filters has arrived since the tail started. Messages appear here as the journal records them.'
              : 'Waiting for messages: each appears here as the journal records it, and changes state in place.'
          }
        />
      </div>
    </div>
  );
}
