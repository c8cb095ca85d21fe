'use client';
import type { Role } from '@organism/shared';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { parseAsString, parseAsStringLiteral, useQueryStates } from 'nuqs';
import { useRef, useState } from 'react';
import { toast } from 'sonner';
import { FilterBar, NoMatches } from '@/components/filter-bar';
import type { FilterField } from '@/components/filter-bar';
import { AGO_WIDTH, TimeAgo } from '@/components/time-ago';
import { Button } from '@/components/ui/button';
import { CellNote } from '@/components/ui/cell-note';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { actionsColumn, DataTable, refocusRowAfter } from '@/components/ui/data-table';
import type { DataColumn } from '@/components/ui/data-table';
import { describeError, shownError } from '@/lib/engine-error';
import { formatCount, formatCountOf } from '@/lib/format';
import { useSession } from '@/lib/session';
import { useTRPC } from '@/lib/trpc';
import { useRefetchOnFocus } from '@/lib/use-refetch-on-focus';
import { AddUserDialog } from './add-user-dialog';
import { ResetPasswordDialog } from './reset-password-dialog';
import { ROLE_DOES, ROLES } from './roles';

/** The filters, in the URL: a role, and part of a name (any case). */
const parsers = { role: parseAsStringLiteral(ROLES), name: parseAsString };
const FIELDS: FilterField[] = [
  { key: 'role', label: 'role', kind: 'choice', options: ROLES },
  { key: 'name', label: 'name', kind: 'text', placeholder: 'part of a name' },
];

interface UserRow {
  name: string;
  role: Role;
  createdAt: number;
  /** Why this row's role and removal are not offered (yourself, the last admin), or null. */
  locked: string | null;
  self: boolean;
}

/** Who may do what? Every user with their role; add, change a role, reset a password, remove (admin). */
export function UsersPage() {
  const trpc = useTRPC();
  const { user } = useSession();
  const [q, setQ] = useQueryStates(parsers);
  const users = useQuery(trpc.users.list.queryOptions());
  // Another admin may have added, removed or re-roled someone: no event says so.
  useRefetchOnFocus(users.refetch);
  const admins = (users.data ?? []).filter((u) => u.role === 'admin').length;
  const needle = q.name?.toLowerCase();
  const all: UserRow[] = (users.data ?? []).map((u) => {
    const self = u.name === user?.name;
    const last = u.role === 'admin' && admins === 1;
    return {
      ...u,
      self,
      locked: self
        ? 'You cannot change your own role or remove yourself; another admin can.'
        : last
          ? 'The last admin: make someone else an admin first.'
          : null,
    };
  });
  const rows = all.filter(
    (u) => (!q.role || u.role === q.role) && (!needle || u.name.toLowerCase().includes(needle)),
  );
  const filtered = q.role !== null || Boolean(needle);
  const clear = () => void setQ({ role: null, name: null });
  const columns: DataColumn<UserRow>[] = [
    {
      id: 'name',
      header: 'name',
      // What a role may do needs the room more than a name does.
      width: 200,
      cell: (u) => (
        // A long name ends in an ellipsis (the whole of it on hover), and the "you" mark stays in view.
        <span className="flex min-w-0 items-center gap-2">
          <span className="min-w-0 truncate font-medium" title={u.name}>
            {u.name}
          </span>
          {u.self && <span className="shrink-0 rounded bg-panel-2 px-1.5 text-xs text-muted">you</span>}
        </span>
      ),
    },
    { id: 'role', header: 'role', width: 150, cell: (u) => <RoleCell row={u} /> },
    {
      id: 'does',
      header: 'may',
      from: 'xl',
      cell: (u) => <CellNote text={ROLE_DOES[u.role]} />,
    },
    { id: 'created', header: 'added', width: AGO_WIDTH, cell: (u) => <TimeAgo at={u.createdAt} /> },
    actionsColumn(250, (u) => <Actions row={u} />),
  ];
  return (
    <div className="max-w-7xl space-y-3">
      <header className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-xl font-semibold">Users</h1>
          <p className="mt-1 text-sm text-muted">
            Who may sign in to the console, and what each role may do. The engine checks every call against
            the role; changes count at once, and the audit log keeps them.
          </p>
        </div>
        <AddUserDialog />
      </header>
      <FilterBar
        fields={FIELDS}
        values={{ role: q.role, name: q.name }}
        onChange={(key, value) =>
          void setQ(
            key === 'role'
              ? { role: ROLES.find((r) => r === value) ?? null }
              : { name: value?.trim() || null },
          )
        }
        onClear={clear}
      />
      {shownError(users) ? (
        <p role="alert" className="rounded-md border border-failed/40 bg-failed/5 p-3 text-sm">
          {describeError(users.error)}
        </p>
      ) : (
        <>
          <div className="rounded-lg border border-border bg-panel">
            <DataTable
              label="Users"
              columns={columns}
              rows={rows}
              rowKey={(u) => u.name}
              loading={users.isPending}
              empty={
                filtered ? (
                  <NoMatches what="users" onClear={clear} />
                ) : (
                  'No users. The engine creates the first admin when it starts; add the others here.'
                )
              }
            />
          </div>
          {users.data && (
            <p className="text-xs text-muted">
              {filtered && `${formatCount(rows.length)} shown of `}
              {formatCountOf(all.length, 'user')}, {formatCountOf(admins, 'admin')}. Producers send with API
              tokens, not users:{' '}
              <Link href="/tokens" className="text-accent underline">
                API tokens
              </Link>
              .
            </p>
          )}
        </>
      )}
    </div>
  );
}

