'use client';
import { isIdPrefix, ShortIdLookup } from '@/components/short-id-lookup';
import { isUuidV4, THREAD_HOPS_MAX, THREAD_HOPS_STEP } from '@organism/shared';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ChevronsUp, OctagonX } from 'lucide-react';
import Link from 'next/link';
import { parseAsInteger, parseAsString, useQueryState } from 'nuqs';
import { useMemo } from 'react';
import { toast } from 'sonner';
import { CopyButton } from '@/components/copy-button';
import { TimeAgo } from '@/components/time-ago';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { Missing } from '@/components/missing';
import { OrchestrationPanel } from './orchestration-panel';
import { Skeleton } from '@/components/ui/skeleton';
import { describeError, describeLoadError, shownError } from '@/lib/engine-error';
import { formatCount, formatCountOf, formatDuration, plural } from '@/lib/format';
import { useSession } from '@/lib/session';
import { messagesHref } from '@/lib/url-filters';
import { useTRPC } from '@/lib/trpc';
import { useLiveRefresh } from '@/lib/use-live-refresh';
import { HopDetail } from './hop-detail';
import { SequenceDiagram, participantsOf } from './sequence-diagram';
import { ThreadStatusBadge, threadStatusOf } from './thread-status';

/**
 * On wide screens the diagram and the selected hop sit side by side, each filling the screen below the header
 * and scrolling inside itself; below 1536 px the diagram takes the whole width (room for 7 or more lifelines)
 * and the hop follows it.
 */
const SIDE_BY_SIDE = 'grid items-start gap-4 2xl:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]';
const FILL = '2xl:max-h-[max(420px,calc(100vh_-_13.5rem))]';

