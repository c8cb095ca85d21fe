'use client';
import { useRef } from 'react';
import type { RouteStats } from '@organism/shared';
import type { ListenerInfo } from '@/lib/live-listeners';

/** How long a listener stays marked failing after its failure count last grew. */
const FAILING_FOR_MS = 15_000;

/**
 * The listeners failing now: in the error state, or whose failure count grew in the last 15 s (as seen by
 * this tab). A listener that failed an hour ago and works now is not red. A tab that has only just seen a
 * listener cannot tell growth yet: one with dead letters on a route into it (the routes' five minutes)
 * counts as failing from then, so that it is not drawn grey beside its red routes until it next fails.
 */
export function useFailing(
  listeners: ListenerInfo[] | undefined,
  routes: readonly RouteStats[] | undefined,
): Set<string> {
  const seen = useRef(new Map<string, { failed: number; grewAt: number }>());
  const out = new Set<string>();
  if (!listeners || !routes) return out;
  const now = Date.now();
  for (const l of listeners) {
    const before = seen.current.get(l.name);
    const grewAt = before
      ? l.failed > before.failed
        ? now
        : before.grewAt
      : routes.some((r) => r.to === l.name && r.failed > 0)
        ? now
        : 0;
    seen.current.set(l.name, { failed: l.failed, grewAt });
    if (l.state === 'error' || now - grewAt < FAILING_FOR_MS) out.add(l.name);
  }
  return out;
}
