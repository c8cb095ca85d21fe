'use client';
import type { Role } from '@organism/shared';
import { useQuery } from '@tanstack/react-query';
import { ChevronDown, LogOut, Moon, Sun, SunMoon, UserRound } from 'lucide-react';
import { useRouter } from 'next/navigation';
import { DropdownMenu } from 'radix-ui';
import { Uptime } from '@/components/time-ago';
import { Skeleton } from '@/components/ui/skeleton';
import { CommandPalette } from '@/features/palette/command-palette';
import { useEngineStream } from '@/lib/engine-stream';
import type { Connection } from '@/lib/engine-stream';
import { useShownEngineState } from '@/lib/use-shown-engine-state';
import { useSignOut } from '@/lib/session';
import { describeError } from '@/lib/engine-error';
import { useTRPC } from '@/lib/trpc';
import { stateToneClass } from '@/lib/engine-state';
import {
  chooseTheme,
  followSystemTheme,
  themeChosen,
  useDarkTheme,
  useFollowSystemTheme,
} from '@/lib/use-dark-theme';

const CONNECTION: Record<Connection, { label: string; dot: string }> = {
  live: { label: 'live', dot: 'bg-acked' },
  connecting: { label: 'reconnecting', dot: 'bg-rejected motion-safe:animate-pulse' },
  away: { label: 'engine away', dot: 'bg-failed' },
};

/** Organism, state and uptime, durability, supervision; the connection; the theme; who is signed in. */
export function TopBar({ user }: { user: { name: string; role: Role } }) {
  const trpc = useTRPC();
  const status = useQuery(trpc.organism.status.queryOptions(undefined, { refetchInterval: 15_000 }));
  const { connection } = useEngineStream();
  const s = status.data;
  const supervised = s && 'supervised' in s ? (s as { supervised: boolean }).supervised : undefined;
  const shown = useShownEngineState(s && { state: s.state, supervised }, status.dataUpdatedAt);
  const c = CONNECTION[connection];
  return (
    <header className="sticky top-0 z-10 flex h-12 items-center gap-4 border-b border-border bg-panel/95 px-6 backdrop-blur">
      {s ? (
        <p className="flex min-w-0 items-center gap-2 truncate text-sm">
          <span className="font-semibold">{s.organism}</span>
          <Sep />
          {shown && !shown.current ? (
            // Not heard from since it went away: what it last said no longer holds (a restart, a stop).
            <span className={stateToneClass(shown.tone)} title={shown.title} data-testid="engine-state">
              {shown.word}
            </span>
          ) : (
            <span data-testid="engine-state">
              <span className={stateToneClass(shown?.tone ?? 'other')}>{shown?.word ?? s.state}</span>{' '}
              {/* Reconnecting, the uptime would count on from a process that may be gone. */}
              {connection === 'live' && (
                // As wide as its widest ("59m 59s"), so what follows does not move as it grows.
                <span className="inline-block min-w-[8ch] text-muted">
                  <Uptime since={status.dataUpdatedAt - s.uptimeMs} />
                </span>
              )}
            </span>
          )}
          <Sep />
          <span title="journal durability">journal {s.durability}</span>
          {s.journalOutage && (
            <span className="font-medium text-failed" title={s.journalOutage.reason}>
              cannot write
            </span>
          )}
          {supervised !== undefined && (
            <>
              <Sep />
              <span className="text-muted">{supervised ? 'supervised' : 'not supervised'}</span>
            </>
          )}
        </p>
      ) : status.error ? (
        // The engine answered, but not with its status: said, not a placeholder for ever.
        <p className="min-w-0 truncate text-sm text-failed" title={describeError(status.error)}>
          status unavailable: {describeError(status.error)}
        </p>
      ) : (
        <Skeleton className="h-4 w-72" />
      )}
      <div className="ml-auto flex items-center gap-3">
        <CommandPalette />
        <span className="flex items-center gap-1.5 text-xs text-muted" role="status" aria-live="polite">
          <span aria-hidden className={`size-2 rounded-full ${c.dot}`} />
          {c.label}
        </span>
        <ThemeToggle />
        <UserMenu user={user} />
      </div>
    </header>
  );
}

function Sep() {
  return (
    <span aria-hidden className="text-border">
      ·
    </span>
  );
}

function ThemeToggle() {
  const dark = useDarkTheme();
  useFollowSystemTheme();
  return (
    <button
      type="button"
      onClick={() => chooseTheme(!dark)}
      aria-label={dark ? 'switch to the light theme' : 'switch to the dark theme'}
      className="flex size-8 items-center justify-center rounded-md text-muted hover:bg-panel-2 hover:text-text"
    >
      {dark ? <Sun className="size-4" /> : <Moon className="size-4" />}
    </button>
  );
}

function UserMenu({ user }: { user: { name: string; role: Role } }) {
  const router = useRouter();
  const signOut = useSignOut();
  return (
    <DropdownMenu.Root>
      <DropdownMenu.Trigger className="flex h-8 items-center gap-1.5 rounded-md px-2 text-sm hover:bg-panel-2">
        <span className="font-medium">{user.name}</span>
        <span className="rounded bg-panel-2 px-1.5 py-0.5 text-xs text-muted">{user.role}</span>
        <ChevronDown className="size-3.5 text-muted" aria-hidden />
      </DropdownMenu.Trigger>
      <DropdownMenu.Portal>
        <DropdownMenu.Content
          align="end"
          sideOffset={6}
          className="z-50 min-w-40 rounded-md border border-border bg-panel p-1 text-sm shadow-lg"
        >
          <DropdownMenu.Item
            onSelect={() => router.push('/account')}
            className="flex h-8 cursor-pointer items-center gap-2 rounded px-2 outline-none data-[highlighted]:bg-panel-2"
          >
            <UserRound className="size-4" aria-hidden /> Your account
          </DropdownMenu.Item>
          {/* The switch's choice outlives the session; this gives the theme back to the system. */}
          {themeChosen() && (
            <DropdownMenu.Item
              onSelect={followSystemTheme}
              className="flex h-8 cursor-pointer items-center gap-2 rounded px-2 outline-none data-[highlighted]:bg-panel-2"
            >
              <SunMoon className="size-4" aria-hidden /> Follow the system&apos;s theme
            </DropdownMenu.Item>
          )}
          <DropdownMenu.Item
            onSelect={signOut}
            className="flex h-8 cursor-pointer items-center gap-2 rounded px-2 outline-none data-[highlighted]:bg-panel-2"
          >
            <LogOut className="size-4" aria-hidden /> Sign out
          </DropdownMenu.Item>
        </DropdownMenu.Content>
      </DropdownMenu.Portal>
    </DropdownMenu.Root>
  );
}
