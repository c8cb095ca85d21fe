'use client';
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import { useMutation, useQueries, useQueryClient } from '@tanstack/react-query';
import { RotateCcw, Trash2 } from 'lucide-react';
import { toast } from 'sonner';
import { IdLink } from '@/components/id-link';
import { useState } from 'react';
import { TimeAgo, TimeUntil } from '@/components/time-ago';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { actionsColumn, DataTable } from '@/components/ui/data-table';
import type { DataColumn } from '@/components/ui/data-table';
import { describeError } from '@/lib/engine-error';
import { formatCount, formatCountOf } from '@/lib/format';
import { useSession } from '@/lib/session';
import type { AppRouter } from '@organism/engine';
import { useTRPC } from '@/lib/trpc';
import { useSingleFlight } from '@/lib/single-flight';

type Outputs = inferRouterOutputs<AppRouter>['extensions'];
type Durable = NonNullable<Outputs['list'][number]['durable']>;
type Failure = Outputs['failures'][number];

/** Where a durable extension is in the journal's event log: its cursor, how far behind, what failed. */
export function DurableSummary({ durable: d }: { durable: Durable }) {
  const behind = Math.max(0, d.head - d.cursor);
  return (
    <p className="mb-3 flex flex-wrap items-center gap-x-3 gap-y-1 text-sm" aria-label="Cursor">
      <span>
        Cursor at <span className="font-mono tabular-nums">#{formatCount(d.cursor)}</span> of{' '}
        <span className="font-mono tabular-nums">#{formatCount(d.head)}</span>
      </span>
      <span className={behind > 0 ? 'font-medium text-pending' : 'text-muted'}>
        {behind > 0 ? `${formatCount(behind)} behind` : 'caught up'}
      </span>
      {d.retrying > 0 && <span className="text-pending">{formatCount(d.retrying)} waiting for a retry</span>}
      {d.dead > 0 && <span className="font-medium text-failed">{formatCountOf(d.dead, 'dead letter')}</span>}
    </p>
  );
}

/**
 * The events a durable extension's handlers failed on: its dead letters first (retries spent), then
 * those waiting for their next attempt. Operators retry or discard each one.
 */
export function ExtensionFailures({ extension, durable }: { extension: string; durable: Durable }) {
  const trpc = useTRPC();
  const { can } = useSession();
  const operator = can('operator');
  // A handful at first: a broken sink can fail on thousands, and the page has other extensions. Each
  // page after it begins after the last failure of the one before, and is asked for again as it goes.
  const [cursors, setCursors] = useState<(Place | null)[]>([null]);
  const pages = useQueries({
    queries: cursors.map((cursor, i) =>
      trpc.extensions.failures.queryOptions(
        { extension, limit: i === 0 ? FIRST : PAGE, cursor },
        { refetchInterval: 2_000 },
      ),
    ),
  });
  const first = pages[0];
  const last = pages.at(-1)?.data;
  // A failure that moved from one page to the next while they were read is shown once.
  const rows = [...new Map(pages.flatMap((p) => p.data ?? []).map((f) => [f.id, f])).values()];
  const more = last?.length === (cursors.length === 1 ? FIRST : PAGE) ? last.at(-1) : undefined;
  const count = durable.retrying + durable.dead;
  const shown = rows.length;
  if (first?.error && !first.data)
    return (
      <p role="alert" className="text-sm">
        {describeError(first.error)}
      </p>
    );
  return (
    <div className="mt-4">
      <div className="mb-2 flex items-center gap-3">
        <h3 className="text-sm font-medium">
          Failed events <span className="font-normal text-muted">({formatCount(count)})</span>
        </h3>
        {operator && durable.dead > 0 && <DeadLetterActions extension={extension} dead={durable.dead} />}
      </div>
      <DataTable
        label={`Failed events of ${extension}`}
        columns={failureColumns(extension, operator)}
        rows={rows}
        rowKey={(f) => f.id}
        loading={!first?.data}
        empty="None: every event was handled."
      />
      {shown < count && (
        <p className="mt-2 text-xs text-muted">
          Showing {formatCount(shown)} of {formatCount(count)}, dead letters first.{' '}
          {more && (
            <button
              type="button"
              className="text-accent hover:underline disabled:opacity-50"
              disabled={pages.some((p) => p.isPending)}
              onClick={() => setCursors([...cursors, placeOf(more)])}
            >
              Show {formatCount(Math.min(PAGE, count - shown))} more
            </button>
          )}
        </p>
      )}
    </div>
  );
}

const FIRST = 10;
const PAGE = 100;

type Place = NonNullable<inferRouterInputs<AppRouter>['extensions']['failures']['cursor']>;
/** Where a failure stands in the list's order: the next page begins after it. */
const placeOf = (f: Failure): Place => ({ dead: f.nextAt === null, createdAt: f.createdAt, id: f.id });

/**
 * What an operator does with every dead letter of the extension at once, after a confirmation: run each
 * again with a fresh set of attempts, or forget them all (those waiting for a retry stay).
 */
