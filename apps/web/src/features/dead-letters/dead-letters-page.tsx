'use client';
import { RotateCcw, Trash2 } from 'lucide-react';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import type { ReactNode } from 'react';
import { useEffect, useMemo } from 'react';
import { ErrorCodeBadge } from '@/components/error-code-badge';
import { NoMatches } from '@/components/filter-bar';
import { HeldRowsNote } from '@/components/held-rows-note';
import { IdLink } from '@/components/id-link';
import { AGO_WIDTH, TimeAgo } from '@/components/time-ago';
import { Button } from '@/components/ui/button';
import { CellNote } from '@/components/ui/cell-note';
import { DataTable } from '@/components/ui/data-table';
import type { DataColumn } from '@/components/ui/data-table';
import { Skeleton } from '@/components/ui/skeleton';
import { describeError, shownError } from '@/lib/engine-error';
import { formatCount } from '@/lib/format';
import { useSession } from '@/lib/session';
import { useHeldRows } from '@/lib/use-held-rows';
import type { DeadLetterGroup } from './dead-letter-groups';
import { allRefused, groupHref, rememberListPlace, useDeadLetterGroups } from './dead-letter-groups';
import { DeadLetterFilters, useDeadLetterFilters } from './dead-letter-filters';
import { RefusedTag } from './refused-tag';
import { BulkActionDialog } from './bulk-action-dialog';
import { codeHint } from './code-hints';
import { RetriedMany } from './just-retried';
import { useRetriedFollower } from './retried-tally';

/** What failed and can I fix it? FAILED entries grouped by listener and error code, biggest first. */
export function DeadLettersPage() {
  const { can } = useSession();
  const filters = useDeadLetterFilters();
  // A group opened from here leads back to the list with these filters.
  useEffect(() => rememberListPlace(window.location.search), [filters.to, filters.errorCode]);
  const filter = { to: filters.to, errorCode: filters.errorCode };
  const filtered = filter.to !== undefined || filter.errorCode !== undefined;
  const groups = useDeadLetterGroups(filter);
  // The pickers offer what the dead letters carry: their listeners (one a reload removed among them, whose
  // stranded work is a usual case) and their codes.
  const all = useDeadLetterGroups({});
  const carried = all.data?.groups ?? [];
  const listeners = [...new Set(carried.map((g) => g.to).filter((t) => t !== null))];
  const codes = [...new Set(carried.map((g) => g.errorCode).filter((c) => c !== null))];
  const total = groups.data?.total;
  // Nothing failed at all: no count to read, nothing to filter or retry; the empty state says why.
  const none = !filtered && total === 0;
  const scope = filtered ? 'the dead letters matching the filters' : 'every dead letter';
  // Filters that match nothing leave nothing to retry or discard: the buttons stay, disabled, saying why.
  const noMatch = filtered && total === 0;
  const nothingTo = noMatch ? 'No dead letter matches the filters.' : undefined;
  const allTotal = all.data?.total;
  // The last "Retry many", followed below the list.
  const follower = useRetriedFollower();
  return (
    <div className="max-w-7xl space-y-4">
      <header className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-xl font-semibold">Dead letters</h1>
          <div className="mt-1 text-sm text-muted">
            {total === undefined ? (
              <Skeleton className="h-4 w-80" />
            ) : none ? (
              'Nothing has failed, or every dead letter was retried or discarded.'
            ) : noMatch ? (
              // An empty result is an empty state, not a count of nothing: what there is besides.
              allTotal === undefined || allTotal === 0 ? (
                'No dead letters at all: failed deliveries appear here after their retries run out.'
              ) : (
                <>
                  <span className="tabular font-medium text-text">{formatCount(allTotal)}</span>{' '}
                  {allTotal === 1 ? 'dead letter' : 'dead letters'} in all, none of them matching the filters.
                </>
              )
            ) : (
              <>
                <span className="tabular font-medium text-text">{formatCount(total)}</span>{' '}
                {total === 1 ? 'dead letter' : 'dead letters'}
                {filtered ? ' matching the filters' : ''}, grouped by listener and error code, biggest first.
              </>
            )}
          </div>
        </div>
        {can('operator') && !none && (
          <div className="flex gap-2">
            <BulkActionDialog action="discard" filter={filter} scope={scope}>
              <Button disabled={noMatch} title={nothingTo}>
                <Trash2 className="size-4" aria-hidden /> Discard many…
              </Button>
            </BulkActionDialog>
            <BulkActionDialog action="retry" filter={filter} scope={scope} follower={follower}>
              <Button disabled={noMatch} title={nothingTo}>
                <RotateCcw className="size-4" aria-hidden /> Retry many…
              </Button>
            </BulkActionDialog>
          </div>
        )}
      </header>
      {!none && <DeadLetterFilters listeners={listeners.sort()} codes={codes.sort()} />}
      <section aria-label="Dead letter groups" className="rounded-lg border border-border bg-panel">
        {shownError(groups) ? (
          <p className="p-4 text-sm text-failed">{describeError(groups.error)}</p>
        ) : (
          <GroupTable
            groups={groups.data?.groups}
            scope={JSON.stringify(filter)}
            empty={
              filtered ? (
                <NoMatches what="dead letters" onClear={filters.clear} />
              ) : (
                'No dead letters. Failed deliveries appear here after their retries run out.'
              )
            }
          />
        )}
      </section>
      <RetriedMany follower={follower} />
    </div>
  );
}

