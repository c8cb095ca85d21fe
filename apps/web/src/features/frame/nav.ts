import type { LucideIcon } from 'lucide-react';
import { LayoutDashboard, RadioReceiver, Waypoints } from 'lucide-react';

/** The sidebar's pages, in the order of CONSOLE.md's frame. Pages join this list as they are built. */
export const NAV: { href: string; label: string; icon: LucideIcon }[] = [
  { href: '/', label: 'Overview', icon: LayoutDashboard },
  { href: '/map', label: 'Map', icon: Waypoints },
  { href: '/listeners', label: 'Listeners', icon: RadioReceiver },
];
