import type { Role } from '@organism/shared';
import type { LucideIcon } from 'lucide-react';
import {
  GitCommitVertical,
  KeyRound,
  LayoutDashboard,
  Mail,
  MailX,
  Puzzle,
  Power,
  RadioReceiver,
  Settings2,
  SquarePen,
  TextSearch,
  ScrollText,
  UserRound,
  Users,
  Waypoints,
} from 'lucide-react';

/** A count the sidebar shows beside an entry when it is not zero. */
export type NavBadge = 'deadLetters';

export interface NavEntry {
  href: string;
  label: string;
  icon: LucideIcon;
  badge?: NavBadge;
  /** The lowest role that may use the page; the sidebar hides the entry from the others. Default viewer. */
  role?: Role;
  /** Entries of the same group sit together under its heading, after the pages of no group. */
  group?: 'Settings';
  /** Other words the command palette finds the page by (what it does, beside its name). */
  keywords?: string[];
}

/** The sidebar's pages, in the order of CONSOLE.md's frame. Pages join this list as they are built. */
export const NAV: NavEntry[] = [
  { href: '/', label: 'Overview', icon: LayoutDashboard },
  { href: '/map', label: 'Map', icon: Waypoints },
  { href: '/listeners', label: 'Listeners', icon: RadioReceiver },
  { href: '/threads', label: 'Threads', icon: GitCommitVertical },
  { href: '/messages', label: 'Messages', icon: Mail },
  { href: '/search', label: 'Search', icon: TextSearch },
  { href: '/dead-letters', label: 'Dead letters', icon: MailX, badge: 'deadLetters' },
  { href: '/extensions', label: 'Extensions', icon: Puzzle, keywords: ['handlers', 'events', 'notifier'] },
  { href: '/compose', label: 'Compose', icon: SquarePen, role: 'operator' },
  {
    href: '/operations',
    label: 'Operations',
    icon: Power,
    role: 'operator',
    keywords: ['reload', 'restart', 'pause', 'resume', 'drain'],
  },
  { href: '/config', label: 'Configuration', icon: Settings2, role: 'operator' },
  { href: '/users', label: 'Users', icon: Users, role: 'admin', group: 'Settings' },
  { href: '/tokens', label: 'API tokens', icon: KeyRound, role: 'admin', group: 'Settings' },
  { href: '/audit', label: 'Audit log', icon: ScrollText, role: 'admin', group: 'Settings' },
  { href: '/account', label: 'Your account', icon: UserRound, group: 'Settings' },
];
