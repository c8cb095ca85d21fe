'use client';
import type { MessageFilter } from '@organism/shared';
import { engineErrorCodes } from '@organism/shared';
import { useQuery } from '@tanstack/react-query';
import { RefreshCw } from 'lucide-react';
import { useRouter } from 'next/navigation';
import { parseAsStringLiteral, useQueryStates } from 'nuqs';
import { useMemo } from 'react';
import { FilterBar, NoMatches } from '@/components/filter-bar';
import type { FilterField } from '@/components/filter-bar';
import { ListError } from '@/components/list-error';
import { StateBadge } from '@/components/state-badge';
import { KeysetPager } from '@/components/keyset-pager';
import { ExportLinks } from '@/components/export-links';
import { Button } from '@/components/ui/button';
import { DataTable } from '@/components/ui/data-table';
import { Segmented } from '@/components/ui/segmented';
import type { SegmentedOption } from '@/components/ui/segmented';
import { formatCountOf } from '@/lib/format';
import { stateChoices } from '@/lib/outcome';
import type { StateChoice } from '@/lib/outcome';
import { useTRPC } from '@/lib/trpc';
import { keyset, keysetParsers, messageFilterParsers, toMessageFilter } from '@/lib/url-filters';
import { useListHold, useLiveList } from '@/lib/use-live-refresh';
import { LiveTail } from './live-tail';
import { MESSAGE_COLUMNS } from './message-columns';
import { messagesExportHref } from './message-export';
import type { TailFilter } from './live-tail-model';
import { shownError } from '@/lib/engine-error';

const VIEWS = ['list', 'tail'] as const;
const VIEW_OPTIONS = [
  { value: 'list', label: 'List' },
  { value: 'tail', label: 'Live tail' },
] as const satisfies readonly SegmentedOption<(typeof VIEWS)[number]>[];
const parsers = {
  ...messageFilterParsers,
  ...keysetParsers,
  view: parseAsStringLiteral(VIEWS).withDefault('list'),
};
const PAGE = 50;
const TABLE_HEIGHT = 'max(360px, calc(100vh - 15rem))';

/** The time range is the list's: the tail shows what arrives from now on. */
function tailFilter({ since: _since, until: _until, ...rest }: MessageFilter): TailFilter {
  return rest;
}

