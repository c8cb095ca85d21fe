'use client';
import { useEffect } from 'react';

/** The question of the page's guard while it has unsaved work, for leaving by other means than a link. */
let asking: string | undefined;

/**
 * Whether the console may leave the page by itself (the command palette's jump): yes without unsaved work,
 * else what the operator answers to the page's question.
 */
export function mayLeave(): boolean {
  return asking === undefined || window.confirm(asking);
}

/** What the guard reads of the Navigation API's `navigate` event (not yet in TypeScript's DOM types). */
interface NavigateEvent extends Event {
  navigationType: 'push' | 'replace' | 'reload' | 'traverse';
  destination: { url: string };
}

/**
 * While `unsaved` holds, leaving the page asks first: closing or reloading the tab (the browser's own
 * question), following a link of the console (the sidebar, a row), whose click is stopped before the
 * router sees it unless the operator confirms `question`, and the browser's Back and Forward to another
 * page of the console, which the Navigation API lets a page cancel before the router hears of it (in a
 * browser with that API, Chromium's family among them; elsewhere Back leaves unasked). A link opened
 * elsewhere (a new tab, a modifier key) leaves the page as it is and is let through, and so does a
 * traversal that stays on this page (a tab of it, a filter).
 */
export function useUnsavedGuard(unsaved: boolean, question: string): void {
  useEffect(() => {
    if (!unsaved) return;
    asking = question;
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
      if (window.confirm(question)) return;
      e.preventDefault();
      e.stopPropagation();
    };
    const traverse = (e: Event) => {
      const n = e as NavigateEvent;
      if (n.navigationType !== 'traverse' || !n.cancelable) return;
      if (new URL(n.destination.url).pathname === window.location.pathname) return;
      if (!window.confirm(question)) e.preventDefault();
    };
    const navigation = (window as { navigation?: EventTarget }).navigation;
    navigation?.addEventListener('navigate', traverse);
    window.addEventListener('beforeunload', beforeUnload);
    // Capturing on the document: before React's listener on its root, so the router never hears it.
    document.addEventListener('click', click, true);
    return () => {
      if (asking === question) asking = undefined;
      navigation?.removeEventListener('navigate', traverse);
      window.removeEventListener('beforeunload', beforeUnload);
      document.removeEventListener('click', click, true);
    };
  }, [unsaved, question]);
}