function DeadLetterActions({ extension, dead }: { extension: string; dead: number }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const refresh = () => void queryClient.invalidateQueries({ queryKey: trpc.extensions.pathKey() });
  const retry = useMutation(
    trpc.extensions.retryAll.mutationOptions({
      onSuccess: ({ retried }) => {
        toast.success(`${extension} runs ${formatCountOf(retried, 'dead letter')} again.`);
        refresh();
      },
      onError: (err) => toast.error(describeError(err)),
    }),
  );
  const discard = useMutation(
    trpc.extensions.discardAll.mutationOptions({
      onSuccess: ({ discarded }) => {
        toast.success(`${formatCountOf(discarded, 'dead letter')} of ${extension} discarded.`);
        refresh();
      },
      onError: (err) => toast.error(describeError(err)),
    }),
  );
  const what = formatCountOf(dead, 'dead letter');
  return (
    <span className="inline-flex items-center gap-1">
      <ConfirmDialog
        title={`Retry ${what} of ${extension}?`}
        body="Each runs again now, with a fresh set of attempts. Those that fail again wait for their retries, then are dead letters again."
        confirm="Retry all"
        onConfirm={() => retry.mutate({ extension })}
      >
        <Button className="h-6 px-2 text-xs" disabled={retry.isPending}>
          <RotateCcw className="size-3.5" aria-hidden /> Retry {what}
        </Button>
      </ConfirmDialog>
      <ConfirmDialog
        title={`Discard ${what} of ${extension}?`}
        body={`${extension} will not hear these events again; those waiting for a retry stay. The journal keeps the messages themselves.`}
        confirm="Discard all"
        onConfirm={() => discard.mutate({ extension })}
      >
        <Button variant="ghost" className="h-6 px-2 text-xs text-failed" disabled={discard.isPending}>
          <Trash2 className="size-3.5" aria-hidden /> Discard {what}
        </Button>
      </ConfirmDialog>
    </span>
  );
}

function failureColumns(extension: string, operator: boolean): DataColumn<Failure>[] {
  const columns: DataColumn<Failure>[] = [
    {
      id: 'event',
      header: 'event',
      width: 180,
      cell: (f) => <span className="font-mono text-xs">{f.type}</span>,
    },
    {
      id: 'about',
      header: 'about',
      width: 140,
      cell: (f) =>
        f.event.type === 'dispatch.thread-complete' ? (
          <IdLink id={f.event.threadId} href={`/threads/${f.event.threadId}`} />
        ) : (
          <IdLink id={f.event.delivery.id} href={`/messages/${f.event.delivery.id}`} />
        ),
    },
    {
      id: 'seq',
      header: 'seq',
      width: 80,
      numeric: true,
      from: 'lg',
      cell: (f) => <span className="font-mono text-xs tabular-nums">#{formatCount(f.seq)}</span>,
    },
    { id: 'attempts', header: 'attempts', width: 88, numeric: true, cell: (f) => f.attempts },
    {
      id: 'next',
      header: 'next',
      width: 120,
      cell: (f) =>
        f.nextAt === null ? (
          <span className="rounded bg-failed/10 px-1.5 py-0.5 text-xs font-semibold text-failed">
            dead letter
          </span>
        ) : (
          <span className="text-xs">
            <TimeUntil at={f.nextAt} />
          </span>
        ),
    },
    {
      id: 'error',
      header: 'last error',
      cell: (f) => (
        <span className="flex min-w-0 items-center gap-2 text-xs">
          <span className="truncate font-mono" title={f.lastError}>
            {f.lastError}
          </span>
          <span className="shrink-0 text-muted">
            <TimeAgo at={f.updatedAt} />
          </span>
        </span>
      ),
    },
  ];
  if (operator)
    columns.push(
      actionsColumn(184, (f) => <FailureActions extension={extension} failure={f} />, { numeric: true }),
    );
  return columns;
}

function FailureActions({ extension, failure: f }: { extension: string; failure: Failure }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.extensions.pathKey() });
  const what = `${f.type} #${formatCount(f.seq)}`;
  const retry = useMutation(
    trpc.extensions.retry.mutationOptions({
      onSuccess: () => {
        toast.success(`${extension} runs ${what} again.`);
        void refresh();
      },
      onError: (err) => toast.error(describeError(err)),
    }),
  );
  const discard = useMutation(
    trpc.extensions.discard.mutationOptions({
      onSuccess: () => {
        toast.success(`${what} discarded.`);
        void refresh();
      },
      onError: (err) => toast.error(describeError(err)),
    }),
  );
  const retryOnce = useSingleFlight(retry.mutate);
  const discardOnce = useSingleFlight(discard.mutate);
  return (
    <span className="inline-flex items-center gap-1">
      <Button
        className="h-6 px-2 text-xs"
        aria-label={`Retry ${what}`}
        disabled={retry.isPending}
        onClick={() => retryOnce({ extension, id: f.id })}
      >
        <RotateCcw className="size-3.5" aria-hidden /> Retry
      </Button>
      <ConfirmDialog
        title={`Discard ${what}?`}
        body={`${extension} will not hear this event again. The journal keeps the message itself.`}
        confirm="Discard"
        onConfirm={() => discardOnce({ extension, id: f.id })}
      >
        <Button
          variant="ghost"
          className="h-6 px-2 text-xs text-failed"
          aria-label={`Discard ${what}`}
          disabled={discard.isPending}
        >
          <Trash2 className="size-3.5" aria-hidden /> Discard
        </Button>
      </ConfirmDialog>
    </span>
  );
}
