'use client';
import { useQuery } from '@tanstack/react-query';
import { ChevronRight } from 'lucide-react';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { ErrorCodeBadge } from '@/components/error-code-badge';
import { IdLink } from '@/components/id-link';
import { TimeAgo } from '@/components/time-ago';
import { Button } from '@/components/ui/button';
import { Skeleton } from '@/components/ui/skeleton';
import { describeError } from '@/lib/engine-error';
import { formatCount } from '@/lib/format';
import { useSession } from '@/lib/session';
import { useTRPC } from '@/lib/trpc';
import type { DeadLetterGroup } from './dead-letter-groups';
import { groupHref, useDeadLetterGroups, useRefusedGroups } from './dead-letter-groups';
import { DeadLetterFilters, useDeadLetterFilters } from './dead-letter-filters';
import { RefusedTag } from './refused-tag';
import { RetryManyDialog } from './retry-many-dialog';
import { codeHint } from './code-hints';
import { TABLE, TD, TH, THEAD, TR } from './table-look';

/** What failed and can I fix it? FAILED entries grouped by listener and error code, biggest first. */
export function DeadLettersPage() {
  const trpc = useTRPC();
  const { can } = useSession();
  const filters = useDeadLetterFilters();
  const filter = { to: filters.to, errorCode: filters.errorCode };
  const filtered = filter.to !== undefined || filter.errorCode !== undefined;
  const groups = useDeadLetterGroups(filter);
  // The pickers offer what exists: every listener, and every code among all dead letters.
  const all = useDeadLetterGroups({});
  const listeners = useQuery(trpc.listeners.list.queryOptions());
  const codes = [...new Set((all.data?.groups ?? []).map((g) => g.errorCode).filter((c) => c !== null))];
  const total = groups.data?.total;
  // Nothing failed at all: no count to read, nothing to filter or retry; the empty state says why.
  const none = !filtered && total === 0;
  return (
    <div className="mx-auto max-w-7xl space-y-4">
      <header className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-xl font-semibold">Dead letters</h1>
          <div className="mt-1 text-sm text-muted">
            {total === undefined ? (
              <Skeleton className="h-4 w-80" />
            ) : none ? (
              'Nothing has failed, or every dead letter was retried or discarded.'
            ) : (
              <>
                <span className="tabular font-medium text-text">{formatCount(total)}</span> failed{' '}
                {total === 1 ? 'entry' : 'entries'}
                {filtered ? ' matching the filters' : ''}, grouped by listener and error code, biggest first.
              </>
            )}
          </div>
        </div>
        {can('operator') && !none && (
          <RetryManyDialog
            filter={filter}
            scope={filtered ? 'the dead letters matching the filters' : 'every dead letter'}
          >
            <Button>Retry many…</Button>
          </RetryManyDialog>
        )}
      </header>
      {!none && (
        <DeadLetterFilters
          listeners={(listeners.data ?? []).map((l) => l.name).sort()}
          codes={codes.sort()}
        />
      )}
      <section aria-label="Dead letter groups" className="rounded-lg border border-border bg-panel">
        {groups.error ? (
          <p className="p-4 text-sm text-failed">{describeError(groups.error)}</p>
        ) : groups.data && groups.data.groups.length === 0 ? (
          <Empty filtered={filtered} onClear={filters.clear} />
        ) : (
          <GroupTable groups={groups.data?.groups} />
        )}
      </section>
    </div>
  );
}

function GroupTable({ groups }: { groups: DeadLetterGroup[] | undefined }) {
  const router = useRouter();
  const refused = useRefusedGroups(groups);
  const biggest = Math.max(1, ...(groups ?? []).map((g) => g.count));
  return (
    <table className={TABLE}>
      <thead className={THEAD}>
        <tr>
          <th className={`${TH} w-[38%]`}>listener · what to do</th>
          <th className={TH}>error code</th>
          <th className={`${TH} w-44 text-right`}>count</th>
          <th className={`${TH} text-right`}>first</th>
          <th className={`${TH} text-right`}>last</th>
          <th className={TH}>sample</th>
          <th className={`${TH} w-8`}>
            <span className="sr-only">open</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {groups === undefined
          ? Array.from({ length: 6 }, (_, i) => (
              <tr key={i} className={TR}>
                {Array.from({ length: 7 }, (_, j) => (
                  <td key={j} className={TD}>
                    <Skeleton className="h-4 w-full" />
                  </td>
                ))}
              </tr>
            ))
          : groups.map((g) => {
              const rejected = refused(g);
              const href = groupHref(g);
              return (
                <tr
                  key={href}
                  className={`${TR} cursor-pointer hover:bg-panel-2`}
                  onClick={(e) => {
                    // Links and buttons inside the row do their own thing.
                    if ((e.target as HTMLElement).closest('a, button')) return;
                    router.push(href);
                  }}
                >
                  {/* max-w-0: the column keeps its share and the hint truncates instead of widening it. */}
                  <td className={`${TD} max-w-0`}>
                    <Link href={href} className="font-medium hover:underline">
                      {g.to ?? <span className="italic">no listener</span>}
                    </Link>
                    {rejected && (
                      <span className="ml-2">
                        <RefusedTag />
                      </span>
                    )}
                    <p className="truncate text-xs text-muted" title={codeHint(g.errorCode, rejected)}>
                      {codeHint(g.errorCode, rejected) ?? ''}
                    </p>
                  </td>
                  <td className={TD}>
                    <ErrorCodeBadge code={g.errorCode} rejected={rejected} />
                  </td>
                  <td className={`${TD} text-right`}>
                    <span className="flex items-center justify-end gap-2">
                      <span
                        aria-hidden
                        className={`h-1.5 rounded-full ${rejected ? 'bg-rejected/50' : 'bg-failed/50'}`}
                        style={{ width: `${Math.max(2, (g.count / biggest) * 96)}px` }}
                      />
                      <span className="tabular w-14 font-medium">{formatCount(g.count)}</span>
                    </span>
                  </td>
                  <td className={`${TD} text-right text-muted`}>
                    <TimeAgo at={g.firstAt} />
                  </td>
                  <td className={`${TD} text-right text-muted`}>
                    <TimeAgo at={g.lastAt} />
                  </td>
                  <td className={TD}>
                    <IdLink id={g.sampleId} href={`/messages/${g.sampleId}`} />
                  </td>
                  <td className={TD}>
                    <ChevronRight className="size-4 text-muted" aria-hidden />
                  </td>
                </tr>
              );
            })}
      </tbody>
    </table>
  );
}

function Empty({ filtered, onClear }: { filtered: boolean; onClear: () => void }) {
  if (filtered)
    return (
      <div className="flex items-center justify-between gap-3 p-6 text-sm">
        <p className="text-muted">No dead letters match these filters.</p>
        <Button onClick={onClear}>Clear filters</Button>
      </div>
    );
  return (
    <p className="p-6 text-sm text-muted">
      No dead letters. Failed deliveries appear here after their retries run out.
    </p>
  );
}
