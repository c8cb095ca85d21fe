'use client';
import { useRouter } from 'next/navigation';
import { useEffect, useSyncExternalStore } from 'react';

/** What a page with unsaved work asks before it is left. */
export interface LeaveQuestion {
  /** The dialog's title: "Leave the composer?". */
  title: string;
  /** What is lost: "The message you typed is not sent." */
  body: string;
  /** The button that leaves: "Leave without sending". */
  leave: string;
}

/** A departure waiting for the operator's answer: `go` leaves. */
export interface Leaving {
  question: LeaveQuestion;
  go: () => void;
}

/** The question of the page's guard while it has unsaved work. */
let asking: LeaveQuestion | undefined;
let leaving: Leaving | null = null;
/** A traversal the operator confirmed: let it through once. */
let confirmedTraversal: string | undefined;
const watchers = new Set<() => void>();

function setLeaving(next: Leaving | null): void {
  leaving = next;
  for (const fn of watchers) fn();
}

/**
 * Leaves by `go` at once when no page has unsaved work, else once the operator confirms the page's
 * question in the console's dialog (`LeaveDialog`). True when it left at once.
 */
export function leaveThen(go: () => void): boolean {
  if (asking === undefined) {
    go();
    return true;
  }
  setLeaving({ question: asking, go });
  return false;
}

/** The departure waiting for an answer, and how to answer it: `answer(true)` leaves. */
export function useLeaving(): { leaving: Leaving | null; answer: (leave: boolean) => void } {
  const current = useSyncExternalStore(
    (fn) => {
      watchers.add(fn);
      return () => watchers.delete(fn);
    },
    () => leaving,
    () => null,
  );
  return {
    leaving: current,
    answer: (leave) => {
      const go = leaving?.go;
      setLeaving(null);
      if (leave) go?.();
    },
  };
}

/** What the guard reads of the Navigation API's `navigate` event (not yet in TypeScript's DOM types). */
interface NavigateEvent extends Event {
  navigationType: 'push' | 'replace' | 'reload' | 'traverse';
  destination: { url: string; key: string };
}
interface Navigation extends EventTarget {
  traverseTo(key: string): unknown;
}

/**
 * While `unsaved` holds, leaving the page asks first, in the console's dialog: following a link of the
 * console (the sidebar, a row), whose click is stopped before the router sees it and made again once the
 * operator confirms; the command palette's jump (`leaveThen`); and the browser's Back and Forward to
 * another page of the console, which the Navigation API lets a page cancel before the router hears of it
 * and take again once confirmed (in a browser with that API, Chromium's family among them; elsewhere Back
 * leaves unasked). Closing or reloading the tab asks the browser's own question: a page cannot word that
 * one. A link opened elsewhere (a new tab, a modifier key) leaves the page as it is and is let through,
 * and so does a traversal that stays on this page (a tab of it, a filter).
 */
export function useUnsavedGuard(unsaved: boolean, question: LeaveQuestion): void {
  const router = useRouter();
  const { title, body, leave } = question;
  useEffect(() => {
    if (!unsaved) return;
    const asked = { title, body, leave };
    asking = asked;
    const beforeUnload = (e: BeforeUnloadEvent) => {
      e.preventDefault();
    };
    const click = (e: MouseEvent) => {
      if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
      const link = (e.target as Element | null)?.closest?.('a[href]');
      if (!(link instanceof HTMLAnchorElement) || (link.target && link.target !== '_self')) return;
      const to = new URL(link.href, window.location.href);
      if (to.origin !== window.location.origin || link.hasAttribute('download')) return;
      if (to.pathname === window.location.pathname && to.search === window.location.search) return;
      e.preventDefault();
      e.stopPropagation();
      leaveThen(() => router.push(to.pathname + to.search + to.hash));
    };
    const navigation = (window as { navigation?: Navigation }).navigation;
    const traverse = (e: Event) => {
      const n = e as NavigateEvent;
      if (n.navigationType !== 'traverse' || !n.cancelable) return;
      if (new URL(n.destination.url).pathname === window.location.pathname) return;
      if (confirmedTraversal === n.destination.key) {
        confirmedTraversal = undefined;
        return;
      }
      e.preventDefault();
      leaveThen(() => {
        confirmedTraversal = n.destination.key;
        navigation?.traverseTo(n.destination.key);
      });
    };
    navigation?.addEventListener('navigate', traverse);
    window.addEventListener('beforeunload', beforeUnload);
    // Capturing on the document: before React's listener on its root, so the router never hears it.
    document.addEventListener('click', click, true);
    return () => {
      if (asking === asked) asking = undefined;
      if (leaving?.question === asked) setLeaving(null);
      navigation?.removeEventListener('navigate', traverse);
      window.removeEventListener('beforeunload', beforeUnload);
      document.removeEventListener('click', click, true);
    };
  }, [unsaved, title, body, leave, router]);
}