/** The widest bar: the size column's 72 px less a cell's padding (21). */
const BAR = 48;

/** One group's size beside the biggest: red for deliveries, amber for refused input. */
function CountBar({ g, biggest }: { g: DeadLetterGroup; biggest: number }) {
  const width = Math.max(2, (g.count / biggest) * BAR);
  const amber = (g.refused / g.count) * width;
  const share = `${Math.round((g.count / biggest) * 100)}% of the biggest group`;
  return (
    <span
      role="img"
      aria-label={g.refused > 0 ? `${share}, ${formatCount(g.refused)} refused at intake` : share}
      className="ml-auto flex h-1.5 overflow-hidden rounded-full"
      style={{ width }}
    >
      <span className="h-full bg-failed/50" style={{ width: width - amber }} />
      <span className="h-full bg-rejected/50" style={{ width: amber }} />
    </span>
  );
}

function groupColumns(biggest: number): DataColumn<DeadLetterGroup>[] {
  return [
    {
      id: 'listener',
      header: 'listener',
      width: 208,
      cell: (g) => (
        <span className="flex min-w-0 items-center gap-2">
          <Link href={groupHref(g)} className="truncate font-medium hover:underline">
            {g.to ?? <span className="italic">no listener</span>}
          </Link>
          {g.refused > 0 && <RefusedTag count={allRefused(g) ? undefined : g.refused} />}
        </span>
      ),
    },
    {
      id: 'code',
      header: 'error code',
      // REDELIVERY_EXHAUSTED's badge, the longest code a dead letter can have.
      width: 184,
      cell: (g) => <ErrorCodeBadge code={g.errorCode} rejected={allRefused(g)} />,
    },
    {
      id: 'hint',
      header: 'what to do',
      from: 'lg',
      cell: (g) => <CellNote text={codeHint(g.errorCode, allRefused(g))} />,
    },
    {
      id: 'size',
      header: <span className="sr-only">size</span>,
      width: 72,
      numeric: true,
      // Below 1280 px what to do needs the room more: the count says it.
      from: 'xl',
      cell: (g) => <CountBar g={g} biggest={biggest} />,
    },
    {
      id: 'count',
      header: 'count',
      width: 72,
      numeric: true,
      cell: (g) => <span className="font-medium">{formatCount(g.count)}</span>,
    },
    {
      id: 'first',
      header: 'first',
      width: AGO_WIDTH,
      numeric: true,
      // The group's page says it too; below 1536 px the hint needs the room more.
      from: '2xl',
      cell: (g) => (
        <span className="text-muted">
          <TimeAgo at={g.firstAt} />
        </span>
      ),
    },
    {
      id: 'last',
      header: 'last',
      width: AGO_WIDTH,
      numeric: true,
      cell: (g) => (
        <span className="text-muted">
          <TimeAgo at={g.lastAt} />
        </span>
      ),
    },
    {
      id: 'sample',
      header: 'newest',
      width: 104,
      // The group's page lists it first; below 1280 px what to do needs the room more.
      from: 'xl',
      cell: (g) => <IdLink id={g.sampleId} href={`/messages/${g.sampleId}`} />,
    },
  ];
}

function GroupTable({
  groups,
  scope,
  empty,
}: {
  groups: DeadLetterGroup[] | undefined;
  /** The filters: another list, shown at once even while held. */
  scope: string;
  empty: ReactNode;
}) {
  const router = useRouter();
  // Biggest first, and counts grow as failures come: held in place while the pointer is on them.
  const { rows, waiting, hold } = useHeldRows(groups, groupHref, scope);
  const biggest = Math.max(1, ...(rows ?? []).map((g) => g.count));
  const columns = useMemo(() => groupColumns(biggest), [biggest]);
  return (
    <div {...hold}>
      <DataTable
        label="Dead letter groups"
        columns={columns}
        rows={rows ?? []}
        rowKey={groupHref}
        loading={rows === undefined}
        onOpen={(g) => router.push(groupHref(g))}
        empty={empty}
      />
      <HeldRowsNote waiting={waiting} what="new group" />
    </div>
  );
}
