'use client';
import type { MessageSummary } from '@organism/shared';
import { useQuery } from '@tanstack/react-query';
import { ChevronLeft, RotateCcw, Trash2, TriangleAlert } from 'lucide-react';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { parseAsBoolean, parseAsString, useQueryStates } from 'nuqs';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { ErrorCodeBadge } from '@/components/error-code-badge';
import { HeldRowsNote } from '@/components/held-rows-note';
import { IdLink } from '@/components/id-link';
import { NeedsRole } from '@/components/role-gate';
import { TimeAgo } from '@/components/time-ago';
import { Button } from '@/components/ui/button';
import { CellNote } from '@/components/ui/cell-note';
import { actionsColumn, DataTable } from '@/components/ui/data-table';
import type { DataColumn } from '@/components/ui/data-table';
import { Panel } from '@/components/ui/panel';
import { Skeleton } from '@/components/ui/skeleton';
import { describeError, shownError } from '@/lib/engine-error';
import { withoutListener, wordsFirst } from '@/lib/error-detail';
import { formatCount, plural, rootName } from '@/lib/format';
import { isRejected } from '@/lib/outcome';
import { useSession } from '@/lib/session';
import { useTRPC } from '@/lib/trpc';
import { keyset, keysetParsers } from '@/lib/url-filters';
import { useHeldRows } from '@/lib/use-held-rows';
import { allRefused, listPlaceHref, useDeadLetterGroups } from './dead-letter-groups';
import { codeHint } from './code-hints';
import { JustRetried } from './just-retried';
import { RefusedTag } from './refused-tag';
import { BulkActionDialog } from './bulk-action-dialog';
import { RowActions } from './row-actions';
import type { Retried } from './use-retried';
import { useRetriedFollower } from './retried-tally';
import { useRetried } from './use-retried';

const PAGE = 50;

