'use client';
import type { MessageState } from '@organism/shared';
import { useQuery } from '@tanstack/react-query';
import { Command } from 'cmdk';
import type { LucideIcon } from 'lucide-react';
import { Ear, GitBranch, LogOut, Mail, Moon, Pause, Play, Search, Sun, SunMoon } from 'lucide-react';
import { useRouter } from 'next/navigation';
import { Dialog } from 'radix-ui';
import { useEffect, useRef, useState } from 'react';
import { StateBadge } from '@/components/state-badge';
import { NAV } from '@/features/frame/nav';
import { describeError } from '@/lib/engine-error';
import { shortId } from '@/lib/format';
import { isRejected } from '@/lib/outcome';
import { useSession, useSignOut } from '@/lib/session';
import { useTRPC } from '@/lib/trpc';
import type { Destination } from './recent';
import { readRecent, remember } from './recent';
import { listenerActions, namedListener } from './listener-actions';
import type { PaletteAction } from './palette-actions';
import { matchingActions } from './palette-actions';
import { usePauseResume } from '@/features/listeners/pause-button';
import { chooseTheme, followSystemTheme, themeChosen } from '@/lib/use-dark-theme';
import { useFind } from './use-find';
import { leaveThen } from '@/lib/use-unsaved-guard';
import { listenerHref } from '@/lib/hrefs';

/**
 * The command palette: Ctrl/⌘-K (or the top bar's search button) anywhere in the console, then type a
 * page, a listener's name, or paste a message or thread id; Enter goes there. Keyboard only if you like.
 */
