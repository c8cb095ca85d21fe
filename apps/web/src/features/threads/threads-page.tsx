'use client';
import type { ThreadStatus, ThreadSummary } from '@organism/shared';
import { useQuery } from '@tanstack/react-query';
import { RefreshCw } from 'lucide-react';
import { useRouter } from 'next/navigation';
import { parseAsStringLiteral, parseAsString, useQueryStates } from 'nuqs';
import { FilterBar, NoMatches } from '@/components/filter-bar';
import type { FilterField } from '@/components/filter-bar';
import { ListError } from '@/components/list-error';
import { IdLink } from '@/components/id-link';
import { KeysetPager } from '@/components/keyset-pager';
import { TimeAgo } from '@/components/time-ago';
import { Button } from '@/components/ui/button';
import { DataTable } from '@/components/ui/data-table';
import type { DataColumn } from '@/components/ui/data-table';
import { formatCount, formatCountOf } from '@/lib/format';
import { useTRPC } from '@/lib/trpc';
import { keyset, keysetParsers } from '@/lib/url-filters';
import { useListHold, useLiveList } from '@/lib/use-live-refresh';
import { FindThread } from './find-thread';
import { ThreadStatusBadge } from './thread-status';
import { shownError } from '@/lib/engine-error';

const STATUSES = ['active', 'completed', 'failed'] as const;
const parsers = {
  status: parseAsStringLiteral(STATUSES),
  participant: parseAsString,
  ...keysetParsers,
};
const PAGE = 50;

const COLUMNS: DataColumn<ThreadSummary>[] = [
  {
    id: 'id',
    header: 'thread',
    width: 130,
    cell: (t) => <IdLink id={t.id} href={`/threads/${t.id}`} />,
  },
  { id: 'status', header: 'status', width: 120, cell: (t) => <ThreadStatusBadge status={t.status} /> },
  {
    id: 'participants',
    header: 'participants',
    cell: (t) => <span title={t.participants.join(', ')}>{t.participants.join(' · ')}</span>,
  },
  { id: 'messages', header: 'messages', width: 100, numeric: true, cell: (t) => formatCount(t.messages) },
  {
    id: 'failed',
    header: 'failed',
    width: 80,
    numeric: true,
    cell: (t) => <span className={t.failed > 0 ? 'text-failed' : 'text-muted'}>{formatCount(t.failed)}</span>,
  },
  { id: 'first', header: 'first activity', width: 130, from: 'xl', cell: (t) => <TimeAgo at={t.firstAt} /> },
  { id: 'last', header: 'last activity', width: 130, cell: (t) => <TimeAgo at={t.lastAt} /> },
];

/** What happened in which conversation? Threads newest first, by status and participant, keyset-paged. */
export function ThreadsPage() {
  const trpc = useTRPC();
  const router = useRouter();
  const [q, setQ] = useQueryStates(parsers);
  const pages = keyset(q.after);
  const listeners = useQuery(trpc.listeners.list.queryOptions(undefined, { staleTime: 60_000 }));
  const list = trpc.threads.list.queryOptions({
    limit: PAGE,
    cursor: pages.cursor,
    status: q.status ?? undefined,
    participant: q.participant ?? undefined,
  });
  const listHold = useListHold(list.queryKey);
  const threads = useQuery({ ...list, ...listHold.queryOptions });
  const fields: FilterField[] = [
    {
      key: 'status',
      label: 'status',
      kind: 'choice',
      options: STATUSES,
      renderOption: (o) => <ThreadStatusBadge status={o as ThreadStatus} />,
    },
    {
      key: 'participant',
      label: 'participant',
      kind: 'text',
      placeholder: 'a listener or producer',
      suggestions: listeners.data?.map((l) => l.name),
    },
  ];
  // The first page follows the journal: any transition may start a thread or move one to the top. It
  // holds still while the pointer is on it, so that a row does not move away from a click. Older pages
  // are history the operator walked into: they change on refresh only.
  const live = !pages.hasNewer;
  const note = useLiveList(
    () => live,
    () => void threads.refetch({ cancelRefetch: false }),
    live,
    listHold,
  );
  const filtered = !!(q.status || q.participant);
  const clear = () => void setQ({ status: null, participant: null, after: null });
  const items = threads.data?.items ?? [];
  return (
    <div className="max-w-7xl space-y-3">
      <header className="flex flex-wrap items-center justify-between gap-3">
        <h1 className="text-xl font-semibold">Threads</h1>
        <FindThread />
      </header>
      <FilterBar
        fields={fields}
        values={{ status: q.status, participant: q.participant }}
        onChange={(key, value) => void setQ({ [key]: value, after: null })}
        onClear={clear}
      >
        <Button variant="ghost" onClick={() => void threads.refetch()} aria-label="refresh the list">
          <RefreshCw className={`size-4 ${threads.isFetching ? 'animate-spin' : ''}`} aria-hidden />
        </Button>
      </FilterBar>
      {shownError(threads) ? (
        <ListError
          error={threads.error}
          onFirstPage={q.after ? () => void setQ({ after: null }) : undefined}
        />
      ) : (
        <div className="rounded-lg border border-border bg-panel" {...listHold.hold}>
          <DataTable
            label="Threads"
            columns={COLUMNS}
            rows={items}
            rowKey={(t) => t.id}
            loading={threads.isPending}
            onOpen={(t) => router.push(`/threads/${t.id}`)}
            empty={
              filtered ? (
                <NoMatches what="threads" onClear={clear} />
              ) : (
                'No threads yet. A thread starts with every message a producer sends; the first one appears here.'
              )
            }
          />
        </div>
      )}
      <KeysetPager
        hasNewer={pages.hasNewer}
        nextCursor={threads.data?.nextCursor}
        onNewer={() => void setQ({ after: pages.newer() })}
        onOlder={(c) => void setQ({ after: pages.older(c) })}
        shown={
          threads.data ? `${formatCountOf(items.length, 'thread')}, newest activity first${note}` : undefined
        }
      />
    </div>
  );
}
