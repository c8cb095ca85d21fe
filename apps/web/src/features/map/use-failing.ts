'use client';
import { useRef } from 'react';
import type { ListenerInfo } from '@/lib/live-listeners';

/** How long a listener stays marked failing after its failure count last grew. */
const FAILING_FOR_MS = 15_000;

/**
 * The listeners failing now: in the error state, or whose failure count grew in the last 15 s (as seen by
 * this tab). A listener that failed an hour ago and works now is not red.
 */
export function useFailing(listeners: ListenerInfo[] | undefined): Set<string> {
  const seen = useRef(new Map<string, { failed: number; grewAt: number }>());
  const out = new Set<string>();
  if (!listeners) return out;
  const now = Date.now();
  for (const l of listeners) {
    const before = seen.current.get(l.name);
    const grewAt = before && l.failed > before.failed ? now : (before?.grewAt ?? 0);
    seen.current.set(l.name, { failed: l.failed, grewAt });
    if (l.state === 'error' || now - grewAt < FAILING_FOR_MS) out.add(l.name);
  }
  return out;
}
