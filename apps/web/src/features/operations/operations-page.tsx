'use client';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { ListenerStateBadge } from '@/components/listener-state-badge';
import { RoleGate } from '@/components/role-gate';
import { Elapsed, TimeAgo, Uptime } from '@/components/time-ago';
import { DataTable } from '@/components/ui/data-table';
import type { DataColumn } from '@/components/ui/data-table';
import { Panel } from '@/components/ui/panel';
import { Skeleton } from '@/components/ui/skeleton';
import { PAUSE_RESUME_COLUMN } from '@/features/listeners/pause-button';
import { describeError } from '@/lib/engine-error';
import { useEngineStream } from '@/lib/engine-stream';
import { formatCount, plural } from '@/lib/format';
import type { ListenerInfo } from '@/lib/live-listeners';
import { useLiveListeners } from '@/lib/live-listeners';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTRPC } from '@/lib/trpc';
import { useShownEngineState } from '@/lib/use-shown-engine-state';
import type { WorkFigures } from './drain-outcome';
import { latestFigures } from './drain-outcome';
import { RecoveryReport } from './recovery-report';
import { ReloadPanel } from './reload-panel';
import { RestartPanel } from './restart-panel';
import { listenerHref } from '@/lib/hrefs';
import { stateToneClass } from '@/lib/engine-state';

/** Steer the running engine: reload its configuration, restart it, pause and resume listeners. */
export function OperationsPage() {
  return (
    <RoleGate role="operator" title="Operations">
      <div className="max-w-7xl space-y-4">
        <header>
          <h1 className="text-xl font-semibold">Operations</h1>
          <p className="mt-1 text-sm text-muted">
            Reload the configuration, restart the engine, and pause or resume listeners. Every action is in
            the audit log.
          </p>
        </header>
        <EngineFacts />
        <div className="grid items-start gap-4 lg:grid-cols-2">
          <ReloadPanel />
          <RestartPanel />
        </div>
        <ListenerControls />
      </div>
    </RoleGate>
  );
}

function EngineFacts() {
  const trpc = useTRPC();
  const status = useQuery(trpc.organism.status.queryOptions(undefined, { refetchInterval: 15_000 }));
  const { away, connection, subscribeEvents } = useEngineStream();
  // A drain's figures, every half second: later than the status's while the engine drains and after.
  const [drain, setDrain] = useState<{ figures: WorkFigures; at: number }>();
  useEffect(
    () =>
      subscribeEvents((e) => {
        if (e.type === 'drain') setDrain({ figures: e, at: Date.now() });
      }),
    [subscribeEvents],
  );
  const s = status.data;
  const shown = useShownEngineState(s, status.dataUpdatedAt);
  if (!s || !shown)
    return status.error ? (
      <p role="alert" className="text-sm">
        {describeError(status.error)}
      </p>
    ) : (
      <Skeleton className="h-10 w-full" />
    );
  const work = latestFigures(s, status.dataUpdatedAt, drain);
  return (
    <section
      aria-label="Engine"
      className="flex flex-wrap items-center gap-x-4 gap-y-1 rounded-lg border border-border bg-panel px-4 py-2.5 text-sm"
    >
      <span data-testid="engine-facts-state">
        <span className="text-muted">engine </span>
        <span className={`font-medium ${stateToneClass(shown.tone)}`} title={shown.title}>
          {shown.word}
        </span>
      </span>
      <span className="text-muted">{s.supervised ? 'supervised' : 'not supervised'}</span>
      {shown.current ? (
        // Reconnecting, the uptime would count on from a process that may be gone (as in the top bar).
        connection === 'live' && (
          <span>
            <span className="text-muted">up </span>
            <Uptime since={status.dataUpdatedAt - s.uptimeMs} />
          </span>
        )
      ) : (
        // Its figures next are from before it went away: they say so, and the uptime is gone with it.
        <span className="text-muted">
          away <Elapsed since={away?.since ?? Date.now()} />, last known:
        </span>
      )}
      <span className={`tabular ${shown.current ? '' : 'text-muted'}`} data-testid="engine-facts-work">
        {formatCount(work.inFlight)} <span className="text-muted">in flight</span> ·{' '}
        {formatCount(work.queued)} <span className="text-muted">queued</span> ·{' '}
        {formatCount(work.openThreads)}{' '}
        <span className="text-muted">{plural(work.openThreads, 'open thread')}</span>
      </span>
      <span className="text-muted">
        at start, <RecoveryReport recovery={s.recovery} />
      </span>
    </section>
  );
}

const COLUMNS: DataColumn<ListenerInfo>[] = [
  { id: 'state', header: 'state', width: 112, cell: (l) => <ListenerStateBadge state={l.state} /> },
  {
    id: 'name',
    header: 'listener',
    cell: (l) => (
      <Link href={listenerHref(l.name)} className="font-medium text-accent hover:underline">
        {l.name}
      </Link>
    ),
  },
  {
    id: 'queued',
    header: 'waiting',
    width: 88,
    numeric: true,
    cell: (l) => <span className={l.queued > 0 ? 'font-medium' : 'text-muted'}>{formatCount(l.queued)}</span>,
  },
  { id: 'inFlight', header: 'in flight', width: 88, numeric: true, cell: (l) => formatCount(l.inFlight) },
  {
    id: 'paused',
    header: 'paused',
    width: 200,
    cell: (l) =>
      l.paused ? (
        <span className="text-xs">
          by {l.paused.by} <TimeAgo at={l.paused.at} />
        </span>
      ) : (
        <span className="text-muted">—</span>
      ),
  },
  PAUSE_RESUME_COLUMN,
];

/**
 * Every listener of the organism with pause and resume, by name: a row stays where it is as it pauses,
 * so the button under the pointer is still its own (the title counts the paused ones).
 */
function ListenerControls() {
  const router = useRouter();
  const listeners = useLiveListeners();
  const rows = listeners.data?.filter((l) => !l.system).sort((a, b) => a.name.localeCompare(b.name));
  const paused = rows?.filter((l) => l.state === 'paused').length ?? 0;
  return (
    <Panel title={paused > 0 ? `Listeners · ${formatCount(paused)} paused` : 'Listeners'}>
      <p className="mb-3 text-sm text-muted">
        A paused listener receives nothing: messages to it are still accepted and wait PENDING in the journal,
        in order, and resuming sends them out. A pause survives a restart. The engine&apos;s own listeners
        (system.*) cannot be paused.
      </p>
      {listeners.error && !listeners.data ? (
        <p role="alert" className="text-sm">
          {describeError(listeners.error)}
        </p>
      ) : (
        <DataTable
          label="Listeners to pause or resume"
          columns={COLUMNS}
          rows={rows ?? []}
          rowKey={(l) => l.name}
          // A row opens its listener's page, as in the Listeners table (its buttons keep their clicks).
          onOpen={(l) => router.push(listenerHref(l.name))}
          loading={!rows}
          empty="This organism has no listeners of its own yet: add them in organism.yaml and reload."
        />
      )}
    </Panel>
  );
}
