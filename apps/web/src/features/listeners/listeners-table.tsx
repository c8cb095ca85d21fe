'use client';
import type { SortingState } from '@tanstack/react-table';
import {
  createColumnHelper,
  createSortedRowModel,
  rowSortingFeature,
  sortFn_alphanumeric,
  tableFeatures,
  useTable,
} from '@tanstack/react-table';
import { ArrowDown, ArrowUp } from 'lucide-react';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { ListenerStateBadge } from '@/components/listener-state-badge';
import { TimeAgo } from '@/components/time-ago';
import { formatCount } from '@/lib/format';
import type { ListenerInfo } from '@/lib/live-listeners';
import { splitRoot } from '@/lib/qname';
import { LISTENER_SORTS, useListenerFilters } from './listener-filters';

const features = tableFeatures({
  rowSortingFeature,
  sortedRowModel: createSortedRowModel(),
  sortFns: { alphanumeric: sortFn_alphanumeric },
});
const col = createColumnHelper<typeof features, ListenerInfo>();

const NUM = 'tabular text-right';
/** Numbers and times sit right-aligned, in tabular figures. */
const ALIGN: Record<string, string> = {
  received: NUM,
  failed: NUM,
  inFlight: NUM,
  lastActivityAt: 'text-right',
};
const columns = col.columns([
  col.accessor('state', {
    header: 'State',
    cell: (c) => <ListenerStateBadge state={c.getValue()} />,
  }),
  col.accessor('name', {
    header: 'Listener',
    sortFn: 'alphanumeric',
    cell: (c) => {
      const l = c.row.original;
      return (
        <span className="flex min-w-0 items-center gap-2">
          <Link
            href={`/listeners/${encodeURIComponent(l.name)}`}
            className="font-medium hover:underline"
            onClick={(e) => e.stopPropagation()}
          >
            {l.name}
          </Link>
          {l.system && <Tag>system</Tag>}
          <span className="truncate text-xs text-muted" title={l.description}>
            {l.description}
          </span>
        </span>
      );
    },
  }),
  col.display({
    id: 'roots',
    header: 'Roots',
    cell: (c) => (
      <span className="truncate font-mono text-xs" title={c.row.original.roots.join('\n')}>
        {c.row.original.roots.map((r) => splitRoot(r).local).join(', ')}
      </span>
    ),
  }),
  col.accessor('received', {
    header: 'Received',
    cell: (c) => formatCount(c.getValue()),
    sortDescFirst: true,
  }),
  col.accessor('failed', {
    header: 'Failed',
    cell: (c) => <span className={c.getValue() > 0 ? 'text-failed' : ''}>{formatCount(c.getValue())}</span>,
    sortDescFirst: true,
  }),
  col.accessor('inFlight', {
    header: 'In flight',
    cell: (c) => formatCount(c.getValue()),
    sortDescFirst: true,
  }),
  col.accessor((l) => l.lastActivityAt ?? undefined, {
    id: 'lastActivityAt',
    header: 'Last activity',
    cell: (c) => {
      const at = c.getValue();
      return at ? <TimeAgo at={at} /> : <span className="text-muted">never</span>;
    },
    sortDescFirst: true,
    sortUndefined: 'last',
  }),
  col.display({
    id: 'peers',
    header: 'Agent peers',
    cell: (c) => {
      const l = c.row.original;
      if (!l.agent) return <span className="text-muted">—</span>;
      return (
        <span className="flex min-w-0 items-center gap-1.5 text-xs">
          <Tag>agent</Tag>
          <span className="truncate" title={l.peers.join(', ')}>
            {l.peers.length ? l.peers.join(', ') : 'no peers'}
          </span>
        </span>
      );
    },
  }),
]);

function Tag({ children }: { children: React.ReactNode }) {
  return (
    <span className="shrink-0 rounded bg-panel-2 px-1.5 py-px text-[11px] font-medium text-muted">
      {children}
    </span>
  );
}

/** Dense, sortable (order kept in the URL), live; a row opens its listener. */
export function ListenersTable({ listeners }: { listeners: ListenerInfo[] }) {
  const router = useRouter();
  const [filters, setFilters] = useListenerFilters();
  const sorting: SortingState = [{ id: filters.sort, desc: filters.desc }];
  const table = useTable({
    features,
    columns,
    data: listeners,
    state: { sorting },
    onSortingChange: (updater) => {
      const next = typeof updater === 'function' ? updater(sorting) : updater;
      const first = next[0];
      const id = LISTENER_SORTS.find((s) => s === first?.id);
      void setFilters({ sort: id ?? null, desc: first?.desc || null });
    },
    enableSortingRemoval: false,
    getRowId: (l) => l.name,
  });
  return (
    <table className="w-full table-fixed text-sm">
      <colgroup>
        <col className="w-28" />
        <col />
        <col className="w-36" />
        <col className="w-24" />
        <col className="w-20" />
        <col className="w-20" />
        <col className="w-28" />
        <col className="w-52" />
      </colgroup>
      <thead className="sticky top-12 z-[1] bg-panel text-left text-xs text-muted">
        {table.getHeaderGroups().map((group) => (
          <tr key={group.id} className="h-8 border-b border-border">
            {group.headers.map((header) => {
              const sorted = header.column.getIsSorted();
              const numeric = header.column.id in ALIGN;
              return (
                <th
                  key={header.id}
                  scope="col"
                  aria-sort={sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : undefined}
                  className={`px-3 font-medium ${numeric ? 'text-right' : ''}`}
                >
                  {header.column.getCanSort() ? (
                    <button
                      type="button"
                      onClick={header.column.getToggleSortingHandler()}
                      className={`inline-flex items-center gap-1 hover:text-text ${sorted ? 'text-text' : ''}`}
                    >
                      <table.FlexRender header={header} />
                      {sorted === 'asc' && <ArrowUp className="size-3" aria-hidden />}
                      {sorted === 'desc' && <ArrowDown className="size-3" aria-hidden />}
                    </button>
                  ) : (
                    <table.FlexRender header={header} />
                  )}
                </th>
              );
            })}
          </tr>
        ))}
      </thead>
      <tbody>
        {table.getRowModel().rows.map((row) => (
          <tr
            key={row.id}
            onClick={() => router.push(`/listeners/${encodeURIComponent(row.original.name)}`)}
            className={`h-8 cursor-pointer border-b border-border last:border-0 hover:bg-panel-2 ${row.original.state === 'error' ? 'bg-failed/[0.03]' : ''}`}
          >
            {row.getAllCells().map((cell) => (
              <td key={cell.id} className={`truncate px-3 ${ALIGN[cell.column.id] ?? ''}`}>
                <table.FlexRender cell={cell} />
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
