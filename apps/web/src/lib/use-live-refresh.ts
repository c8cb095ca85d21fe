'use client';
import type { RoutedTransition } from '@organism/shared';
import { useQueryClient } from '@tanstack/react-query';
import type { QueryKey } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { useEngineStream } from './engine-stream';

/**
 * Calls `refresh` when the shared event stream brings a transition that `match`es: at once for the first,
 * then at most once per `intervalMs` while more arrive (the last one is never dropped). Nothing polls.
 * While `paused` (the pointer on a list whose rows would move under it), what matches waits, and one
 * refresh runs as the pause ends, as it does when `waited` says that something else asked for one
 * meanwhile.
 */
export function useLiveRefresh(
  match: (t: RoutedTransition) => boolean,
  refresh: () => void,
  intervalMs = 300,
  paused = false,
  waited?: () => boolean,
): void {
  const { subscribe } = useEngineStream();
  const latest = useRef({ match, refresh, paused, waited });
  latest.current = { match, refresh, paused, waited };
  /** A match came during the pause. */
  const missed = useRef(false);
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let last = 0;
    const run = () => {
      timer = undefined;
      if (latest.current.paused) {
        missed.current = true;
        return;
      }
      last = Date.now();
      latest.current.refresh();
    };
    const off = subscribe((t) => {
      if (timer || !latest.current.match(t)) return;
      timer = setTimeout(run, Math.max(0, last + intervalMs - Date.now()));
    });
    return () => {
      off();
      clearTimeout(timer);
    };
  }, [subscribe, intervalMs]);
  useEffect(() => {
    if (paused || !(missed.current || latest.current.waited?.())) return;
    missed.current = false;
    latest.current.refresh();
  }, [paused]);
}

/** What a live list spreads on its box: the pointer or the keyboard inside it holds the list still. */
export interface LiveListHold {
  onPointerEnter: () => void;
  onPointerLeave: () => void;
  onFocus: () => void;
  onBlur: (e: { currentTarget: Element; relatedTarget: Element | null }) => void;
}

/** Whether the pointer or the keyboard is in a live list, and what its box spreads to know it. */
export interface ListHold {
  pointing: boolean;
  focused: boolean;
  hold: LiveListHold;
  /**
   * Spread on the list's query options: while the list is held, a refetch of every query (the engine
   * back after an outage, missed events, the tab shown again) leaves this one for when the hold ends
   * (a query whose `staleTime` is `'static'` is neither refetched by an invalidation nor on focus).
   */
  queryOptions: { staleTime?: 'static' };
  /** Whether the list owes a refresh as the hold ends: a refetch it kept out, or one it cut short. */
  owed: () => boolean;
}

/**
 * Whether the pointer or the keyboard's focus is in a box, and the handlers its box spreads to know it;
 * `begins` runs as either comes in. What a live list (`useListHold`) and the live tail hold still by.
 */
export function usePointerFocusHold(begins: () => void = () => {}): Omit<ListHold, 'queryOptions' | 'owed'> {
  const [pointing, setPointing] = useState(false);
  const [focused, setFocused] = useState(false);
  return {
    pointing,
    focused,
    hold: {
      onPointerEnter: () => {
        begins();
        setPointing(true);
      },
      onPointerLeave: () => setPointing(false),
      // React's focus events bubble (focusin and focusout): focus moving between rows stays inside.
      onFocus: () => {
        begins();
        setFocused(true);
      },
      onBlur: (e) => {
        if (!e.relatedTarget || !e.currentTarget.contains(e.relatedTarget)) setFocused(false);
      },
    },
  };
}

/**
 * The hold of a live list (`useLiveList`) whose query is `queryKey`, made before the query, whose options
 * it gives. As the pointer or the keyboard comes in, a refetch already on its way is cancelled (its rows
 * would land under the click that follows, and a click whose press and release fall on different rows
 * is lost), and owed for when the hold ends.
 */
export function useListHold(queryKey: QueryKey): ListHold {
  const queryClient = useQueryClient();
  const key = useRef(queryKey);
  key.current = queryKey;
  const cut = useRef(false);
  const holdBegins = () => {
    // Only a refetch of rows already shown: a first load cancelled would leave the list loading.
    if (queryClient.getQueryData(key.current) === undefined) return;
    if (queryClient.isFetching({ queryKey: key.current, exact: true }) === 0) return;
    cut.current = true;
    void queryClient.cancelQueries({ queryKey: key.current, exact: true });
  };
  const { pointing, focused, hold } = usePointerFocusHold(holdBegins);
  return {
    pointing,
    focused,
    hold,
    queryOptions: pointing || focused ? { staleTime: 'static' } : {},
    owed: () => {
      const wasCut = cut.current;
      cut.current = false;
      return wasCut || !!queryClient.getQueryState(key.current)?.isInvalidated;
    },
  };
}

/**
 * A keyset-paged list that follows the journal: `refresh` on each transition that `match`es, at most once a
 * second, held while the pointer is on the list or the keyboard's focus is in it (`useListHold`: spread
 * `hold.hold` on its box, and `hold.queryOptions` on its query), so that a row never moves away from a
 * click or from the row in hand, nor leaves the page with the focus. As the hold ends, one refresh brings
 * what waited: a match, or what the hold kept out or cut short. `refresh` should let a refetch on its way
 * finish (`refetch({ cancelRefetch: false })`): on an engine slower than a second an answer cancelled by
 * the next refresh would never land. `note` ends the list's caption: whether it is live (`live`: the first
 * page), held, or as last read while the engine is away.
 */
export function useLiveList(
  match: (t: RoutedTransition) => boolean,
  refresh: () => void,
  live: boolean,
  { pointing, focused, owed }: ListHold,
): string {
  useLiveRefresh(match, refresh, 1_000, pointing || focused, owed);
  const away = useEngineStream().away !== undefined;
  return !live
    ? ''
    : away
      ? ' · as last read: the engine is away'
      : heldNote({ pointing, focused }, 'the list') || ' · live';
}

/** Why a live list or the tail holds still, after its caption (" · held while …"); empty when it does not. */
export function heldNote(
  { pointing, focused }: { pointing: boolean; focused: boolean },
  what: string,
): string {
  return pointing
    ? ` · held while the pointer is on ${what}`
    : focused
      ? ` · held while you are in ${what}`
      : '';
}
