'use client';
import type { AppRouter } from '@organism/engine';
import type { RouteStats } from '@organism/shared';
import { useQuery } from '@tanstack/react-query';
import type { inferRouterOutputs } from '@trpc/server';
import { useMemo } from 'react';
import { useNow } from '@/components/time-ago';
import type { ReceivedActivity } from './engine-stream';
import { useActivity, useEngineStream } from './engine-stream';
import { shownState, stateClock } from './listener-state';
import { useTRPC } from './trpc';

/** A listener as `listeners.list` describes it: contract, limits, and its activity since the engine started. */
export type ListenerInfo = inferRouterOutputs<AppRouter>['listeners']['list'][number];

/** The window of routes the stream's activity items carry, and the map's unless asked for another. */
export const ROUTES_WINDOW_SECONDS = 300;
/** How often the routes of another window than the pushed one are read again. */
const WIDE_ROUTES_REFRESH_MS = 5_000;

/**
 * The engine pushes activity once a second to every subscriber; until the first item arrives (an engine
 * without it, or the first second) the snapshot queries refresh themselves instead.
 */
function refreshUnlessPushed(activity: ReceivedActivity | undefined) {
  return activity ? false : 2_000;
}

/**
 * Every listener (system ones included) with its live state and counts: the snapshot, then pushed
 * activity. Its state is the one every page shows (`shownState`: error for a while after a failure).
 */
export function useLiveListeners() {
  const trpc = useTRPC();
  const activity = useActivity();
  const list = useQuery(
    trpc.listeners.list.queryOptions(undefined, { refetchInterval: refreshUnlessPushed(activity) }),
  );
  const now = useNow();
  const asOf = stateClock(now, useEngineStream().away?.since);
  const data = useMemo(() => {
    if (!list.data) return undefined;
    // Pushed figures replace the snapshot's only when they are newer than it.
    const live =
      activity && activity.receivedAt >= list.dataUpdatedAt
        ? new Map(activity.activity.listeners.map((a) => [a.name, a]))
        : undefined;
    // A pushed item is newer than the clock's last tick: a failure it carries reads as just now.
    const at = Math.max(asOf, activity?.receivedAt ?? 0);
    return list.data.map((l) => {
      const a = live?.get(l.name);
      const figures = a
        ? {
            ...l,
            state: a.state,
            inFlight: a.inFlight,
            queued: a.queued,
            received: a.received,
            failed: a.failed,
            lastActivityAt: a.lastActivityAt,
            lastFailedAt: a.lastFailedAt,
          }
        : l;
      return { ...figures, state: shownState(figures, at) };
    });
  }, [list.data, list.dataUpdatedAt, activity, asOf]);
  return { data, error: list.error };
}

/**
 * Every route messages took in the last `windowSeconds`, with live rates. The pushed window (five
 * minutes): the snapshot, then pushed activity; any other is the snapshot read again every 5 s. `since`
 * is when the snapshot's window began: the engine's start when that is later.
 */
export function useLiveRoutes(windowSeconds = ROUTES_WINDOW_SECONDS): {
  data: RouteStats[] | undefined;
  since: number | undefined;
  error: unknown;
} {
  const trpc = useTRPC();
  const activity = useActivity();
  const pushedWindow = windowSeconds === ROUTES_WINDOW_SECONDS;
  const pushed = pushedWindow ? activity : undefined;
  const routes = useQuery(
    trpc.listeners.routes.queryOptions(
      { windowSeconds },
      {
        refetchInterval: pushedWindow ? refreshUnlessPushed(activity) : WIDE_ROUTES_REFRESH_MS,
        // The map's choice of window swaps the query: its last routes stay drawn until the new ones come.
        placeholderData: (previous) => previous,
      },
    ),
  );
  const data =
    pushed && pushed.receivedAt >= routes.dataUpdatedAt ? pushed.activity.routes : routes.data?.routes;
  return { data, since: routes.data?.since, error: routes.error };
}