/** One group of dead letters: its messages (newest first, keyset pages), each retried or discarded. */
export function DeadLetterGroupPage() {
  const [key] = useQueryStates({
    to: parseAsString,
    errorCode: parseAsString,
    rejected: parseAsBoolean.withDefault(false),
  });
  // `rejected` is the group of input refused before it named any listener (`to: null`).
  const noListener = key.rejected;
  const to = noListener ? undefined : (key.to ?? undefined);
  const errorCode = key.errorCode ?? undefined;
  const { can } = useSession();
  const groups = useDeadLetterGroups({ to, errorCode });
  const group = groups.data?.groups.find(
    (g) => g.to === (noListener ? null : to) && g.errorCode === (errorCode ?? null),
  );
  // Refused input only: nothing to retry. Some refused among deliveries: retry takes the deliveries.
  const rejected = noListener || (group !== undefined && allRefused(group));
  const someRefused = !rejected && group !== undefined && group.refused > 0 ? group.refused : 0;
  const retried = useRetried();
  const { add } = retried;
  const onRetried = useCallback((m: Retried) => add([m]), [add]);
  // The last "Retry all": how many it queued, and where they are now.
  const follower = useRetriedFollower();
  const operator = can('operator');
  // A bulk action takes the group by its listener (`null`: input that named none) and its code.
  const recipient = noListener ? null : to;
  // Offered while the group is read; an empty group's buttons are disabled, and a dialog already open
  // stays (its confirmation says nothing matched any more), instead of vanishing under the pointer.
  const bulk = operator && groups.data !== undefined && errorCode !== undefined;
  // Whether this page saw the group: once gone, it was emptied; never seen, the address names none.
  const seen = useRef(false);
  if (group) seen.current = true;
  const groupScope = `every dead letter ${noListener ? 'that named no listener' : `to ${to ?? '?'}`} with ${errorCode ?? 'no code'}`;
  const title = noListener ? 'No listener' : (to ?? 'Dead letters');
  // Back to the list as it was left: its filters, kept by the list for this tab.
  const [back, setBack] = useState('/dead-letters');
  useEffect(() => setBack(listPlaceHref()), []);
  return (
    <div className="max-w-7xl space-y-4">
      <Link href={back} className="inline-flex items-center gap-1 text-sm text-muted hover:text-text">
        <ChevronLeft className="size-4" aria-hidden /> Dead letters
      </Link>
      <header className="flex flex-wrap items-start justify-between gap-3">
        <div className="min-w-0">
          <h1 className="flex flex-wrap items-center gap-3 text-xl font-semibold">
            <span>{title}</span>
            <ErrorCodeBadge code={errorCode ?? null} rejected={rejected} />
            {rejected && <RefusedTag />}
            {someRefused > 0 && <RefusedTag count={someRefused} />}
          </h1>
          <div className="mt-1 flex flex-wrap items-center gap-x-2 text-sm text-muted">
            {groups.data === undefined && groups.error ? (
              <span className="text-failed">{describeError(groups.error)}</span>
            ) : groups.data === undefined ? (
              <Skeleton className="h-4 w-72" />
            ) : group ? (
              <>
                <span>
                  <span className="tabular font-medium text-text">{formatCount(group.count)}</span>{' '}
                  {plural(group.count, 'dead letter')}
                </span>
                <span>
                  · first <TimeAgo at={group.firstAt} />
                </span>
                <span>
                  · last <TimeAgo at={group.lastAt} />
                </span>
                {to && (
                  <span>
                    ·{' '}
                    <Link
                      href={`/listeners/${encodeURIComponent(to)}`}
                      className="text-accent hover:underline"
                    >
                      open the listener&apos;s contract
                    </Link>
                  </span>
                )}
              </>
            ) : seen.current ? (
              <span>None left: they were retried or discarded.</span>
            ) : (
              <span>
                No dead letters {noListener ? 'that named no listener' : `to ${to ?? '?'}`} with{' '}
                {errorCode ?? 'no code'}.{' '}
                <Link href="/dead-letters" className="text-accent hover:underline">
                  See every group
                </Link>
              </span>
            )}
          </div>
          {!rejected && codeHint(errorCode ?? null, false) && (
            <p className="mt-1 text-sm">{codeHint(errorCode ?? null, false)}</p>
          )}
        </div>
        {bulk && (
          <div className="flex gap-2">
            <BulkActionDialog action="discard" filter={{ to: recipient, errorCode }} scope={groupScope}>
              <Button disabled={!group}>
                <Trash2 className="size-4" aria-hidden /> Discard all…
              </Button>
            </BulkActionDialog>
            {!rejected && (
              <BulkActionDialog
                action="retry"
                filter={{ to: recipient, errorCode }}
                scope={groupScope}
                follower={follower}
                onDone={(sample) => retried.add(sample)}
              >
                <Button disabled={!group}>
                  <RotateCcw className="size-4" aria-hidden /> Retry all…
                </Button>
              </BulkActionDialog>
            )}
          </div>
        )}
        {!operator && <NeedsRole>Retrying and discarding need the operator role.</NeedsRole>}
      </header>
      {rejected && (
        <p className="flex items-start gap-2 rounded-lg border border-rejected/40 bg-rejected/5 p-3 text-sm">
          <TriangleAlert className="mt-0.5 size-4 shrink-0 text-rejected" aria-hidden />
          <span>
            Refused at intake{to ? `, addressed to ${to}` : ''}: these never reached a listener, so there is
            nothing to retry. Open one to read the raw input with its problems at their line, fix it at the
            sender and send it again; discard what is no longer needed.
          </span>
        </p>
      )}
      {someRefused > 0 && (
        <p className="flex items-start gap-2 rounded-lg border border-rejected/40 bg-rejected/5 p-3 text-sm">
          <TriangleAlert className="mt-0.5 size-4 shrink-0 text-rejected" aria-hidden />
          <span>
            {formatCount(someRefused)} of them {someRefused === 1 ? 'was' : 'were'} refused at intake
            {to ? `, addressed to ${to}` : ''}: {someRefused === 1 ? 'it' : 'they'} never reached a listener,
            so retrying leaves {someRefused === 1 ? 'it' : 'them'} out. Open one to read its raw input with
            its problems at their line.
          </span>
        </p>
      )}
      <GroupMessages
        to={to}
        errorCode={errorCode}
        noListener={noListener}
        rejected={rejected}
        operator={operator}
        onRetried={onRetried}
        emptied={seen.current}
      />
      {/* Under the list, not over it: appearing above, it pushed every row down from under the pointer,
          which then left the held rows and let the newer ones in above the next click. */}
      {retried.items.length > 0 && <JustRetried items={retried.items} follower={follower} />}
    </div>
  );
}

