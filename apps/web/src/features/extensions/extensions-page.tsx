'use client';
import type { inferRouterOutputs } from '@trpc/server';
import { useQuery } from '@tanstack/react-query';
import { TimeAgo } from '@/components/time-ago';
import { DataTable } from '@/components/ui/data-table';
import type { DataColumn } from '@/components/ui/data-table';
import { Panel } from '@/components/ui/panel';
import { Skeleton } from '@/components/ui/skeleton';
import { describeError } from '@/lib/engine-error';
import { formatCount, formatCountOf } from '@/lib/format';
import type { AppRouter } from '@organism/engine';
import { useTRPC } from '@/lib/trpc';
import { DurableSummary, ExtensionFailures } from './extension-failures';

type ExtensionInfo = inferRouterOutputs<AppRouter>['extensions']['list'][number];
type HandlerCounts = ExtensionInfo['handlers'][number];

/** The organism's extensions: what each one handles, how it is doing, and why one is not running. */
export function ExtensionsPage() {
  const trpc = useTRPC();
  const list = useQuery(trpc.extensions.list.queryOptions(undefined, { refetchInterval: 2_000 }));
  return (
    <div className="max-w-7xl space-y-4">
      <header>
        <h1 className="text-xl font-semibold">Extensions</h1>
        <p className="mt-1 text-sm text-muted">
          Modules of the organism that react to engine events (a failure, a thread that completes, a reload),
          off the path of messages. Each handler runs on its own queue; the counts are since the engine
          started or the extension was last loaded. A durable extension reads the journal instead, with a
          cursor that survives restarts, and keeps the events it failed on for an operator.
        </p>
      </header>
      {list.error && !list.data ? (
        <p role="alert" className="text-sm">
          {describeError(list.error)}
        </p>
      ) : !list.data ? (
        <Skeleton className="h-40 w-full" />
      ) : list.data.length === 0 ? (
        <Panel>
          <p className="text-sm">
            This organism has no extensions. Put a module in the{' '}
            <code className="font-mono text-xs">extensions/</code> folder beside organism.yaml, or list one
            under <code className="font-mono text-xs">extensions:</code>, and reload: see docs/extensions.md.
          </p>
        </Panel>
      ) : (
        list.data.map((e) => <ExtensionPanel key={e.name} e={e} />)
      )}
    </div>
  );
}

function ExtensionPanel({ e }: { e: ExtensionInfo }) {
  const failing = e.handlers.reduce((n, h) => n + h.failed, 0);
  return (
    <Panel
      title={
        <span className="flex items-center gap-2">
          {e.name}
          {e.durable && (
            <span className="rounded border border-border px-1.5 py-0.5 text-xs font-normal text-muted">
              durable
            </span>
          )}
          <span className="font-mono text-xs font-normal text-muted">{e.file}</span>
        </span>
      }
      actions={
        e.error ? (
          <span className="rounded bg-failed/10 px-1.5 py-0.5 text-xs font-semibold text-failed">
            not running
          </span>
        ) : (
          <span className="text-xs text-muted">
            {formatCountOf(e.handlers.length, 'handler')}
            {failing > 0 && <span className="text-failed"> · {formatCount(failing)} failed</span>}
          </span>
        )
      }
    >
      {e.error ? (
        <p role="alert" className="text-sm">
          <span className="font-medium text-failed">Why: </span>
          <span className="font-mono text-xs">{e.error}</span>
          <span className="block pt-1 text-muted">
            Fix the module and reload; the rest of the organism runs meanwhile.
          </span>
        </p>
      ) : (
        <>
          {e.durable && <DurableSummary durable={e.durable} />}
          <DataTable
            label={`Handlers of ${e.name}`}
            columns={e.durable ? DURABLE_COLUMNS : COLUMNS}
            rows={e.handlers}
            rowKey={(h) => `${e.handlers.indexOf(h)}`}
            empty="It registers no handler."
          />
          {e.durable && e.durable.retrying + e.durable.dead > 0 && (
            <ExtensionFailures extension={e.name} durable={e.durable} />
          )}
        </>
      )}
    </Panel>
  );
}

const count = (n: number, bad = false) => (
  <span className={n === 0 ? 'text-muted' : bad ? 'font-medium text-failed' : ''}>{formatCount(n)}</span>
);

const COLUMNS: DataColumn<HandlerCounts>[] = [
  {
    id: 'on',
    header: 'on',
    width: 200,
    cell: (h) => (
      <span className="font-mono text-xs">
        {h.tract}.{h.event}
      </span>
    ),
  },
  { id: 'succeeded', header: 'succeeded', width: 96, numeric: true, cell: (h) => count(h.succeeded) },
  { id: 'failed', header: 'failed', width: 80, numeric: true, cell: (h) => count(h.failed, true) },
  { id: 'retried', header: 'retried', width: 80, numeric: true, cell: (h) => count(h.retried), from: 'lg' },
  {
    id: 'timedOut',
    header: 'timed out',
    width: 88,
    numeric: true,
    cell: (h) => count(h.timedOut, true),
    from: 'lg',
  },
  { id: 'dropped', header: 'dropped', width: 80, numeric: true, cell: (h) => count(h.dropped, true) },
  { id: 'queued', header: 'waiting', width: 80, numeric: true, cell: (h) => count(h.queued) },
  {
    id: 'lastError',
    header: 'last error',
    cell: (h) =>
      h.lastError ? (
        <span className="flex min-w-0 items-center gap-2 text-xs">
          <span className="truncate font-mono" title={h.lastError.message}>
            {h.lastError.message}
          </span>
          <span className="shrink-0 text-muted">
            <TimeAgo at={h.lastError.at} />
          </span>
        </span>
      ) : (
        <span className="text-muted">—</span>
      ),
  },
];

/** A durable handler has no queue (it reads the journal) and drops nothing: those columns go. */
const DURABLE_COLUMNS = COLUMNS.filter((c) => c.id !== 'queued' && c.id !== 'dropped');