/** What happened in this conversation? Its hops as a sequence diagram, each hop's XML and history; kill. */
export function ThreadPage({ id }: { id: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { can } = useSession();
  const [hop, setHop] = useQueryState('hop', parseAsString);
  // How many of its latest hops a long thread shows: more are asked for 500 at a time, kept in the URL.
  const [asked, setAsked] = useQueryState('hops', parseAsInteger.withDefault(THREAD_HOPS_STEP));
  const hopsShown = Math.min(THREAD_HOPS_MAX, Math.max(THREAD_HOPS_STEP, asked));
  // The diagram stays while more of it loads.
  const thread = useQuery(
    trpc.threads.byId.queryOptions({ id, hops: hopsShown }, { placeholderData: keepPreviousData }),
  );
  const listeners = useQuery(trpc.listeners.list.queryOptions(undefined, { staleTime: 60_000 }));
  const listenerNames = useMemo(() => new Set(listeners.data?.map((l) => l.name)), [listeners.data]);

  // Live: a transition of this thread refreshes it (and the hop on screen); nothing polls.
  useLiveRefresh(
    (t) => t.threadId === id,
    () => {
      void queryClient.invalidateQueries({ queryKey: trpc.threads.byId.queryKey({ id }) });
      if (hop) void queryClient.invalidateQueries({ queryKey: trpc.messages.byId.queryKey({ id: hop }) });
    },
    500,
  );

  const kill = useMutation(
    trpc.threads.kill.mutationOptions({
      onSuccess: ({ stopped }) => {
        toast.success(
          stopped === 0
            ? 'Thread killed; nothing was left to stop.'
            : `Thread killed: ${formatCountOf(stopped, 'delivery', 'deliveries')} stopped (KILLED).`,
        );
        void queryClient.invalidateQueries({ queryKey: trpc.threads.byId.queryKey({ id }) });
        // The hop on screen says KILLED with the diagram, not when the stream next mentions the thread.
        void queryClient.invalidateQueries({ queryKey: trpc.messages.byId.pathKey() });
      },
      onError: (err) => toast.error(describeError(err)),
    }),
  );

  const unread = shownError(thread);
  if (unread)
    return (
      <Missing title="Thread" href="/threads" label="All threads">
        {isUuidV4(id) ? (
          describeLoadError(
            unread,
            `No thread ${id}: it may never have existed, or its messages were pruned by retention.`,
          )
        ) : isIdPrefix(id) ? (
          <ShortIdLookup kind="thread" prefix={id} />
        ) : (
          `“${id}” is not a thread id: a thread id is a UUID, such as the ones in the list.`
        )}
      </Missing>
    );
  const t = thread.data;
  if (!t)
    return (
      <div className="space-y-4">
        <Skeleton className="h-8 w-[28rem]" />
        <div className={SIDE_BY_SIDE}>
          <Skeleton className="h-[420px] w-full" />
          <Skeleton className="h-[420px] w-full" />
        </div>
      </div>
    );

  const hops = t.messages;
  // A long thread's hops are its latest: its counts, status and start are the whole thread's summary's.
  const whole = t.summary;
  const total = whole?.messages ?? hops.length;
  const earlier = Math.max(0, total - hops.length);
  const status = whole?.status ?? threadStatusOf(hops);
  const people = participantsOf(hops);
  const participants = whole ? Math.max(whole.participants.length, people.length) : people.length;
  const failed = whole?.failed ?? hops.filter((m) => m.state === 'FAILED').length;
  const first = hops[0];
  const startedAt = whole?.firstAt ?? first?.createdAt;
  const fallback = hops.find((m) => m.state === 'FAILED') ?? first;
  const selected = hops.find((m) => m.id === hop) ?? fallback;
  const selectedIndex = selected ? hops.indexOf(selected) : -1;
  return (
    <div className="max-w-[1600px] space-y-4">
      <header className="flex flex-wrap items-start justify-between gap-3">
        <div className="min-w-0">
          <div className="flex flex-wrap items-center gap-1">
            <h1 className="flex flex-wrap items-center gap-3 text-xl font-semibold">
              <span>Thread</span>
              <span className="font-mono text-base" title={t.id}>
                {t.id}
              </span>
              <ThreadStatusBadge status={status} />
            </h1>
            <CopyButton text={t.id} label="" what="thread id" quiet />
          </div>
          <p className="mt-1 flex flex-wrap gap-x-2 text-sm text-muted">
            <span>
              <span className="tabular text-text">{formatCount(total)}</span> {plural(total, 'hop')}
              {t.truncated && ` (the latest ${formatCount(hops.length)} shown)`}
            </span>
            <span>
              · <span className="tabular text-text">{participants}</span>{' '}
              {plural(participants, 'participant')}
            </span>
            {failed > 0 && (
              <span>
                · <span className="tabular text-failed">{formatCount(failed)}</span> failed
              </span>
            )}
            {startedAt !== undefined && (
              <span>
                · started <TimeAgo at={startedAt} />
              </span>
            )}
            {startedAt !== undefined && (
              <span>
                · {status === 'active' ? 'running for' : 'took'}{' '}
                <span className="tabular">
                  {formatDuration(Math.max(...hops.map((m) => m.updatedAt)) - startedAt)}
                </span>
              </span>
            )}
            <span>
              ·{' '}
              <Link href={messagesHref({ thread: t.id })} className="text-accent underline">
                its messages in the list
              </Link>
            </span>
          </p>
        </div>
        {status === 'active' && can('operator') && (
          <ConfirmDialog
            title="Kill this thread?"
            body="Its queued deliveries fail as KILLED and the outputs of handlers still running are dropped. This cannot be undone."
            confirm="Kill thread"
            onConfirm={() => kill.mutate({ id })}
          >
            <Button variant="danger" disabled={kill.isPending}>
              <OctagonX className="size-4" aria-hidden /> Kill
            </Button>
          </ConfirmDialog>
        )}
      </header>
      <OrchestrationPanel threadId={t.id} />
      <div className={SIDE_BY_SIDE}>
        <section
          aria-label="Sequence diagram"
          className="min-w-0 overflow-hidden rounded-lg border border-border bg-panel"
        >
          <SequenceDiagram
            hops={hops}
            earlier={earlier}
            before={
              t.truncated && (
                <EarlierHops
                  threadId={t.id}
                  hidden={earlier}
                  loading={thread.isPlaceholderData}
                  onMore={
                    hopsShown < THREAD_HOPS_MAX
                      ? () => void setAsked(Math.min(THREAD_HOPS_MAX, hopsShown + THREAD_HOPS_STEP))
                      : undefined
                  }
                />
              )
            }
            selected={selected?.id ?? null}
            onSelect={(h) => void setHop(h)}
            listeners={listenerNames}
            className={`max-h-[55vh] ${FILL}`}
          />
        </section>
        <section
          aria-label="Selected hop"
          className={`min-w-0 overflow-auto rounded-lg border border-border bg-panel p-4 ${FILL}`}
        >
          {selected ? (
            <HopDetail id={selected.id} index={earlier + selectedIndex} />
          ) : (
            <p className="text-sm text-muted">Select a hop to read its XML and history.</p>
          )}
        </section>
      </div>
    </div>
  );
}

/**
 * Above the first hop of a long thread: how many earlier hops are not shown, and a button for 500 more. At
 * the most the diagram draws (THREAD_HOPS_MAX), it links the messages list of the thread, which pages them all.
 */
function EarlierHops({
  threadId,
  hidden,
  loading,
  onMore,
}: {
  threadId: string;
  hidden: number;
  loading: boolean;
  onMore: (() => void) | undefined;
}) {
  const count = hidden > 0 ? `${formatCountOf(hidden, 'earlier hop')} not shown` : 'Earlier hops not shown';
  return (
    <p className="flex flex-wrap items-center gap-x-3 gap-y-1 bg-panel px-2.5 py-2 text-xs text-muted">
      <span>{count}</span>
      {onMore ? (
        <Button className="h-7 px-2 text-xs" onClick={onMore} disabled={loading}>
          <ChevronsUp className="size-3.5" aria-hidden />
          {loading
            ? 'Loading…'
            : `Show ${formatCount(hidden > 0 ? Math.min(hidden, THREAD_HOPS_STEP) : THREAD_HOPS_STEP)} earlier`}
        </Button>
      ) : (
        <span>
          the diagram shows the latest {formatCount(THREAD_HOPS_MAX)} of a thread;{' '}
          <Link href={messagesHref({ thread: threadId })} className="text-accent underline">
            the messages list
          </Link>{' '}
          pages them all
        </span>
      )}
    </p>
  );
}
