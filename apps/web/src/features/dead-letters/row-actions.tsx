'use client';
import type { MessageSummary } from '@organism/shared';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { RotateCcw, Trash2 } from 'lucide-react';
import { useRouter } from 'next/navigation';
import { useRef } from 'react';
import { toast } from 'sonner';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { refocusRowAfter } from '@/components/ui/data-table';
import { describeError } from '@/lib/engine-error';
import { shortId } from '@/lib/format';
import { isRejected } from '@/lib/outcome';
import { useSingleFlight } from '@/lib/single-flight';
import { useTRPC } from '@/lib/trpc';
import type { Retried } from './use-retried';

/** Retry (not for refused input: the engine has no route to retry it with) and discard, after a confirmation. */
export function RowActions({
  message: m,
  onRetried,
}: {
  message: MessageSummary;
  /** With the attempts it had: more of them, FAILED, is a failure again. */
  onRetried: (m: Retried) => void;
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.journal.pathKey() });
  // Where a keyboard goes once the action is done: the button it pressed is disabled or gone by then.
  const refocus = useRef<() => void>(undefined);
  const retry = useMutation(
    trpc.journal.retry.mutationOptions({
      onSuccess: () => {
        onRetried({ id: m.id, attempts: m.attempts });
        void refresh().then(refocus.current);
        toast.success(`Message ${shortId(m.id)} queued again.`, {
          action: { label: 'Open', onClick: () => router.push(`/messages/${m.id}`) },
        });
      },
      // Refused: the list was out of date (another operator acted on it); it shows what is true now.
      onError: (err) => {
        toast.error(describeError(err));
        void refresh().then(refocus.current);
      },
    }),
  );
  const discard = useMutation(
    trpc.journal.discard.mutationOptions({
      onSuccess: () => {
        toast.success(`Message ${shortId(m.id)} discarded.`);
        void refresh().then(refocus.current);
      },
      onError: (err) => {
        toast.error(describeError(err));
        void refresh().then(refocus.current);
      },
    }),
  );
  const retryOnce = useSingleFlight(retry.mutate);
  const discardOnce = useSingleFlight(discard.mutate);
  return (
    <span className="inline-flex items-center gap-1">
      {!isRejected(m) && (
        <Button
          className="h-6 px-2 text-xs"
          aria-label={`Retry ${shortId(m.id)}`}
          disabled={retry.isPending || retry.isSuccess}
          onClick={(e) => {
            refocus.current = refocusRowAfter(e.currentTarget);
            retryOnce({ messageId: m.id });
          }}
        >
          <RotateCcw className="size-3.5" aria-hidden /> Retry
        </Button>
      )}
      <ConfirmDialog
        title={`Discard message ${shortId(m.id)}?`}
        body="It is removed from the journal for good; the event log keeps a DISCARDED entry."
        confirm="Discard"
        onConfirm={() => discardOnce({ messageId: m.id })}
      >
        <Button
          variant="ghost"
          className="h-6 px-2 text-xs text-failed"
          aria-label={`Discard ${shortId(m.id)}`}
          onClick={(e) => (refocus.current = refocusRowAfter(e.currentTarget))}
          disabled={discard.isPending || discard.isSuccess}
        >
          <Trash2 className="size-3.5" aria-hidden /> Discard
        </Button>
      </ConfirmDialog>
    </span>
  );
}
