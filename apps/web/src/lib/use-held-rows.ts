'use client';
import { useEffect, useRef, useState } from 'react';
import type { LiveListHold } from './use-live-refresh';

/**
 * Rows that a refetch may reorder or add to (a list that the event stream's invalidations refresh), held
 * in place while the pointer is on them or the keyboard's focus is in them (spread `hold` on their box):
 * rows that came meanwhile wait (`waiting`), rows that went (retried, discarded) go at once, so a click
 * never lands on a row that slid under the pointer. Leaving the box shows everything.
 */
export function useHeldRows<T>(
  rows: readonly T[] | undefined,
  key: (row: T) => string,
): { rows: readonly T[] | undefined; waiting: number; hold: LiveListHold } {
  const [pointing, setPointing] = useState(false);
  const [focused, setFocused] = useState(false);
  const held = pointing || focused;
  /** The keys shown as the hold began (or as the first rows came, if it began before them). */
  const [shown, setShown] = useState<ReadonlySet<string> | null>(null);
  const keyOf = useRef(key);
  keyOf.current = key;
  useEffect(() => {
    if (!held) setShown(null);
    else if (rows) setShown((s) => s ?? new Set(rows.map((r) => keyOf.current(r))));
  }, [held, rows]);
  const hold: LiveListHold = {
    onPointerEnter: () => setPointing(true),
    onPointerLeave: () => setPointing(false),
    onFocus: () => setFocused(true),
    onBlur: (e) => {
      if (!e.relatedTarget || !e.currentTarget.contains(e.relatedTarget)) setFocused(false);
    },
  };
  if (!held || !shown || !rows) return { rows, waiting: 0, hold };
  const kept = rows.filter((r) => shown.has(key(r)));
  return { rows: kept, waiting: rows.length - kept.length, hold };
}
