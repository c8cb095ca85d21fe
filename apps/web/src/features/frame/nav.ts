import type { LucideIcon } from 'lucide-react';
import { GitCommitVertical, LayoutDashboard, Mail, MailX, RadioReceiver, Waypoints } from 'lucide-react';

/** A count the sidebar shows beside an entry when it is not zero. */
export type NavBadge = 'deadLetters';

/** The sidebar's pages, in the order of CONSOLE.md's frame. Pages join this list as they are built. */
export const NAV: { href: string; label: string; icon: LucideIcon; badge?: NavBadge }[] = [
  { href: '/', label: 'Overview', icon: LayoutDashboard },
  { href: '/map', label: 'Map', icon: Waypoints },
  { href: '/listeners', label: 'Listeners', icon: RadioReceiver },
  { href: '/threads', label: 'Threads', icon: GitCommitVertical },
  { href: '/messages', label: 'Messages', icon: Mail },
  { href: '/dead-letters', label: 'Dead letters', icon: MailX, badge: 'deadLetters' },
];
