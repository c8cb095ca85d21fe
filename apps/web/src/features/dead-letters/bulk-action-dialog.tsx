'use client';
import type { MessageFilter, MessageSummary } from '@organism/shared';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Dialog } from 'radix-ui';
import type { ReactNode } from 'react';
import { useState } from 'react';
import { TriangleAlert } from 'lucide-react';
import { toast } from 'sonner';
import { ErrorCodeBadge } from '@/components/error-code-badge';
import { IdLink } from '@/components/id-link';
import { TimeAgo } from '@/components/time-ago';
import { Button } from '@/components/ui/button';
import { SkeletonRows } from '@/components/ui/skeleton';
import { describeError } from '@/lib/engine-error';
import { formatCount, formatCountOf } from '@/lib/format';
import { isRejected } from '@/lib/outcome';
import { useTRPC } from '@/lib/trpc';
import { useSingleFlight } from '@/lib/single-flight';
import { codeHint, failingAgain } from './code-hints';
import { useDeadLetterGroups } from './dead-letter-groups';
import type { RetriedFollower } from './retried-tally';

const SAMPLE = 5;

/** What each bulk action says, and the button that confirms it. */
const WORDS = {
  retry: {
    title: 'Retry dead letters',
    dry: 'retrying',
    none: 'Nothing to retry: no dead letter matches. Refused input is never retried; fix it and send it again.',
    would: 'would be queued again, each as a new attempt.',
    confirm: 'Retry',
    running: 'Retrying…',
    done: (n: number) =>
      `Queued ${formatCountOf(n, 'dead letter')} again, each a new attempt; any that fail again come back as dead letters.`,
    gone: 'Nothing was retried: no dead letter matched any more.',
    variant: 'primary',
  },
  discard: {
    title: 'Discard dead letters',
    dry: 'discarding',
    none: 'Nothing to discard: no dead letter matches.',
    would: 'would be removed from the journal for good; the event log keeps a DISCARDED transition for each.',
    confirm: 'Discard',
    running: 'Discarding…',
    done: (n: number) => `Discarded ${formatCountOf(n, 'dead letter')}.`,
    gone: 'Nothing was discarded: no dead letter matched any more.',
    variant: 'danger',
  },
} as const;

/**
 * Retry many or discard many: opening it runs a dry run (what the action would take: a count and a sample),
 * and only the operator's confirmation runs it. Refused input is never retried (the engine has no route to
 * retry it with); a discard takes it with the rest.
 */
