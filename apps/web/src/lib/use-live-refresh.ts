'use client';
import type { RoutedTransition } from '@organism/shared';
import { useEffect, useRef, useState } from 'react';
import { useEngineStream } from './engine-stream';

/**
 * Calls `refresh` when the shared event stream brings a transition that `match`es: at once for the first,
 * then at most once per `intervalMs` while more arrive (the last one is never dropped). Nothing polls.
 * While `paused` (the pointer on a list whose rows would move under it), what matches waits, and one
 * refresh runs as the pause ends.
 */
export function useLiveRefresh(
  match: (t: RoutedTransition) => boolean,
  refresh: () => void,
  intervalMs = 300,
  paused = false,
): void {
  const { subscribe } = useEngineStream();
  const latest = useRef({ match, refresh, paused });
  latest.current = { match, refresh, paused };
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
    if (paused || !missed.current) return;
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

/**
 * A keyset-paged list that follows the journal: `refresh` on each transition that `match`es, at most once a
 * second, held while the pointer is on the list or the keyboard's focus is in it (spread `hold` on its
 * box), so that a row never moves away from a click or from the row in hand, nor leaves the page with the
 * focus. `note` ends the list's caption: whether it is live (`live`: the first page) or held.
 */
export function useLiveList(
  match: (t: RoutedTransition) => boolean,
  refresh: () => void,
  live: boolean,
): { hold: LiveListHold; note: string } {
  const [pointing, setPointing] = useState(false);
  const [focused, setFocused] = useState(false);
  useLiveRefresh(match, refresh, 1_000, pointing || focused);
  return {
    hold: {
      onPointerEnter: () => setPointing(true),
      onPointerLeave: () => setPointing(false),
      // React's focus events bubble (focusin and focusout): focus moving between rows stays inside.
      onFocus: () => setFocused(true),
      onBlur: (e) => {
        if (!e.relatedTarget || !e.currentTarget.contains(e.relatedTarget)) setFocused(false);
      },
    },
    note: !live
      ? ''
      : pointing
        ? ' · held while the pointer is on the list'
        : focused
          ? ' · held while you are in the list'
          : ' · live',
  };
}
