'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { parseAsStringLiteral, useQueryStates } from 'nuqs';
import { useRef } from 'react';
import { toast } from 'sonner';
import { FilterBar, NoMatches } from '@/components/filter-bar';
import type { FilterField } from '@/components/filter-bar';
import { AGO_WIDTH, TimeAgo } from '@/components/time-ago';
import { CellNote } from '@/components/ui/cell-note';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { actionsColumn, DataTable, refocusRowAfter } from '@/components/ui/data-table';
import type { DataColumn } from '@/components/ui/data-table';
import { describeError, shownError } from '@/lib/engine-error';
import { formatAgo, formatCount } from '@/lib/format';
import { useTRPC } from '@/lib/trpc';
import { useRefetchOnFocus } from '@/lib/use-refetch-on-focus';
import { CreateTokenDialog } from './create-token-dialog';

const STATES = ['active', 'revoked'] as const;
const parsers = { state: parseAsStringLiteral(STATES) };

interface TokenRow {
  id: string;
  name: string;
  producers: string[] | null;
  createdBy: string;
  createdAt: number;
  revokedAt: number | null;
  lastUsedAt: number | null;
}

const COLUMNS: DataColumn<TokenRow>[] = [
  {
    id: 'name',
    header: 'name',
    cell: (t) => (
      <span
        className={t.revokedAt ? 'text-muted line-through' : 'font-medium'}
        title={`${t.name} (token ${t.id})`}
      >
        {t.name}
      </span>
    ),
  },
  {
    id: 'producers',
    header: 'may send as',
    cell: (t) =>
      t.producers ? (
        <CellNote text={t.producers.join(', ')} tone="names" />
      ) : (
        <CellNote text="any name but a listener’s" />
      ),
  },
  { id: 'state', header: 'state', width: 150, cell: (t) => <TokenState token={t} /> },
  {
    id: 'used',
    header: 'last used',
    width: 110,
    cell: (t) => (t.lastUsedAt ? <TimeAgo at={t.lastUsedAt} /> : <span className="text-muted">never</span>),
  },
  // Below 1280 px a token's name and names it may send as need the room more.
  { id: 'by', header: 'created by', width: 120, from: 'xl', cell: (t) => t.createdBy },
  { id: 'created', header: 'created', width: AGO_WIDTH, cell: (t) => <TimeAgo at={t.createdAt} /> },
  actionsColumn(110, (t) => (t.revokedAt ? null : <Revoke token={t} />)),
];

/** Who may send messages from outside? Producers' API tokens: create (shown once), last use, revoke. */
export function TokensPage() {
  const trpc = useTRPC();
  const [q, setQ] = useQueryStates(parsers);
  const tokens = useQuery(trpc.users.tokens.queryOptions());
  // Another admin (or tab, or the CLI) may have created or revoked one: no event says so.
  useRefetchOnFocus(tokens.refetch);
  const all = tokens.data ?? [];
  // Active first, newest first: what is in use is what one looks for.
  const rows = all
    .filter((t) => !q.state || (q.state === 'revoked') === (t.revokedAt !== null))
    .sort((a, b) => Number(a.revokedAt !== null) - Number(b.revokedAt !== null) || b.createdAt - a.createdAt);
  const active = all.filter((t) => t.revokedAt === null).length;
  const fields: FilterField[] = [{ key: 'state', label: 'state', kind: 'choice', options: STATES }];
  const clear = () => void setQ({ state: null });
  return (
    <div className="max-w-7xl space-y-3">
      <header className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-xl font-semibold">API tokens</h1>
          <p className="mt-1 text-sm text-muted">
            Producers outside the organism send messages to <span className="font-mono">POST /messages</span>{' '}
            with a token. A token is shown once, when it is created; revoking it refuses it at once.
          </p>
        </div>
        <CreateTokenDialog />
      </header>
      <FilterBar
        fields={fields}
        values={{ state: q.state }}
        onChange={(_, value) => void setQ({ state: STATES.find((s) => s === value) ?? null })}
        onClear={clear}
      />
      {shownError(tokens) ? (
        <p role="alert" className="rounded-md border border-failed/40 bg-failed/5 p-3 text-sm">
          {describeError(tokens.error)}
        </p>
      ) : (
        <>
          <div className="rounded-lg border border-border bg-panel">
            <DataTable
              label="API tokens"
              columns={COLUMNS}
              rows={rows}
              rowKey={(t) => t.id}
              loading={tokens.isPending}
              empty={
                q.state ? (
                  <NoMatches what="tokens" onClear={clear} />
                ) : (
                  <>
                    No API tokens yet. A producer needs one to send messages: create one here, or with{' '}
                    <code className="font-mono">organism token create NAME</code>.
                  </>
                )
              }
            />
          </div>
          {tokens.data && all.length > 0 && (
            <p className="text-xs text-muted">
              {formatCount(active)} active, {formatCount(all.length - active)} revoked. Last use is recorded
              at most once a minute.
            </p>
          )}
        </>
      )}
    </div>
  );
}

function TokenState({ token }: { token: TokenRow }) {
  if (token.revokedAt === null)
    return (
      <span className="inline-flex items-center gap-1.5 text-xs font-medium text-acked">
        <span aria-hidden className="inline-block size-2.5 rounded-full bg-current" /> active
      </span>
    );
  return (
    <span className="inline-flex items-center gap-1.5 text-xs text-muted">
      <span aria-hidden className="inline-block size-2.5 rounded-[1px] border-2 border-current" /> revoked{' '}
      <TimeAgo at={token.revokedAt} />
    </span>
  );
}

function Revoke({ token }: { token: TokenRow }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  // Where the keyboard goes once revoked: the dialog gives focus back to this button, gone by then.
  const refocus = useRef<() => void>(undefined);
  const revoke = useMutation(
    trpc.users.revokeToken.mutationOptions({
      onSuccess: ({ revokedAt, alreadyRevoked }) =>
        alreadyRevoked
          ? toast.info(`${token.name} was already revoked ${formatAgo(revokedAt)}; nothing changed.`)
          : toast.success(`Revoked ${token.name}: producers using it are refused from now on.`),
      onError: (err) => toast.error(describeError(err)),
      onSettled: () => {
        void queryClient.invalidateQueries({ queryKey: trpc.audit.pathKey() });
        void queryClient.invalidateQueries({ queryKey: trpc.users.tokens.queryKey() }).then(refocus.current);
      },
    }),
  );
  return (
    <ConfirmDialog
      title={`Revoke ${token.name}?`}
      body="Every producer that sends with this token is refused from now on (401). This cannot be undone: create a new token if it is needed again."
      confirm="Revoke"
      onConfirm={() => revoke.mutate({ id: token.id })}
    >
      <Button
        variant="ghost"
        className="text-failed"
        aria-label={`revoke ${token.name}`}
        disabled={revoke.isPending}
        onClick={(e) => (refocus.current = refocusRowAfter(e.currentTarget))}
      >
        Revoke…
      </Button>
    </ConfirmDialog>
  );
}
