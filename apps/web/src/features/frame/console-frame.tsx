'use client';
import { usePathname, useRouter } from 'next/navigation';
import type { ReactNode } from 'react';
import { useEffect, useRef, useState } from 'react';
import { EngineStreamProvider } from '@/lib/engine-stream';
import { focusIfLost } from '@/lib/focus';
import { useEngineAway } from '@/components/last-known-note';
import { Skeleton } from '@/components/ui/skeleton';
import { useSession } from '@/lib/session';
import { EngineAwayBanner } from './engine-away-banner';
import { JournalOutageBanner } from './journal-outage-banner';
import { LeaveDialog } from './leave-dialog';
import { Sidebar } from './sidebar';
import { TopBar } from './top-bar';

/** Sends the signed-out to sign-in (coming back here after), and frames the page for the signed-in. */
export function ConsoleFrame({ children }: { children: ReactNode }) {
  const { user, loading, error } = useSession();
  const router = useRouter();
  const path = usePathname();
  const signedOut = !loading && !error && !user;
  useEffect(() => {
    // The page's filters too (`/messages?state=FAILED`): the URL is the page's state.
    if (signedOut) router.replace(`/sign-in?next=${encodeURIComponent(path + window.location.search)}`);
  }, [signedOut, path, router]);
  // On to another page from what went with the last one (a row opened with Enter, a palette's jump): the
  // keyboard starts in the new page's content, not back at the top of the document. A link of the
  // sidebar keeps it, and the first page's load leaves it to the skip link.
  const shown = useRef<string | undefined>(undefined);
  useEffect(() => {
    if (shown.current !== undefined && shown.current !== path)
      focusIfLost(() => document.getElementById('content'));
    shown.current = path;
  }, [path]);
  // An engine that hangs keeps the session's question open (the console's server waits 30 s for it):
  // after a few seconds the page says so rather than showing "Loading…" all that time.
  const waitedLong = useHeldFor(loading && !user, 4_000);
  if (!user && !(error || waitedLong)) return <FrameSkeleton />;
  if (!user) {
    // The engine does not answer, so who is signed in cannot be read: the frame with the pages every role
    // has, and the page's place saying why it is empty. It comes up by itself once the engine answers.
    return (
      <div className="flex min-h-screen">
        <Sidebar signedInUnknown />
        <div className="flex min-w-0 flex-1 flex-col">
          <header className="flex h-12 items-center border-b border-border bg-panel px-6 text-sm text-muted">
            engine not answering
          </header>
          <EngineAwayBanner standalone />
          <main id="content" tabIndex={-1} className="min-w-0 flex-1 p-6 text-sm text-muted">
            This page shows as soon as the engine answers; nothing needs doing here.
          </main>
        </div>
      </div>
    );
  }
  return (
    <EngineStreamProvider>
      {/* The first thing a keyboard reaches: past the sidebar and top bar to the page itself. It moves the
          focus without following the link, so no #content lands in the address or the history. */}
      <a
        href="#content"
        onClick={(e) => {
          e.preventDefault();
          document.getElementById('content')?.focus();
        }}
        className="sr-only z-50 rounded-md bg-accent px-3 py-2 text-sm font-medium text-on-accent focus:not-sr-only focus:fixed focus:top-2 focus:left-2"
      >
        Skip to content
      </a>
      <div className="flex min-h-screen">
        <Sidebar />
        <div className="flex min-w-0 flex-1 flex-col">
          <TopBar user={user} />
          <EngineAwayBanner />
          <JournalOutageBanner />
          <Content>{children}</Content>
        </div>
      </div>
      <LeaveDialog />
    </EngineStreamProvider>
  );
}

/**
 * The page's place. While the engine is away it carries `data-stale`, so that on every page what pulses
 * for "at work now" holds still (globals.css): nobody knows what is at work.
 */
function Content({ children }: { children: ReactNode }) {
  const away = useEngineAway();
  return (
    <main id="content" tabIndex={-1} className="min-w-0 flex-1 p-6" data-stale={away || undefined}>
      {children}
    </main>
  );
}

/**
 * The frame in its final shape while the session is read (a few hundred ms at most, unless the engine
 * hangs): the pages every role has, the top bar's and the page's places as placeholders, so nothing jumps
 * when they come. Pages a role adds come in below the others.
 */
function FrameSkeleton() {
  return (
    <div className="flex min-h-screen" aria-busy="true">
      <p className="sr-only" role="status">
        Loading…
      </p>
      {/* A picture of the frame to come, nothing to use: hidden from assistive technology and out of the
          keyboard's and the pointer's reach, so nothing typed or clicked lands in it as it is replaced. */}
      <div aria-hidden inert className="contents">
        <Sidebar signedInUnknown />
        <div className="flex min-w-0 flex-1 flex-col">
          <header className="flex h-12 items-center justify-between gap-4 border-b border-border bg-panel px-6">
            <Skeleton className="h-4 w-56" />
            <Skeleton className="h-6 w-64" />
          </header>
          <div className="min-w-0 flex-1 space-y-4 p-6">
            <Skeleton className="h-7 w-48" />
            <Skeleton className="h-4 w-96 max-w-full" />
            <Skeleton className="h-64 w-full" />
          </div>
        </div>
      </div>
    </div>
  );
}

/** Whether `active` has held for `ms` without a break. */
function useHeldFor(active: boolean, ms: number): boolean {
  const [held, setHeld] = useState(false);
  useEffect(() => {
    setHeld(false);
    if (!active) return;
    const timer = setTimeout(() => setHeld(true), ms);
    return () => clearTimeout(timer);
  }, [active, ms]);
  return held;
}
