'use client';
import type { Activity, ConsoleEvent, RoutedTransition } from '@organism/shared';
import type { QueryClient } from '@tanstack/react-query';
import { partialMatchKey, useQueryClient } from '@tanstack/react-query';
import { useSubscription } from '@trpc/tanstack-react-query';
import type { ReactNode } from 'react';
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState } from 'react';
import { toast } from 'sonner';
import { formatCountOf, formatDuration } from './format';
import { HeardSeconds } from './heard-seconds';
import { isRejectionTransition } from './outcome';
import { askWhoIsSignedIn } from './session';
import { useTRPC } from './trpc';

export type Connection = 'connecting' | 'live' | 'away';

/** An activity item and when this tab received it (compared with queries' times: the same clock). */
export interface ReceivedActivity {
  activity: Activity;
  receivedAt: number;
}

/** Outcomes counted in one second of transitions. */
export interface SecondOutcomes {
  delivered: number;
  failed: number;
  rejected: number;
}

/** An outage that reached `away`: when, and whether the engine was draining (a restart or stop) before it. */
export interface Away {
  since: number;
  afterDrain: boolean;
}

export interface StreamContext {
  connection: Connection;
  /**
   * Set from the moment the engine is away until the stream is live again (through the reconnect attempts
   * between): what the engine said before may no longer hold.
   */
  away: Away | undefined;
  /**
   * When the engine began the drain of a restart or stop, from its first drain event, until the stream is
   * live again after it: said at once, without waiting for a status.
   */
  drainingSince: number | undefined;
  /** The last time data arrived or the stream was known healthy. */
  lastSeen: () => number | undefined;
  subscribe: (fn: (t: RoutedTransition) => void) => () => void;
  /** Listeners' and routes' live figures, pushed about once a second (the stream's `activity` items). */
  subscribeActivity: (fn: (a: ReceivedActivity) => void) => () => void;
  /** The newest activity received, if any has arrived on this tab. */
  latestActivity: () => ReceivedActivity | undefined;
  /** Engine events as they arrive (drain progress, reloads, listener states…). */
  subscribeEvents: (fn: (e: ConsoleEvent) => void) => () => void;
  /**
   * Outcomes per second (unix seconds) of the transitions this tab received, the last few minutes, and
   * the first second it watched (perhaps in part): the overview's chart reads them (`useThroughput`).
   */
  outcomes: () => {
    bySecond: ReadonlyMap<number, SecondOutcomes>;
    since: number;
    /** Seconds the stream was not live: nothing was heard, which is not the same as nothing happened. */
    unheard: ReadonlySet<number>;
  };
}

/** How long a reconnect may take before the engine reads as away. */
const RECONNECT_GRACE_MS = 2_000;
/** How long tRPC's client waits without a byte before it reconnects (`SSE.client`, engine's api/trpc.ts). */
const INACTIVITY_MS = 8_000;

/** Seconds of outcomes a tab keeps: the chart's five minutes and some slack. */
const KEEP_SECONDS = 310;

const Ctx = createContext<StreamContext | null>(null);

/**
 * Calls `heard` with the time of each answer a query has from the engine (data the page set itself is no
 * answer); returns the unsubscribe.
 */
function onEngineAnswer(queryClient: QueryClient, heard: (at: number) => void): () => void {
  return queryClient.getQueryCache().subscribe((e) => {
    if (e.type === 'updated' && e.action.type === 'success' && !e.action.manual)
      heard(e.query.state.dataUpdatedAt);
  });
}

/**
 * One SSE subscription per tab to the engine's event stream, shared by every page. It resumes from its
 * last event id after a drop (tRPC's tracked ids), counts outcomes per second for the overview, and
 * refreshes the engine's status and counts at most once a second while events flow. Its context value
 * changes only with the connection: live figures reach pages through subscriptions and getters, so the
 * stream itself never re-renders a page.
 */