export function CommandPalette() {
  const [open, setOpen] = useState(false);
  const [mac, setMac] = useState(false);
  /** Whether the palette closed on a jump to another page. */
  const jumped = useRef(false);
  /** Where the keyboard was when Ctrl-K opened it: it goes back there (the trigger's own click returns to it). */
  const before = useRef<HTMLElement | null>(null);
  const content = useRef<HTMLDivElement>(null);
  /** Whether it is open, as of the last change asked for (the state is as of the last render). */
  const openNow = useRef(false);
  const show = (next: boolean) => {
    // A jump belongs to the close after it: a palette opened again before that close said so starts anew.
    if (next) jumped.current = false;
    openNow.current = next;
    setOpen(next);
  };
  useEffect(() => {
    setMac(/Mac|iPhone|iPad/.test(navigator.platform));
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === 'k') {
        e.preventDefault();
        const next = !openNow.current;
        if (next) {
          const active = document.activeElement;
          // Opened again before the last close gave the keyboard back (Radix does that a task after the
          // palette is gone, the keyboard on the page's body meanwhile; or before the close was even
          // drawn, the keyboard still in the palette): it goes back where it would have.
          if (active instanceof HTMLElement && active !== document.body && !content.current?.contains(active))
            before.current = active;
          else if (!before.current?.isConnected) before.current = null;
        }
        show(next);
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);
  return (
    <Dialog.Root open={open} onOpenChange={show}>
      <Dialog.Trigger
        aria-keyshortcuts="Control+K Meta+K"
        className="flex h-8 items-center gap-2 rounded-md border border-border bg-panel px-2.5 text-sm text-muted hover:bg-panel-2 hover:text-text"
      >
        <Search className="size-3.5" aria-hidden />
        <span>Search…</span>
        <kbd className="rounded border border-border px-1 font-sans text-xs">{mac ? '⌘K' : 'Ctrl K'}</kbd>
      </Dialog.Trigger>
      <Dialog.Portal>
        <Dialog.Overlay className="fixed inset-0 z-40 bg-black/40" />
        <Dialog.Content
          ref={content}
          className="fixed top-[12%] left-1/2 z-50 w-full max-w-xl -translate-x-1/2 overflow-hidden rounded-lg border border-border bg-panel shadow-2xl"
          // After a jump the keyboard goes to the new page (the frame focuses its content), not back to
          // this trigger in the top bar.
          onCloseAutoFocus={(e) => {
            // Open again already: the keyboard stays in it, and goes back as that one closes.
            if (openNow.current) {
              e.preventDefault();
              return;
            }
            const back = before.current;
            before.current = null;
            if (jumped.current) e.preventDefault();
            else if (back?.isConnected && back !== document.body) {
              e.preventDefault();
              back.focus();
            }
            jumped.current = false;
          }}
        >
          <Dialog.Title className="sr-only">Command palette</Dialog.Title>
          <Dialog.Description className="sr-only">
            Go to a page or a listener by name (and on to its messages, search, map or compose, or pause it),
            or to a message or thread by its id; or switch the theme, or sign out.
          </Dialog.Description>
          {open && (
            <Palette
              onDone={(jump) => {
                jumped.current = jump;
                show(false);
              }}
            />
          )}
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}

/** A place the palette offers; what it found by id says a little more about itself. */
type Found = Destination & { detail?: string; state?: MessageState | 'REJECTED' };

const ICON: Record<Destination['kind'], LucideIcon> = {
  page: Search,
  listener: Ear,
  message: Mail,
  thread: GitBranch,
};

function Palette({ onDone }: { onDone: (jumped: boolean) => void }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [q, setQ] = useState('');
  const [recent] = useState(readRecent);
  const { can } = useSession();
  const listeners = useQuery(trpc.listeners.list.queryOptions());
  const { found, loading, error: findError } = useFind(q);
  const needle = q.trim().toLowerCase();

  // The pages the role may use, as the sidebar offers them.
  // A page is found by its name or by what it does ("restart" finds Operations).
  const pages: Destination[] = NAV.filter(
    (p) =>
      can(p.role ?? 'viewer') &&
      [p.label, ...(p.keywords ?? [])].some((w) => w.toLowerCase().includes(needle)),
  ).map((p) => ({
    href: p.href,
    label: p.label,
    kind: 'page',
  }));
  const names: Destination[] = (listeners.data ?? [])
    .filter((l) => needle !== '' && l.name.toLowerCase().includes(needle))
    .map((l) => ({ href: listenerHref(l.name), label: l.name, kind: 'listener' }));
  const named = namedListener(
    needle,
    names.map((d) => d.label),
  );
  const followOns = named ? listenerActions(named, can) : [];
  const namedInfo = listeners.data?.find((l) => l.name === named);
  const pauser = usePauseResume(named ?? '');
  // What it does there, as the listener tables' button does (never the engine's own `system.*` ones).
  const listenerDoes: PaletteAction[] =
    namedInfo && !namedInfo.system && can('operator')
      ? [
          namedInfo.state === 'paused'
            ? { label: `Resume ${namedInfo.name}`, icon: Play, keywords: [], run: pauser.resume }
            : { label: `Pause ${namedInfo.name}`, icon: Pause, keywords: [], run: pauser.pause },
        ]
      : [];
  const signOut = useSignOut();
  // Read as it is now: the palette is drawn only in the browser, once opened.
  const dark = document.documentElement.classList.contains('dark');
  const actions = matchingActions(
    [
      {
        label: dark ? 'Switch to the light theme' : 'Switch to the dark theme',
        icon: dark ? Sun : Moon,
        keywords: ['theme', 'dark', 'light', 'appearance', 'colours'],
        run: () => chooseTheme(!dark),
      },
      ...(themeChosen()
        ? [
            {
              label: "Follow the system's theme",
              icon: SunMoon,
              keywords: ['theme', 'dark', 'light', 'appearance', 'colours'],
              run: followSystemTheme,
            },
          ]
        : []),
      { label: 'Sign out', icon: LogOut, keywords: ['log out', 'logout', 'leave'], run: signOut },
    ],
    needle,
  );
  const ids: Found[] = [
    ...found.messages.map((m) => ({
      href: `/messages/${m.id}`,
      label: m.id,
      kind: 'message' as const,
      detail: `${m.from ?? '?'} → ${m.to ?? (isRejected(m) ? 'refused' : 'broadcast')}`,
      state: isRejected(m) ? ('REJECTED' as const) : m.state,
    })),
    ...found.threads.map((t) => ({
      href: `/threads/${t.id}`,
      label: t.id,
      kind: 'thread' as const,
      detail: `${t.status} · ${t.messages} messages`,
    })),
  ];

  const go = (d: Found) => {
    remember({ href: d.href, label: d.label, kind: d.kind });
    // A page with unsaved work asks first, as its links do (the palette closes for its question).
    onDone(leaveThen(() => router.push(d.href)));
  };
  const act = (a: PaletteAction) => {
    onDone(false);
    a.run();
  };
  const group = (heading: string, items: Found[], does: PaletteAction[] = []) =>
    items.length + does.length > 0 && (
      <Command.Group
        heading={heading}
        className="px-1 py-1 [&_[cmdk-group-heading]]:px-2 [&_[cmdk-group-heading]]:py-1 [&_[cmdk-group-heading]]:text-xs [&_[cmdk-group-heading]]:text-muted"
      >
        {items.map((d) => {
          const Icon =
            d.kind === 'page'
              ? (NAV.find((p) => p.href === d.href.split('?')[0])?.icon ?? Search)
              : ICON[d.kind];
          return (
            <Command.Item
              key={`${heading}:${d.href}`}
              value={`${heading}:${d.href}`}
              onSelect={() => go(d)}
              className="flex h-9 cursor-pointer items-center gap-2.5 rounded-md px-2 text-sm data-[selected=true]:bg-panel-2"
            >
              <Icon className="size-4 shrink-0 text-muted" aria-hidden />
              <span
                className={
                  d.kind === 'message' || d.kind === 'thread' ? 'shrink-0 font-mono text-xs' : 'truncate'
                }
              >
                {d.label}
              </span>
              {d.detail && <span className="min-w-0 truncate text-xs text-muted">{d.detail}</span>}
              <span className="ml-auto shrink-0 text-xs text-muted">
                {d.state ? <StateBadge state={d.state} /> : d.kind}
              </span>
            </Command.Item>
          );
        })}
        {does.map((a) => (
          <Command.Item
            key={`${heading}:${a.label}`}
            value={`${heading}:${a.label}`}
            onSelect={() => act(a)}
            className="flex h-9 cursor-pointer items-center gap-2.5 rounded-md px-2 text-sm data-[selected=true]:bg-panel-2"
          >
            <a.icon className="size-4 shrink-0 text-muted" aria-hidden />
            <span className="truncate">{a.label}</span>
            <span className="ml-auto shrink-0 text-xs text-muted">action</span>
          </Command.Item>
        ))}
      </Command.Group>
    );

  return (
    <Command label="Command palette" shouldFilter={false} loop className="flex flex-col">
      {/* Focus shows as the row's accent underline: a ring around the input would be clipped by the dialog. */}
      <div className="flex items-center gap-2 border-b border-border px-3 focus-within:shadow-[inset_0_-2px_0_var(--focus)]">
        <Search className="size-4 text-muted" aria-hidden />
        <Command.Input
          value={q}
          onValueChange={setQ}
          placeholder="Go to a page or listener, paste an id, or type an action…"
          className="h-11 flex-1 bg-transparent text-sm placeholder:text-muted"
          style={{ outline: 'none' }}
        />
      </div>
      <Command.List className="max-h-80 overflow-y-auto">
        {loading && (
          <Command.Loading label="Looking up the id">
            <p className="px-3 py-2 text-sm text-muted">Looking up {shortId(q.trim())}…</p>
          </Command.Loading>
        )}
        {Boolean(findError) && (
          <p role="alert" className="px-3 py-2 text-sm text-failed">
            Could not look up {shortId(q.trim())}: {describeError(findError)}
          </p>
        )}
        {!loading && !findError && (
          <Command.Empty className="px-3 py-6 text-center text-sm text-muted">
            Nothing matches. Type part of a page or listener name, an action (theme, sign out), or the first
            characters (4 or more) of a message or thread id.
          </Command.Empty>
        )}
        {group('Messages and threads', ids)}
        {needle === '' && group('Recent', recent)}
        {group('Pages', pages)}
        {group('Listeners', names)}
        {named && group(`For ${named}`, followOns, listenerDoes)}
        {group('Actions', [], actions)}
      </Command.List>
      <p className="flex gap-4 border-t border-border px-3 py-1.5 text-xs text-muted" aria-hidden>
        <span>↑↓ move</span>
        <span>Enter choose</span>
        <span>Esc close</span>
      </p>
    </Command>
  );
}
