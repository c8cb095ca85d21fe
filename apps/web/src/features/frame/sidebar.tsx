'use client';
import { useQuery } from '@tanstack/react-query';
import { CircleDot, PanelLeftClose, PanelLeftOpen } from 'lucide-react';
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { useEffect, useState } from 'react';
import { formatCount } from '@/lib/format';
import { useTRPC } from '@/lib/trpc';
import { useSession } from '@/lib/session';
import type { NavBadge, NavEntry } from './nav';
import { NAV } from './nav';

const STORAGE_KEY = 'organism-sidebar';

/**
 * The page list, collapsible to icons (remembered per browser). `signedInUnknown`: the session cannot be
 * read yet (the engine does not answer), so only the pages every role has are offered.
 */
export function Sidebar({ signedInUnknown = false }: { signedInUnknown?: boolean }) {
  const path = usePathname();
  const { can } = useSession();
  const [collapsed, setCollapsed] = useState(false);
  // Only what the role may use: the server would refuse the rest anyway.
  const shown = NAV.filter((e) =>
    signedInUnknown ? !e.role || e.role === 'viewer' : can(e.role ?? 'viewer'),
  );
  const sections = [...new Set(shown.map((e) => e.group))].map((group) => ({
    group,
    entries: shown.filter((e) => e.group === group),
  }));
  useEffect(() => setCollapsed(localStorage.getItem(STORAGE_KEY) === 'collapsed'), []);
  const toggle = () => {
    setCollapsed(!collapsed);
    localStorage.setItem(STORAGE_KEY, collapsed ? 'open' : 'collapsed');
  };
  return (
    <nav
      aria-label="Pages"
      className={`sticky top-0 flex h-screen shrink-0 flex-col border-r border-border bg-panel ${collapsed ? 'w-14' : 'w-52'}`}
    >
      <div className="flex h-12 items-center gap-2 border-b border-border px-4">
        <CircleDot className="size-5 shrink-0 text-accent" aria-hidden />
        {!collapsed && <span className="font-semibold">organism</span>}
      </div>
      <div id="sidebar-pages" className="flex-1 overflow-y-auto p-2">
        {sections.map(({ group, entries }) => (
          <div key={group ?? ''} className={group ? 'mt-3 border-t border-border pt-3' : ''}>
            {group && !collapsed && (
              <p id={`nav-${group}`} className="px-2.5 pb-1 text-xs font-medium text-muted">
                {group}
              </p>
            )}
            <ul className="space-y-0.5" aria-labelledby={group && !collapsed ? `nav-${group}` : undefined}>
              {entries.map((entry) => (
                <NavLink key={entry.href} entry={entry} path={path} collapsed={collapsed} />
              ))}
            </ul>
          </div>
        ))}
      </div>
      <button
        type="button"
        onClick={toggle}
        aria-label={collapsed ? 'expand the sidebar' : 'collapse the sidebar'}
        aria-expanded={!collapsed}
        aria-controls="sidebar-pages"
        className="m-2 flex h-8 items-center justify-center rounded-md text-muted hover:bg-panel-2"
      >
        {collapsed ? (
          <PanelLeftOpen className="size-4" aria-hidden />
        ) : (
          <PanelLeftClose className="size-4" aria-hidden />
        )}
      </button>
    </nav>
  );
}

function NavLink({ entry, path, collapsed }: { entry: NavEntry; path: string; collapsed: boolean }) {
  const { href, label, icon: Icon, badge } = entry;
  const active = href === '/' ? path === '/' : path === href || path.startsWith(`${href}/`);
  return (
    <li>
      <Link
        href={href}
        aria-current={active ? 'page' : undefined}
        title={collapsed ? label : undefined}
        className={`relative flex h-8 items-center gap-2.5 rounded-md px-2.5 text-sm ${active ? 'bg-panel-2 font-medium text-text' : 'text-muted hover:bg-panel-2 hover:text-text'}`}
      >
        <Icon className="size-4 shrink-0" aria-hidden />
        {/* Collapsed, the label stays for screen readers: the link keeps its name. */}
        <span className={collapsed ? 'sr-only' : 'truncate'}>{label}</span>
        {badge && <Badge kind={badge} collapsed={collapsed} />}
      </Link>
    </li>
  );
}

/**
 * The dead letters' count (every FAILED entry, refused input included), kept live: the shared event
 * stream refreshes the journal's queries when transitions arrive. Nothing is shown at zero.
 */
function Badge({ kind, collapsed }: { kind: NavBadge; collapsed: boolean }) {
  const trpc = useTRPC();
  const stats = useQuery(trpc.journal.stats.queryOptions());
  const n = kind === 'deadLetters' ? (stats.data?.counts.FAILED ?? 0) : 0;
  if (n === 0) return null;
  const label = <span className="sr-only"> ({formatCount(n)} dead letters)</span>;
  if (collapsed) return <span className="absolute top-1 right-1 size-2 rounded-full bg-failed">{label}</span>;
  return (
    <span className="tabular ml-auto rounded-full bg-failed/10 px-1.5 text-xs font-medium text-failed">
      <span aria-hidden>{n > 9_999 ? `${Math.floor(n / 1000)}k` : formatCount(n)}</span>
      {label}
    </span>
  );
}
