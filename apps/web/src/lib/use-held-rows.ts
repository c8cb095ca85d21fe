'use client';
import { useEffect, useState } from 'react';
import type { LiveListHold } from './use-live-refresh';

/**
 * The rows as they were shown (`shown`), each with what it holds now, and how many came since
 * (`waiting`). A row that is no longer among `rows` went (retried, discarded) and is left out.
 */
export function heldRows<T>(
  rows: readonly T[],
  shown: readonly T[],
  key: (row: T) => string,
): { rows: T[]; waiting: number } {
  const now = new Map(rows.map((r) => [key(r), r]));
  const kept = shown.flatMap((old) => {
    const row = now.get(key(old));
    return row === undefined ? [] : [row];
  });
  const before = new Set(shown.map(key));
  return { rows: kept, waiting: rows.filter((r) => !before.has(key(r))).length };
}

/**
 * Rows that a refetch may reorder or add to (a list that the event stream's invalidations refresh), held
 * in place while the pointer is on them (spread `hold` on their box): each keeps its place with its
 * figures brought up to date, rows that came meanwhile wait (`waiting`), rows that went (retried,
 * discarded) go at once, so a click never lands on a row that slid under the pointer. Leaving the box
 * shows everything in its own order; rows of another `scope` (its filters, its page) are another list,
 * shown at once. Not held by the keyboard: a row's action moves the keyboard to the row that takes its
 * place (`refocusRowAfter`), which must be the one drawn there.
 */
export function useHeldRows<T>(
  rows: readonly T[] | undefined,
  key: (row: T) => string,
  scope = '',
): {
  rows: readonly T[] | undefined;
  waiting: number;
  hold: Pick<LiveListHold, 'onPointerEnter' | 'onPointerLeave'>;
} {
  const [pointing, setPointing] = useState(false);
  /** The rows shown as the hold began (or as the first rows came, if it began before them). */
  const [shown, setShown] = useState<{ scope: string; rows: readonly T[] } | null>(null);
  useEffect(() => {
    if (!pointing || !rows) setShown(null);
    else setShown((s) => (s?.scope === scope ? s : { scope, rows }));
  }, [pointing, rows, scope]);
  const hold = { onPointerEnter: () => setPointing(true), onPointerLeave: () => setPointing(false) };
  if (!pointing || !rows || shown?.scope !== scope) return { rows, waiting: 0, hold };
  return { ...heldRows(rows, shown.rows, key), hold };
}
