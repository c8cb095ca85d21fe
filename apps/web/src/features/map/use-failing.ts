'use client';
import { useRef } from 'react';
import type { RouteStats } from '@organism/shared';
import type { ListenerInfo } from '@/lib/live-listeners';

/** How long a listener stays marked failing after its failure count last grew. */
const FAILING_FOR_MS = 15_000;

/** What the tab saw of each listener: its failure count, and when that last grew. */
export type FailureSightings = Map<string, { failed: number; grewAt: number }>;

/**
 * The listeners failing at `now`: in the error state, or whose failure count grew in the last 15 s (as
 * seen by this tab, whose sightings `seen` keeps). A listener that failed an hour ago and works now is not
 * red. A tab that has only just seen a listener cannot tell growth yet: one with dead letters on a route
 * into it (the routes' five minutes) counts as failing from then, so that it is not drawn grey beside its
 * red routes until it next fails. A count that went down started over (the engine restarted): nothing
 * failed since, whatever failed before.
 */
export function failingNow(
  seen: FailureSightings,
  listeners: readonly ListenerInfo[],
  routes: readonly RouteStats[],
  now: number,
): Set<string> {
  const out = new Set<string>();
  for (const l of listeners) {
    const before = seen.get(l.name);
    const grewAt = before
      ? l.failed > before.failed
        ? now
        : l.failed < before.failed
          ? 0
          : before.grewAt
      : routes.some((r) => r.to === l.name && r.failed > 0)
        ? now
        : 0;
    seen.set(l.name, { failed: l.failed, grewAt });
    if (l.state === 'error' || now - grewAt < FAILING_FOR_MS) out.add(l.name);
  }
  return out;
}

/** `failingNow` for a page, remembering what it saw between renders. */
export function useFailing(
  listeners: ListenerInfo[] | undefined,
  routes: readonly RouteStats[] | undefined,
): Set<string> {
  const seen = useRef<FailureSightings>(new Map());
  if (!listeners || !routes) return new Set();
  return failingNow(seen.current, listeners, routes, Date.now());
}
