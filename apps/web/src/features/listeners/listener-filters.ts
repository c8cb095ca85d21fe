import { debounce, parseAsBoolean, parseAsString, parseAsStringLiteral, useQueryStates } from 'nuqs';
import type { ListenerInfo } from '@/lib/live-listeners';

export const LISTENER_STATES = ['idle', 'processing', 'paused', 'error'] as const;
export const LISTENER_SORTS = ['name', 'state', 'received', 'failed', 'inFlight', 'lastActivityAt'] as const;
export type ListenerSort = (typeof LISTENER_SORTS)[number];

/** The listeners table's filters and order, kept in the URL so a view can be shared and reloaded. */
export function useListenerFilters() {
  return useQueryStates(
    {
      state: parseAsStringLiteral(LISTENER_STATES),
      q: parseAsString.withDefault('').withOptions({ limitUrlUpdates: debounce(250) }),
      system: parseAsBoolean.withDefault(false),
      sort: parseAsStringLiteral(LISTENER_SORTS).withDefault('name'),
      desc: parseAsBoolean.withDefault(false),
    },
    { history: 'replace' },
  );
}

export type ListenerFilters = ReturnType<typeof useListenerFilters>[0];

/** The listeners a filter keeps; system listeners only when asked for, after the organism's own. */
export function filterListeners(all: ListenerInfo[], f: ListenerFilters): ListenerInfo[] {
  const q = f.q.trim().toLowerCase();
  return all.filter(
    (l) =>
      (f.system || !l.system) &&
      (!f.state || l.state === f.state) &&
      (!q || l.name.toLowerCase().includes(q)),
  );
}

/**
 * The listeners in the table's order: by name in natural order ("node2" before "node10"), by state
 * alphabetically, or by a figure; a listener that never worked comes last either way, ties by name.
 */
export function sortListeners(list: ListenerInfo[], by: ListenerSort, desc: boolean): ListenerInfo[] {
  const names = (a: ListenerInfo, b: ListenerInfo) =>
    a.name.localeCompare(b.name, undefined, { numeric: true });
  const key = (l: ListenerInfo): string | number | null =>
    by === 'name' ? null : by === 'lastActivityAt' ? l.lastActivityAt : l[by];
  const sign = desc ? -1 : 1;
  return [...list].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    if (ka === kb) return sign * (by === 'name' ? names(a, b) : 0) || names(a, b);
    if (ka === null) return 1;
    if (kb === null) return -1;
    return sign * (ka < kb ? -1 : 1);
  });
}
