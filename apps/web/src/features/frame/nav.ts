import type { LucideIcon } from 'lucide-react';
import { LayoutDashboard, MailX } from 'lucide-react';

/** A count the sidebar shows beside an entry when it is not zero. */
export type NavBadge = 'deadLetters';

/** The sidebar's pages, in the order of CONSOLE.md's frame. Pages join this list as they are built. */
export const NAV: { href: string; label: string; icon: LucideIcon; badge?: NavBadge }[] = [
  { href: '/', label: 'Overview', icon: LayoutDashboard },
  { href: '/dead-letters', label: 'Dead letters', icon: MailX, badge: 'deadLetters' },
];