function GroupMessages({
  to,
  errorCode,
  noListener,
  rejected,
  operator,
  onRetried,
  emptied,
}: {
  to: string | undefined;
  errorCode: string | undefined;
  noListener: boolean;
  rejected: boolean;
  operator: boolean;
  onRetried: (m: Retried) => void;
  /** The page saw the group before it went: it was emptied (else the address names none). */
  emptied: boolean;
}) {
  const trpc = useTRPC();
  // Keyset pages in the URL, as every list keeps them: back from a message returns to this page.
  const [q, setQ] = useQueryStates(keysetParsers);
  const pages = keyset(q.after);
  const cursor = pages.cursor;
  const page = useQuery(
    trpc.journal.list.queryOptions(
      { state: 'FAILED', to: noListener ? null : to, errorCode, limit: PAGE, cursor },
      { placeholderData: (prev) => prev },
    ),
  );
  // The journal filters by listener (`null`: none) and code; a group without a code is the entries that
  // have none (the list cannot ask for "no code", so such a page is narrowed here).
  const fresh = page.data?.items.filter((m) => errorCode !== undefined || m.errorCode === null);
  // New failures come in at the top: held while the pointer is on the rows.
  const { rows: items, waiting, hold } = useHeldRows(fresh, (m) => m.id, cursor ?? '');
  const next = page.data?.nextCursor ?? null;
  const router = useRouter();
  // Made again only when what they show changes: a table redraws every row whose columns are new, and
  // this list is live.
  const columns = useMemo(
    () => messageColumns({ rejected, noListener, operator, onRetried }),
    [rejected, noListener, operator, onRetried],
  );
  return (
    <Panel
      title="Messages"
      actions={
        <div className="flex items-center gap-1">
          <Button
            variant="ghost"
            className="h-7 px-2 text-xs"
            disabled={!pages.hasNewer}
            onClick={() => void setQ({ after: pages.newer() })}
          >
            Newer
          </Button>
          <Button
            variant="ghost"
            className="h-7 px-2 text-xs"
            disabled={next === null}
            onClick={() => next !== null && void setQ({ after: pages.older(next) })}
          >
            Older
          </Button>
        </div>
      }
      className="[&>div]:p-0"
    >
      {shownError(page) ? (
        <p className="p-4 text-sm text-failed">{describeError(page.error)}</p>
      ) : (
        <div {...hold}>
          <DataTable
            label="Messages of the group"
            columns={columns}
            rows={items ?? []}
            rowKey={(m) => m.id}
            loading={items === undefined}
            onOpen={(m) => router.push(`/messages/${m.id}`)}
            empty={
              cursor
                ? 'Nothing on this page; go newer or older.'
                : emptied
                  ? 'None left in this group: they were retried or discarded.'
                  : 'No dead letters in this group now. New failures of this listener with this code appear here as they come.'
            }
          />
          <HeldRowsNote waiting={waiting} what="newer dead letter" />
        </div>
      )}
    </Panel>
  );
}

function messageColumns({
  rejected,
  noListener,
  operator,
  onRetried,
}: {
  rejected: boolean;
  /** Input that named no listener of the organism: what it was addressed to is worth a column. */
  noListener: boolean;
  operator: boolean;
  onRetried: (m: Retried) => void;
}): DataColumn<MessageSummary>[] {
  const columns: DataColumn<MessageSummary>[] = [
    {
      id: 'id',
      header: 'message',
      width: 120,
      cell: (m) => <IdLink id={m.id} href={`/messages/${m.id}`} />,
    },
    {
      id: 'thread',
      header: 'thread',
      width: 120,
      from: 'xl',
      cell: (m) => (m.threadId ? <IdLink id={m.threadId} href={`/threads/${m.threadId}`} /> : '—'),
    },
    {
      id: 'from',
      header: 'from',
      width: 128,
      // Below 1280 px the error's line needs the room more (its message page names the sender).
      from: 'xl',
      cell: (m) => <span title={m.from ?? undefined}>{m.from ?? '—'}</span>,
    },
    {
      id: 'root',
      header: 'root',
      width: 152,
      // Mostly the same root throughout a group: below 1536 px what went wrong needs the room more.
      from: '2xl',
      cell: (m) => (
        <span className="font-mono text-xs" title={m.root ?? undefined}>
          {m.root ? `<${rootName(m.root)}>` : '—'}
        </span>
      ),
    },
    {
      // What the handler threw (or why the input was refused), so that a group can be read without
      // opening each message; the message page has all of it.
      id: 'error',
      header: 'error',
      cell: (m) => {
        const line = withoutListener(m.errorLine, m.to);
        return <CellNote text={line && isRejected(m) ? wordsFirst(line) : line} />;
      },
    },
  ];
  // Refused input had no attempt; the heading names a group's listener, so only input that named none
  // shows what it was addressed to.
  if (noListener) columns.push({ id: 'to', header: 'addressed to', width: 160, cell: (m) => m.to ?? '—' });
  if (!rejected)
    columns.push({
      id: 'attempts',
      header: 'attempts',
      width: 104,
      numeric: true,
      // A group can hold refused input beside deliveries (a code both give): it had no attempt.
      cell: (m) => (isRejected(m) ? <RefusedTag /> : m.attempts),
    });
  columns.push({
    id: 'failed',
    header: 'failed',
    width: 104,
    numeric: true,
    cell: (m) => (
      <span className="text-muted">
        <TimeAgo at={m.updatedAt} />
      </span>
    ),
  });
  if (operator)
    columns.push(
      actionsColumn(
        184,
        // Keyed by attempt: one retried that failed again is a new dead letter, to retry again.
        (m) => <RowActions key={`${m.id}:${m.attempts}`} message={m} onRetried={onRetried} />,
        { numeric: true },
      ),
    );
  return columns;
}