export function BulkActionDialog({
  action,
  filter,
  scope,
  follower,
  onDone,
  children,
}: {
  action: 'retry' | 'discard';
  /** The dead letters it takes: `to: null` is those addressed to no one. */
  filter: Pick<MessageFilter, 'to' | 'errorCode'>;
  /** What the filter means, in words: "the dead letters matching the filters". */
  scope: string;
  /**
   * Counts where a retry's dead letters are as they fare: told as the retry is sent (its first transitions
   * may come before its answer), then its ids, or that there are none to count (refused, the engine
   * unreachable, or an engine from before bulk retries answered their ids).
   */
  follower?: RetriedFollower;
  /** Told the oldest few of what was taken (the retried ones, followed on the group's page). */
  onDone?: (sample: MessageSummary[], count: number) => void;
  children: ReactNode;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const words = WORDS[action];
  const procedure = action === 'retry' ? trpc.journal.retryMany : trpc.journal.discardMany;
  const input = { filter: { ...filter, state: 'FAILED' as const } };
  const dry = useMutation(procedure.mutationOptions());
  const run = useMutation(
    procedure.mutationOptions({
      onSuccess: (res) => {
        toast.success(res.count === 0 ? words.gone : words.done(res.count));
        const ids = 'ids' in res ? res.ids : undefined;
        if (ids) follower?.follow(ids, res.count);
        else follower?.abandon();
        onDone?.(res.sample.slice(0, SAMPLE), res.count);
        void queryClient.invalidateQueries({ queryKey: trpc.journal.pathKey() });
        setOpen(false);
      },
      onError: (err) => {
        follower?.abandon();
        toast.error(describeError(err));
      },
    }),
  );
  const runOnce = useSingleFlight(
    (variables: Parameters<typeof run.mutate>[0], options: { onSettled: () => void }) => {
      follower?.sending();
      run.mutate(variables, options);
    },
  );
  const onOpenChange = (next: boolean) => {
    setOpen(next);
    if (next) {
      run.reset();
      dry.mutate({ ...input, dryRun: true });
    }
  };
  const preview = dry.data;
  // What a retry would take that fails the same way again, from the groups the page reads anyway.
  const groups = useDeadLetterGroups({
    ...(filter.to ? { to: filter.to } : {}),
    ...(filter.errorCode ? { errorCode: filter.errorCode } : {}),
  });
  const again =
    action === 'retry' && open && filter.to !== null ? failingAgain(groups.data?.groups ?? []) : [];
  return (
    <Dialog.Root open={open} onOpenChange={onOpenChange}>
      <Dialog.Trigger asChild>{children}</Dialog.Trigger>
      <Dialog.Portal>
        <Dialog.Overlay className="fixed inset-0 z-40 bg-black/40" />
        <Dialog.Content className="fixed top-1/4 left-1/2 z-50 w-full max-w-lg -translate-x-1/2 rounded-lg border border-border bg-panel p-5 shadow-xl">
          <Dialog.Title className="text-base font-semibold">{words.title}</Dialog.Title>
          <Dialog.Description className="mt-1 text-sm text-muted">
            A dry run of {words.dry} {scope}: nothing has changed yet.
          </Dialog.Description>
          <div className="mt-4 min-h-24" aria-live="polite">
            {dry.error ? (
              <p className="text-sm text-failed">{describeError(dry.error)}</p>
            ) : !preview ? (
              <SkeletonRows rows={3} />
            ) : preview.count === 0 ? (
              <p className="text-sm">{words.none}</p>
            ) : (
              <>
                <p className="text-sm">
                  <span className="tabular font-semibold">{formatCount(preview.count)}</span> dead{' '}
                  {preview.count === 1 ? 'letter' : 'letters'} {words.would}
                  {action === 'retry' && ' Refused input, never retried, is not counted.'}
                  {action === 'discard' &&
                    preview.sample.some(isRejected) &&
                    ' Refused input among them goes too.'}
                  {preview.count > SAMPLE ? ` The ${SAMPLE} sent first:` : ''}
                </p>
                <ul
                  aria-label="Sample"
                  className="mt-2 divide-y divide-border rounded-md border border-border"
                >
                  {preview.sample.slice(0, SAMPLE).map((m) => (
                    <li key={m.id} className="flex h-8 items-center gap-3 px-3 text-sm">
                      <IdLink id={m.id} href={`/messages/${m.id}`} />
                      {m.to === null ? (
                        <span className="text-muted">no listener</span>
                      ) : (
                        <span className="truncate">{m.to}</span>
                      )}
                      <ErrorCodeBadge code={m.errorCode} rejected={isRejected(m)} />
                      {/* The order's own time: when each was sent, the first first. */}
                      <span className="ml-auto text-xs text-muted">
                        sent <TimeAgo at={m.createdAt} />
                      </span>
                    </li>
                  ))}
                </ul>
                {again.length > 0 && (
                  <div
                    role="note"
                    className="mt-3 flex items-start gap-2 rounded-md border border-rejected/40 bg-rejected/5 p-2.5 text-sm"
                  >
                    <TriangleAlert className="mt-0.5 size-4 shrink-0 text-rejected" aria-hidden />
                    <ul className="space-y-1">
                      {again.map((a) => (
                        // The groups are read a moment apart from the dry run: never more than it counted.
                        <li key={a.code}>
                          {a.count >= preview.count ? (
                            'All of them'
                          ) : (
                            <>
                              <span className="tabular font-semibold">{formatCount(a.count)}</span> of them
                            </>
                          )}{' '}
                          <ErrorCodeBadge code={a.code} /> would fail the same way again.{' '}
                          {codeHint(a.code, false)}
                        </li>
                      ))}
                    </ul>
                  </div>
                )}
                {preview.count > SAMPLE && (
                  <p className="mt-2 text-xs text-muted">
                    …and {formatCount(preview.count - SAMPLE)} more. It takes what matches when you confirm,
                    so the count may have moved by then.
                  </p>
                )}
              </>
            )}
          </div>
          <div className="mt-5 flex justify-end gap-2">
            <Dialog.Close asChild>
              <Button>Cancel</Button>
            </Dialog.Close>
            {preview && preview.count > 0 && (
              <Button
                variant={words.variant}
                disabled={run.isPending}
                onClick={() => runOnce({ ...input, dryRun: false })}
              >
                {run.isPending
                  ? words.running
                  : `${words.confirm} ${formatCountOf(preview.count, 'dead letter')}`}
              </Button>
            )}
          </div>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
