import type { LucideIcon } from 'lucide-react';
import { GitCommitVertical, LayoutDashboard, Mail } from 'lucide-react';

/** The sidebar's pages, in the order of CONSOLE.md's frame. Pages join this list as they are built. */
export const NAV: { href: string; label: string; icon: LucideIcon }[] = [
  { href: '/', label: 'Overview', icon: LayoutDashboard },
  { href: '/threads', label: 'Threads', icon: GitCommitVertical },
  { href: '/messages', label: 'Messages', icon: Mail },
];
