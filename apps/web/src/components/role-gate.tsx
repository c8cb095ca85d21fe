'use client';
import type { Role } from '@organism/shared';
import type { ReactNode } from 'react';
import { useSession } from '@/lib/session';

/**
 * A page only some roles may use: the others (who reach it by its URL, as the sidebar does not offer it)
 * read why it is closed instead of a list of refusals. The engine refuses its procedures either way.
 */
export function RoleGate({ role, title, children }: { role: Role; title: string; children: ReactNode }) {
  const { user, can } = useSession();
  if (can(role)) return children;
  return (
    <div className="max-w-3xl space-y-2">
      <h1 className="text-xl font-semibold">{title}</h1>
      <p className="rounded-md border border-border bg-panel p-4 text-sm">
        This page needs the <strong>{role}</strong> role; you are signed in as{' '}
        <strong>{user ? `${user.name} (${user.role})` : 'nobody'}</strong>. Ask an admin to change your role.
      </p>
    </div>
  );
}

/** Where a role's actions would be, for those without it: what needs which role, in one muted line. */
export function NeedsRole({ children }: { children: ReactNode }) {
  return <p className="text-sm text-muted">{children}</p>;
}