export function EngineStreamProvider({ children }: { children: ReactNode }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const listeners = useRef(new Set<(t: RoutedTransition) => void>());
  const activityListeners = useRef(new Set<(a: ReceivedActivity) => void>());
  const eventListeners = useRef(new Set<(e: ConsoleEvent) => void>());
  const activity = useRef<ReceivedActivity | undefined>(undefined);
  const buckets = useRef(new Map<number, SecondOutcomes>());
  const [since] = useState(() => Math.floor(Date.now() / 1000));
  const [heard] = useState(() => new HeardSeconds(Date.now()));
  const live = useRef(false);
  const lastSeen = useRef<number | undefined>(undefined);
  /** When the stream last brought anything. */
  const lastItemAt = useRef(0);
  /** When a query last had the engine's answer (the top bar's status, a page's list). */
  const lastAnswerAt = useRef(0);
  useEffect(
    () => onEngineAnswer(queryClient, (at) => (lastAnswerAt.current = Math.max(lastAnswerAt.current, at))),
    [queryClient],
  );
  const dirty = useRef(false);
  /** A drain began since the stream was last back from an outage: going away next is its stop. */
  const drainSeen = useRef(false);
  const [drainingSince, setDrainingSince] = useState<number | undefined>(undefined);

  // The last event id seen: after an outage the stream resumes right after it, so nothing is missed.
  const lastId = useRef<string | null>(null);
  const [resumeFrom, setResumeFrom] = useState<string | null>(null);
  const sub = useSubscription(
    trpc.events.stream.subscriptionOptions(resumeFrom ? { lastEventId: resumeFrom } : {}, {
      onStarted: () => {
        lastSeen.current = Date.now();
      },
      // The engine ends the stream of a session that ended: the frame then goes to sign-in.
      onError: (err) => askWhoIsSignedIn(queryClient, err),
      onData: (item) => {
        lastId.current = item.id;
        lastItemAt.current = Date.now();
        const data = item.data;
        if (data.kind === 'activity') {
          const received = { activity: data.activity, receivedAt: Date.now() };
          activity.current = received;
          for (const fn of activityListeners.current) fn(received);
          return;
        }
        // Engine events were missed (it restarted, or this tab fell behind): every snapshot may be stale.
        if (data.kind === 'reset') {
          void queryClient.invalidateQueries();
          return;
        }
        if (data.kind !== 'changes') return;
        if (data.transitions.length > 0) dirty.current = true;
        for (const t of data.transitions) {
          if (t.state === 'ACKED' || t.state === 'FAILED') {
            const second = Math.floor(t.at / 1000);
            let b = buckets.current.get(second);
            if (!b) buckets.current.set(second, (b = { delivered: 0, failed: 0, rejected: 0 }));
            if (t.state === 'ACKED') b.delivered++;
            else if (isRejectionTransition(t)) b.rejected++;
            else b.failed++;
          }
          for (const fn of listeners.current) fn(t);
        }
        // The page updates once per item, so the events' place among its transitions does not matter here.
        for (const { event } of data.events) {
          for (const fn of eventListeners.current) fn(event);
          // Draining for a restart or stop: the top bar's state and uptime are about to change.
          if (event.type === 'drain') {
            if (!drainSeen.current) setDrainingSince(Date.now());
            drainSeen.current = true;
            void queryClient.invalidateQueries({ queryKey: trpc.organism.status.queryKey() });
          }
          // The journal cannot write, or writes again: the status (the banner, the top bar) says so now.
          if (event.type === 'journal.unavailable' || event.type === 'journal.available')
            void queryClient.invalidateQueries({ queryKey: trpc.organism.status.queryKey() });
          if (event.type === 'journal.available')
            toast.success(
              `The journal writes again, after ${formatDuration(event.downMs)}; intake is open.` +
                (event.unrecorded > 0
                  ? ` ${formatCountOf(event.unrecorded, 'delivery', 'deliveries')} lost their outcome and run again at the engine's next start.`
                  : ''),
            );
          if (event.type === 'reload') {
            void queryClient.invalidateQueries({ queryKey: trpc.listeners.pathKey() });
            void queryClient.invalidateQueries({ queryKey: trpc.organism.info.queryKey() });
            void queryClient.invalidateQueries({ queryKey: trpc.config.pathKey() });
          }
        }
      },
    }),
  );

  // tRPC reconnects a dropped stream by itself, but an engine that refuses the connection (the proxy
  // answers 5xx while it is away) ends the subscription in `error`: start it again, with backoff.
  const attempt = useRef(0);
  /** When a query's answer last started the stream again: at most once in RECONNECT_GRACE_MS. */
  const kicked = useRef(0);
  const { status, reset } = sub;
  useEffect(() => {
    if (status === 'pending') attempt.current = 0;
    // Reconnecting by itself (EventSource's own retries, seconds apart), the stream is started again at
    // once too when a query answers: the next engine of a restart answers before the stream would retry.
    if (status === 'connecting' && everLive.current) {
      return onEngineAnswer(queryClient, () => {
        if (Date.now() - kicked.current < RECONNECT_GRACE_MS) return;
        kicked.current = Date.now();
        setResumeFrom(lastId.current);
        reset();
      });
    }
    if (status !== 'error') return;
    const again = (): void => {
      clearTimeout(t);
      unwatch();
      setResumeFrom(lastId.current);
      reset();
    };
    const t = setTimeout(again, Math.min(10_000, 1_000 * 2 ** attempt.current++));
    // Any answer of the engine meanwhile (the restart panel's status, a page's query) says it is back:
    // the stream starts again then, not after the rest of its backoff, during which the console would
    // still call the engine away.
    const unwatch = onEngineAnswer(queryClient, again);
    return () => {
      clearTimeout(t);
      unwatch();
    };
  }, [status, reset, queryClient]);

  // Once a second: forget old seconds, and refresh what the events made stale.
  useEffect(() => {
    const tick = setInterval(() => {
      const second = Math.floor(Date.now() / 1000);
      const oldest = second - KEEP_SECONDS;
      for (const s of buckets.current.keys()) if (s < oldest) buckets.current.delete(s);
      heard.forgetBefore(oldest);
      // The seconds ended since the last tick (perhaps several: a hidden tab's timers run late) were heard
      // if the stream is still live, else they are a gap in the chart.
      heard.decide(second - 1, live.current, oldest);
      if (live.current) lastSeen.current = Date.now();
      if (dirty.current) {
        dirty.current = false;
        void queryClient.invalidateQueries({ queryKey: trpc.organism.status.queryKey() });
        // All but the throughput's history, read once: the tab counts the seconds after it itself.
        const history = trpc.journal.throughput.pathKey();
        void queryClient.invalidateQueries({
          queryKey: trpc.journal.pathKey(),
          predicate: (q) => !partialMatchKey(q.queryKey, history),
        });
      }
    }, 1000);
    return () => clearInterval(tick);
  }, [queryClient, trpc, heard]);

  // Reconnecting after it was live (the engine stopped answering: its pings stopped, so tRPC reconnects,
  // SSE.client in the engine's api/trpc.ts) is the engine away once it lasts RECONNECT_GRACE_MS: a stream
  // cut by a proxy comes back sooner than that, and should not flash the banner.
  const [reconnectingLong, setReconnectingLong] = useState(false);
  /** Whether the stream has been live on this page (a first connecting is no outage). */
  const everLive = useRef(false);
  if (sub.status === 'pending') everLive.current = true;
  // Connecting again, or failed outright (the subscription ended in `error`, which skips `connecting`):
  // either way the seconds since the engine was last heard are a gap.
  const reconnecting = (sub.status === 'connecting' || sub.status === 'error') && everLive.current;
  useEffect(() => {
    if (!reconnecting) {
      setReconnectingLong(false);
      return;
    }
    // tRPC reconnects after INACTIVITY_MS without a byte: the engine was silent since the stream's last
    // item, or for that long, and the seconds it counted nothing in then are a gap, not zeros.
    const now = Math.floor(Date.now() / 1000);
    const silentFrom = Math.max(now - INACTIVITY_MS / 1000, Math.floor(lastItemAt.current / 1000) + 1);
    for (let s = silentFrom; s < now; s++) if (!buckets.current.has(s)) heard.mark(s);
    // Last heard: by the stream, or by a query answered before it dropped (a status fetched between the
    // last item and a hang is no news of an engine that answers again; one fetched after the drop is).
    lastSeen.current = Math.max(lastItemAt.current, Date.now() - INACTIVITY_MS, lastAnswerAt.current);
    const t = setTimeout(() => setReconnectingLong(true), RECONNECT_GRACE_MS);
    return () => clearTimeout(t);
  }, [reconnecting, heard]);
  const connection: Connection =
    sub.status === 'pending'
      ? 'live'
      : sub.status === 'error' || (reconnecting && reconnectingLong)
        ? 'away'
        : 'connecting';

  // Coming back after an outage (or reaching an engine that was away when the page opened): everything on
  // screen may be stale, so refetch it all once. A page's first connecting is no outage: refetching then
  // would ask every query twice and cancel those in flight.
  const wasAway = useRef(false);
  const [away, setAway] = useState<Away | undefined>(undefined);
  useEffect(() => {
    if (live.current !== (connection === 'live')) heard.changed(Date.now(), live.current);
    live.current = connection === 'live';
    if (connection === 'live') {
      setAway(undefined);
      if (wasAway.current) {
        wasAway.current = false;
        drainSeen.current = false;
        setDrainingSince(undefined);
        void queryClient.invalidateQueries();
      }
    } else if (connection === 'away' || everLive.current) wasAway.current = true;
    // Away stays away through the reconnect attempts that follow, until the stream is live. It began when
    // the engine was last heard: a status fetched since (during the grace before `away`) is newer news.
    if (connection === 'away')
      setAway((a) => a ?? { since: lastSeen.current ?? Date.now(), afterDrain: drainSeen.current });
  }, [connection, queryClient, heard]);

  // Stable, so a page's effect that subscribes does not restart every time the context changes.
  const subscribe = useCallback((fn: (t: RoutedTransition) => void) => {
    listeners.current.add(fn);
    return () => {
      listeners.current.delete(fn);
    };
  }, []);
  const subscribeActivity = useCallback((fn: (a: ReceivedActivity) => void) => {
    activityListeners.current.add(fn);
    return () => {
      activityListeners.current.delete(fn);
    };
  }, []);
  const subscribeEvents = useCallback((fn: (e: ConsoleEvent) => void) => {
    eventListeners.current.add(fn);
    return () => {
      eventListeners.current.delete(fn);
    };
  }, []);
  const latestActivity = useCallback(() => activity.current, []);
  const getLastSeen = useCallback(() => lastSeen.current, []);
  const outcomes = useCallback(() => {
    // The seconds ended since the last tick are decided first: read between a second's end and the tick
    // after it, the second would count as a quiet one even while the stream is away.
    heard.decide(Math.floor(Date.now() / 1000) - 1, live.current);
    return { bySecond: buckets.current, since, unheard: heard.unheard };
  }, [since, heard]);
  const value = useMemo<StreamContext>(
    () => ({
      connection,
      away,
      drainingSince,
      lastSeen: getLastSeen,
      subscribe,
      subscribeActivity,
      latestActivity,
      subscribeEvents,
      outcomes,
    }),
    [
      connection,
      away,
      drainingSince,
      getLastSeen,
      subscribe,
      subscribeActivity,
      latestActivity,
      subscribeEvents,
      outcomes,
    ],
  );
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useEngineStream(): StreamContext {
  const ctx = useContext(Ctx);
  if (!ctx) throw new Error('useEngineStream outside EngineStreamProvider');
  return ctx;
}

/** The newest activity (listeners' and routes' live figures), re-rendering as each arrives. */
export function useActivity(): ReceivedActivity | undefined {
  const { subscribeActivity, latestActivity } = useEngineStream();
  const [a, setA] = useState(latestActivity);
  useEffect(() => subscribeActivity(setA), [subscribeActivity]);
  return a;
}

/** The stream when inside the frame, or undefined (pages drawn before sign-in). */
export function useEngineStreamOptional(): StreamContext | undefined {
  return useContext(Ctx) ?? undefined;
}
