'use client';
import { CircleDot, PanelLeftClose, PanelLeftOpen } from 'lucide-react';
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { useEffect, useState } from 'react';
import { NAV } from './nav';

/** The page list, collapsible to icons (remembered per browser). */
export function Sidebar() {
  const path = usePathname();
  const [collapsed, setCollapsed] = useState(false);
  useEffect(() => setCollapsed(localStorage.getItem('organism-sidebar') === 'collapsed'), []);
  const toggle = () => {
    setCollapsed(!collapsed);
    localStorage.setItem('organism-sidebar', collapsed ? 'open' : 'collapsed');
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
      <ul className="flex-1 space-y-0.5 p-2">
        {NAV.map(({ href, label, icon: Icon }) => {
          const active = href === '/' ? path === '/' : path.startsWith(href);
          return (
            <li key={href}>
              <Link
                href={href}
                aria-current={active ? 'page' : undefined}
                title={collapsed ? label : undefined}
                className={`flex h-8 items-center gap-2.5 rounded-md px-2.5 text-sm ${active ? 'bg-panel-2 font-medium text-text' : 'text-muted hover:bg-panel-2 hover:text-text'}`}
              >
                <Icon className="size-4 shrink-0" aria-hidden />
                {!collapsed && label}
              </Link>
            </li>
          );
        })}
      </ul>
      <button
        type="button"
        onClick={toggle}
        aria-label={collapsed ? 'expand the sidebar' : 'collapse the sidebar'}
        className="m-2 flex h-8 items-center justify-center rounded-md text-muted hover:bg-panel-2"
      >
        {collapsed ? <PanelLeftOpen className="size-4" /> : <PanelLeftClose className="size-4" />}
      </button>
    </nav>
  );
}