/** Where is message X and why did it fail? The journal filtered and keyset-paged, or its live tail. */
export function MessagesPage() {
  const trpc = useTRPC();
  const router = useRouter();
  const [q, setQ] = useQueryStates(parsers);
  const pages = keyset(q.after);
  const filter = toMessageFilter(q);
  const tail = q.view === 'tail';
  const listeners = useQuery(trpc.listeners.list.queryOptions(undefined, { staleTime: 60_000 }));
  const list = trpc.messages.list.queryOptions({ ...filter, limit: PAGE, cursor: pages.cursor });
  const listHold = useListHold(list.queryKey);
  const messages = useQuery({ ...list, enabled: !tail, ...listHold.queryOptions });
  // The first page takes new messages as they come; on every page a row's state follows its transitions
  // (rows never move: the list is in the order messages were made). The page holds still while the
  // pointer is on it, so that a row does not move away from a click.
  const live = !tail && !pages.hasNewer;
  const shownIds = useMemo(() => new Set(messages.data?.items.map((m) => m.id)), [messages.data]);
  const note = useLiveList(
    (t) => !tail && (live || shownIds.has(t.messageId)),
    () => void messages.refetch({ cancelRefetch: false }),
    live,
    listHold,
  );
  const names = listeners.data?.map((l) => l.name);
  const fields: FilterField[] = [
    { key: 'to', label: 'to', kind: 'text', suggestions: names, placeholder: 'listener or producer' },
    { key: 'from', label: 'from', kind: 'text', suggestions: names, placeholder: 'listener or producer' },
    {
      key: 'participant',
      label: 'participant',
      kind: 'text',
      suggestions: names,
      placeholder: 'either side',
    },
    {
      key: 'root',
      label: 'payload root',
      kind: 'text',
      suggestions: [...new Set(listeners.data?.flatMap((l) => l.roots))],
    },
    {
      key: 'state',
      label: 'state',
      kind: 'choice',
      options: stateChoices,
      renderOption: (o) => <StateBadge state={o as StateChoice} />,
    },
    { key: 'errorCode', label: 'error code', kind: 'text', suggestions: engineErrorCodes },
    { key: 'thread', label: 'thread', kind: 'text', placeholder: 'a thread id' },
    ...(tail
      ? []
      : ([
          { key: 'since', label: 'since', kind: 'time' },
          { key: 'until', label: 'until', kind: 'time' },
        ] satisfies FilterField[])),
  ];
  const values: Record<string, string | null> = {
    to: q.to,
    from: q.from,
    participant: q.participant,
    root: q.root,
    state: q.state,
    errorCode: q.errorCode,
    thread: q.thread,
    since: tail ? null : (q.since?.toISOString() ?? null),
    until: tail ? null : (q.until?.toISOString() ?? null),
  };
  const filtered = Object.values(values).some(Boolean);
  const exportValues = {
    to: q.to,
    from: q.from,
    participant: q.participant,
    state: q.state,
    root: q.root,
    errorCode: q.errorCode,
    thread: q.thread,
    since: q.since,
    until: q.until,
  };
  const clear = () =>
    void setQ({
      to: null,
      from: null,
      participant: null,
      root: null,
      state: null,
      errorCode: null,
      thread: null,
      since: null,
      until: null,
      after: null,
    });
  const items = messages.data?.items ?? [];
  return (
    <div className="max-w-7xl space-y-3">
      <header className="flex flex-wrap items-center justify-between gap-3">
        <h1 className="text-xl font-semibold">Messages</h1>
        {!tail && (
          <ExportLinks
            className="ml-auto"
            label={filtered ? 'Export what matches:' : 'Export all:'}
            links={[
              { href: messagesExportHref(exportValues, 'xml'), format: 'XML' },
              { href: messagesExportHref(exportValues, 'jsonl'), format: 'JSON lines' },
            ]}
          />
        )}
        <Segmented
          label="View"
          options={VIEW_OPTIONS}
          value={q.view}
          onChange={(view) => void setQ({ view, after: null })}
        />
      </header>
      <FilterBar
        fields={fields}
        values={values}
        onChange={(key, value) =>
          void setQ({
            [key]: key === 'since' || key === 'until' ? (value ? new Date(value) : null) : value,
            after: null,
          })
        }
        onClear={clear}
      >
        {!tail && (
          <Button variant="ghost" onClick={() => void messages.refetch()} aria-label="refresh the list">
            <RefreshCw className={`size-4 ${messages.isFetching ? 'animate-spin' : ''}`} aria-hidden />
          </Button>
        )}
      </FilterBar>
      {tail ? (
        <LiveTail filter={tailFilter(filter)} height={TABLE_HEIGHT} />
      ) : shownError(messages) ? (
        <ListError
          error={messages.error}
          onFirstPage={q.after ? () => void setQ({ after: null }) : undefined}
        />
      ) : (
        <>
          <div className="rounded-lg border border-border bg-panel" {...listHold.hold}>
            <DataTable
              label="Messages"
              columns={MESSAGE_COLUMNS}
              rows={items}
              rowKey={(m) => m.id}
              loading={messages.isPending}
              onOpen={(m) => router.push(`/messages/${m.id}`)}
              empty={
                filtered ? (
                  <NoMatches what="messages" onClear={clear} />
                ) : (
                  'The journal is empty. Every message a producer or handler sends is recorded here.'
                )
              }
            />
          </div>
          <KeysetPager
            hasNewer={pages.hasNewer}
            nextCursor={messages.data?.nextCursor}
            onNewer={() => void setQ({ after: pages.newer() })}
            onOlder={(c) => void setQ({ after: pages.older(c) })}
            shown={
              messages.data ? `${formatCountOf(items.length, 'message')}, newest first${note}` : undefined
            }
          />
        </>
      )}
    </div>
  );
}
