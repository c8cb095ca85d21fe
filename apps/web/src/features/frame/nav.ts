import type { Role } from '@organism/shared';
import type { LucideIcon } from 'lucide-react';
import {
  GitCommitVertical,
  LayoutDashboard,
  Mail,
  MailX,
  RadioReceiver,
  SquarePen,
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
}

/** The sidebar's pages, in the order of CONSOLE.md's frame. Pages join this list as they are built. */
export const NAV: NavEntry[] = [
  { href: '/', label: 'Overview', icon: LayoutDashboard },
  { href: '/map', label: 'Map', icon: Waypoints },
  { href: '/listeners', label: 'Listeners', icon: RadioReceiver },
  { href: '/threads', label: 'Threads', icon: GitCommitVertical },
  { href: '/messages', label: 'Messages', icon: Mail },
  { href: '/dead-letters', label: 'Dead letters', icon: MailX, badge: 'deadLetters' },
  { href: '/compose', label: 'Compose', icon: SquarePen, role: 'operator' },
];
