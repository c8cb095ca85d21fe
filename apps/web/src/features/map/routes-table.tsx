'use client';
import type { RouteStats } from '@organism/shared';
import { ArrowRight } from 'lucide-react';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useMemo } from 'react';
import { TimeAgo } from '@/components/time-ago';
import { DataTable } from '@/components/ui/data-table';
import type { DataColumn } from '@/components/ui/data-table';
import { formatCount, formatRate } from '@/lib/format';
import type { ListenerInfo } from '@/lib/live-listeners';
import { messagesOnRoute } from './organism-map';

/** The map as text: every route, busiest first; a row (or its link) opens the messages that took it. */
export function RoutesTable({
  routes,
  listeners,
}: {
  /** Undefined while loading: skeleton rows in the table's own layout. */
  routes: RouteStats[] | undefined;
  listeners: ListenerInfo[];
}) {
  const router = useRouter();
  const columns = useMemo(() => routeColumns(new Set(listeners.map((l) => l.name))), [listeners]);
  const sorted = useMemo(
    () =>
      [...(routes ?? [])].sort(
        (a, b) => b.perSecond - a.perSecond || b.count - a.count || a.from.localeCompare(b.from),
      ),
    [routes],
  );
  return (
    <DataTable
      label="Routes"
      columns={columns}
      rows={sorted}
      rowKey={(r) => `${r.from}>${r.to}`}
      loading={routes === undefined}
      onOpen={(r) => router.push(messagesOnRoute(r.from, r.to))}
      empty="No routes yet: they appear as messages flow between producers and listeners."
    />
  );
}

function routeColumns(listeners: Set<string>): DataColumn<RouteStats>[] {
  // A listener links to its page; an outside producer has none. A name too long for its cell ends in
  // an ellipsis and is whole on hover (in the "to" cell's flex row, the cell's own truncation never applied).
  const end = (name: string) =>
    listeners.has(name) ? (
      <Link
        href={`/listeners/${encodeURIComponent(name)}`}
        className="min-w-0 truncate hover:underline"
        title={name}
      >
        {name}
      </Link>
    ) : (
      <span className="min-w-0 truncate text-muted" title={`${name} (outside producer)`}>
        {name}
      </span>
    );
  return [
    { id: 'from', header: 'from', cell: (r) => end(r.from) },
    {
      id: 'to',
      header: 'to',
      cell: (r) => (
        <span className="flex min-w-0 items-center gap-2">
          <ArrowRight className="size-3.5 shrink-0 text-muted" aria-label="to" />
          {end(r.to)}
        </span>
      ),
    },
    { id: 'rate', header: 'rate (10 s)', width: 104, numeric: true, cell: (r) => formatRate(r.perSecond) },
    { id: 'count', header: 'messages', width: 112, numeric: true, cell: (r) => formatCount(r.count) },
    {
      id: 'failed',
      header: 'failed',
      width: 96,
      numeric: true,
      cell: (r) => (
        <span className={r.failed > 0 ? 'font-medium text-failed' : ''}>{formatCount(r.failed)}</span>
      ),
    },
    {
      id: 'last',
      header: 'last',
      width: 112,
      numeric: true,
      cell: (r) => (
        <span className="text-muted">
          <TimeAgo at={r.lastAt} />
        </span>
      ),
    },
    {
      id: 'open',
      header: <span className="sr-only">Messages on the route</span>,
      width: 104,
      numeric: true,
      cell: (r) => (
        <Link
          href={messagesOnRoute(r.from, r.to)}
          className="text-xs text-accent hover:underline"
          aria-label={`messages from ${r.from} to ${r.to}`}
        >
          messages
        </Link>
      ),
    },
  ];
}