function useInvalidateUsers() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.users.pathKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.audit.pathKey() }),
    ]);
}

const A_ROLE: Record<Role, string> = { viewer: 'a viewer', operator: 'an operator', admin: 'an admin' };

/**
 * The role as a select, or as a word with the reason it cannot change here. A choice is asked about
 * before it is made: a select changes with the arrow keys alone, and a role counts at once.
 */
function RoleCell({ row }: { row: UserRow }) {
  const trpc = useTRPC();
  const invalidate = useInvalidateUsers();
  const select = useRef<HTMLSelectElement>(null);
  const [asked, setAsked] = useState<Role | null>(null);
  const setRole = useMutation(
    trpc.users.setRole.mutationOptions({
      onSuccess: (_, input) => toast.success(`${input.name} is now ${input.role}.`),
      onError: (err) => toast.error(describeError(err)),
      onSettled: invalidate,
    }),
  );
  if (row.locked)
    return (
      <span className="text-sm" title={row.locked}>
        {row.role}
      </span>
    );
  return (
    <>
      <select
        ref={select}
        aria-label={`role of ${row.name}`}
        value={asked ?? (setRole.isPending ? setRole.variables.role : row.role)}
        // Not `disabled` while it saves, which would drop the keyboard's focus; a change meanwhile waits.
        aria-disabled={setRole.isPending}
        onChange={(e) => {
          const role = e.target.value as Role;
          if (!setRole.isPending && role !== row.role) setAsked(role);
        }}
        className="h-7 rounded-md border border-border bg-panel px-2 text-sm outline-none focus:border-accent"
      >
        {ROLES.map((r) => (
          <option key={r} value={r}>
            {r}
          </option>
        ))}
      </select>
      <ConfirmDialog
        open={asked !== null}
        onOpenChange={(open) => {
          if (!open) setAsked(null);
        }}
        returnFocus={() => select.current}
        title={asked ? `Make ${row.name} ${A_ROLE[asked]}?` : ''}
        body={
          asked
            ? `${ROLE_DOES[asked]} It counts from ${row.name}'s next call, in every open session, and the audit log keeps it.`
            : ''
        }
        confirm={`Make ${asked ?? ''}`}
        onConfirm={() => {
          if (asked) setRole.mutate({ name: row.name, role: asked });
        }}
      />
    </>
  );
}

function Actions({ row }: { row: UserRow }) {
  const trpc = useTRPC();
  const invalidate = useInvalidateUsers();
  // Where the keyboard goes once the row is gone: the row now in its place (the dialog gives focus back
  // to the Remove button, which went with its row).
  const refocus = useRef<() => void>(undefined);
  const remove = useMutation(
    trpc.users.remove.mutationOptions({
      onSuccess: () => toast.success(`Removed ${row.name}; their sessions ended.`),
      onError: (err) => toast.error(describeError(err)),
      onSettled: () => void invalidate().then(refocus.current),
    }),
  );
  if (row.self)
    return (
      <Link href="/account" className="px-3 text-sm text-accent hover:underline">
        Change your password
      </Link>
    );
  return (
    <span className="flex items-center justify-end gap-1">
      <ResetPasswordDialog name={row.name} />
      {!row.locked && (
        <ConfirmDialog
          title={`Remove ${row.name}?`}
          body={`${row.name} can no longer sign in, and their open sessions end now. The audit log keeps what they did.`}
          confirm="Remove"
          onConfirm={() => remove.mutate({ name: row.name })}
        >
          <Button
            variant="ghost"
            className="text-failed"
            aria-label={`remove ${row.name}`}
            onClick={(e) => (refocus.current = refocusRowAfter(e.currentTarget))}
          >
            Remove…
          </Button>
        </ConfirmDialog>
      )}
    </span>
  );
}
