'use client';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import type { ReactNode } from 'react';
import { ListenerStateBadge } from '@/components/listener-state-badge';
import { TimeAgo } from '@/components/time-ago';
import { DataTable } from '@/components/ui/data-table';
import type { DataColumn } from '@/components/ui/data-table';
import { formatCount } from '@/lib/format';
import type { ListenerInfo } from '@/lib/live-listeners';
import { splitRoot } from '@/lib/qname';
import { useSession } from '@/lib/session';
import { LISTENER_SORTS, sortListeners, useListenerFilters } from './listener-filters';
import { PAUSE_RESUME_COLUMN } from './pause-button';
import { listenerHref } from '@/lib/hrefs';

const COLUMNS: DataColumn<ListenerInfo>[] = [
  {
    id: 'state',
    header: 'state',
    width: 112,
    sortable: 'asc',
    cell: (l) => (
      <span className="flex items-center gap-1.5">
        <ListenerStateBadge state={l.state} />
        {l.state === 'paused' && l.queued > 0 && (
          <span className="tabular text-xs text-muted" title={`${l.queued} waiting (PENDING)`}>
            {formatCount(l.queued)}
          </span>
        )}
      </span>
    ),
  },
  {
    id: 'name',
    header: 'listener',
    sortable: 'asc',
    cell: (l) => (
      <span className="flex min-w-0 items-center gap-2">
        <Link href={listenerHref(l.name)} className="shrink-0 font-medium hover:underline">
          {l.name}
        </Link>
        {l.system && <Tag>system</Tag>}
        <span className="truncate text-xs text-muted" title={l.description}>
          {l.description}
        </span>
      </span>
    ),
  },
  {
    id: 'roots',
    header: 'roots',
    width: 128,
    // Below 1280 px the listener's name and description need the room; its page shows its contract.
    from: 'xl',
    cell: (l) => (
      <span className="truncate font-mono text-xs" title={l.roots.join('\n')}>
        {l.roots.map((r) => splitRoot(r).local).join(', ')}
      </span>
    ),
  },
  {
    id: 'received',
    header: 'received',
    width: 96,
    numeric: true,
    sortable: 'desc',
    cell: (l) => formatCount(l.received),
  },
  {
    id: 'failed',
    header: (
      <span title="Failed attempts: every try that failed counts, so a message retried three times before it became a dead letter counts four.">
        failed
      </span>
    ),
    width: 80,
    numeric: true,
    sortable: 'desc',
    cell: (l) => <span className={l.failed > 0 ? 'text-failed' : ''}>{formatCount(l.failed)}</span>,
  },
  {
    id: 'inFlight',
    header: 'in flight',
    width: 80,
    from: 'xl',
    numeric: true,
    sortable: 'desc',
    cell: (l) => formatCount(l.inFlight),
  },
  {
    id: 'lastActivityAt',
    header: 'last activity',
    width: 112,
    numeric: true,
    sortable: 'desc',
    cell: (l) =>
      l.lastActivityAt ? <TimeAgo at={l.lastActivityAt} /> : <span className="text-muted">never</span>,
  },
  {
    id: 'peers',
    header: 'agent peers',
    width: 176,
    // Below 1536 px the listener's name and description need the room; its page lists the peers.
    from: '2xl',
    cell: (l) =>
      l.agent ? (
        <span className="flex min-w-0 items-center gap-1.5 text-xs">
          <Tag>agent</Tag>
          <span className="truncate" title={l.peers.join(', ')}>
            {l.peers.length ? l.peers.join(', ') : 'no peers'}
          </span>
        </span>
      ) : (
        <span className="text-muted">—</span>
      ),
  },
];

/** An operator's columns: one array for every render, so the table's rows keep their drawn cells. */
const OPERATOR_COLUMNS = [...COLUMNS, PAUSE_RESUME_COLUMN];

function Tag({ children }: { children: ReactNode }) {
  return (
    <span className="shrink-0 rounded bg-panel-2 px-1.5 py-px text-[11px] font-medium text-muted">
      {children}
    </span>
  );
}

/** Dense, sortable (order kept in the URL), live; a row opens its listener (click, or Enter on the row). */
export function ListenersTable({
  listeners,
  empty,
}: {
  /** Undefined while loading: skeleton rows in the table's own layout. */
  listeners: ListenerInfo[] | undefined;
  empty: ReactNode;
}) {
  const router = useRouter();
  const { can } = useSession();
  const [filters, setFilters] = useListenerFilters();
  const rows = listeners ? sortListeners(listeners, filters.sort, filters.desc) : [];
  return (
    <DataTable
      label="Listeners"
      columns={can('operator') ? OPERATOR_COLUMNS : COLUMNS}
      rows={rows}
      rowKey={(l) => l.name}
      loading={listeners === undefined}
      onOpen={(l) => router.push(listenerHref(l.name))}
      empty={empty}
      sort={{
        by: filters.sort,
        desc: filters.desc,
        onChange: (by, desc) => {
          const sort = LISTENER_SORTS.find((s) => s === by);
          void setFilters({ sort: sort ?? null, desc: desc || null });
        },
      }}
      rowClassName={(l) => (l.state === 'error' ? 'bg-failed/[0.03]' : undefined)}
    />
  );
}
