'use client';
import { isIdPrefix, ShortIdLookup } from '@/components/short-id-lookup';
import { useRef } from 'react';
import { messageIdSchema } from '@organism/shared';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { PencilLine, RotateCcw, Send, Trash2 } from 'lucide-react';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { toast } from 'sonner';
import { CopyButton } from '@/components/copy-button';
import { NeedsRole } from '@/components/role-gate';
import { StateBadge } from '@/components/state-badge';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { Missing } from '@/components/missing';
import { Panel } from '@/components/ui/panel';
import { Skeleton } from '@/components/ui/skeleton';
import { describeError, describeLoadError, shownError } from '@/lib/engine-error';
import { isRejected } from '@/lib/outcome';
import { useSession } from '@/lib/session';
import { useTRPC } from '@/lib/trpc';
import { useLiveRefresh } from '@/lib/use-live-refresh';
import { groupHref } from '../dead-letters/dead-letter-groups';
import { PausedRecipient } from '../listeners/paused-recipient';
import { MessageFacts, MessageFailure, messageXml } from './message-parts';
import { Provenance } from './provenance';
import { TransitionsTable } from './transitions-table';
import { useSingleFlight } from '@/lib/single-flight';
import { focusIfLost } from '@/lib/focus';

/** Where is message X and why did it fail? Its facts, failure, payload, envelope and history. */
export function MessagePage({ id }: { id: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const { can } = useSession();
  const message = useQuery(trpc.messages.byId.queryOptions({ id }));
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.messages.byId.queryKey({ id }) });
  // Live: its own transitions (a retry running, a dispatch) refresh it; nothing polls.
  useLiveRefresh(
    (t) => t.messageId === id,
    () => void refresh(),
  );
  const heading = useRef<HTMLHeadingElement>(null);
  const retry = useMutation(
    trpc.journal.retry.mutationOptions({
      onSuccess: () => {
        toast.success('Queued again; it runs as a new attempt.');
        // The Retry button goes with the dead letter: the keyboard goes to the message's heading.
        void refresh().then(() => focusIfLost(heading.current));
      },
      // Refused: someone else acted on it first; the page then shows what it is now.
      onError: (err) => {
        toast.error(describeError(err));
        void refresh();
      },
    }),
  );
  const resend = useMutation(
    trpc.messages.inject.mutationOptions({
      onSuccess: (sent) => {
        toast.success('Sent again as a new message: following its thread');
        router.push(`/threads/${sent.threadId}`);
      },
      onError: (err) => toast.error(describeError(err)),
    }),
  );
  const discard = useMutation(
    trpc.journal.discard.mutationOptions({
      // To its dead-letter group, which now shows the rest of it (or says none is left): a fixed place,
      // where "back" could leave the console (a link opened from an alert) or do nothing (a new tab).
      onSuccess: () => {
        const m = message.data;
        toast.success(
          m ? 'Dead letter discarded. These are the rest of its group.' : 'Dead letter discarded.',
        );
        router.replace(m ? groupHref({ to: m.to, errorCode: m.errorCode }) : '/dead-letters');
      },
      onError: (err) => {
        toast.error(describeError(err));
        void refresh();
      },
    }),
  );
  const retryOnce = useSingleFlight(retry.mutate);
  const resendOnce = useSingleFlight(resend.mutate);
  const discardOnce = useSingleFlight(discard.mutate);

  const failed = shownError(message);
  if (failed)
    return (
      <Missing title="Message" href="/messages" label="All messages">
        {messageIdSchema.safeParse(id).success ? (
          describeLoadError(failed, `No message ${id}: it may have been pruned by retention or discarded.`)
        ) : isIdPrefix(id) ? (
          <ShortIdLookup kind="message" prefix={id} />
        ) : (
          `“${id}” is not a message id: a message id is a UUID, such as the ones in the list.`
        )}
      </Missing>
    );
  const m = message.data;
  if (!m)
    return (
      <div className="space-y-4">
        <Skeleton className="h-8 w-96" />
        <Skeleton className="h-40 w-full" />
        <Skeleton className="h-64 w-full" />
      </div>
    );
  const rejected = m.state === 'FAILED' && isRejected(m);
  const canRetry = m.state === 'FAILED' && !rejected && can('operator');
  // Any message to a listener can be sent again, as it was or edited in the composer (egress left the
  // organism; refused input never reached a listener).
  const canRepublish = can('operator') && !rejected && !m.egress && !!m.to && !!m.payloadXml;
  const xml = messageXml(m);
  return (
    <div className="max-w-7xl space-y-4">
      <header className="flex flex-wrap items-start justify-between gap-3">
        <div className="min-w-0">
          <div className="flex flex-wrap items-center gap-1">
            <h1
              ref={heading}
              tabIndex={-1}
              className="flex items-center gap-3 text-xl font-semibold outline-none"
            >
              <span>Message</span>
              <span className="font-mono text-base" title={m.id}>
                {m.id}
              </span>
              <StateBadge state={rejected ? 'REJECTED' : m.state} />
            </h1>
            <CopyButton text={m.id} label="" what="message id" quiet />
          </div>
          <div className="mt-1">
            <MessageFacts m={m} />
          </div>
          <Provenance m={m} failed={m.state === 'FAILED'} />
        </div>
        {m.state === 'FAILED' && !can('operator') && (
          <NeedsRole>
            {rejected ? 'Discarding needs' : 'Retrying, sending again and discarding need'} the operator role.
          </NeedsRole>
        )}
        {(canRepublish || (m.state === 'FAILED' && can('operator'))) && (
          <div className="flex flex-wrap gap-2">
            {canRetry && (
              <Button onClick={() => retryOnce({ messageId: m.id })} disabled={retry.isPending}>
                <RotateCcw className="size-4" aria-hidden /> Retry
              </Button>
            )}
            {canRepublish && (
              <>
                <ConfirmDialog
                  title="Send this message again?"
                  body={`A new message with the same payload goes to ${m.to}, in a new thread, linked to this one.`}
                  confirm="Send again"
                  onConfirm={() =>
                    resendOnce({ to: m.to ?? '', payloadXml: m.payloadXml ?? '', republishOf: m.id })
                  }
                >
                  <Button disabled={resend.isPending}>
                    <Send className="size-4" aria-hidden /> Send again
                  </Button>
                </ConfirmDialog>
                <Link
                  href={`/compose?to=${encodeURIComponent(m.to ?? '')}&source=${m.id}`}
                  className="inline-flex h-8 items-center gap-2 rounded-md border border-border px-3 text-sm hover:bg-panel-2"
                >
                  <PencilLine className="size-4" aria-hidden /> Edit and send
                </Link>
              </>
            )}
            {m.state === 'FAILED' && can('operator') && (
              <ConfirmDialog
                title="Discard this dead letter?"
                body="It is removed from the journal for good; the event log keeps a DISCARDED entry."
                confirm="Discard"
                onConfirm={() => discardOnce({ messageId: m.id })}
              >
                <Button variant="ghost" className="text-failed">
                  <Trash2 className="size-4" aria-hidden /> Discard
                </Button>
              </ConfirmDialog>
            )}
          </div>
        )}
      </header>

      {m.state === 'FAILED' && <MessageFailure m={m} canRetry={canRetry} />}
      {m.state === 'PENDING' && m.to && <PausedRecipient to={m.to} />}

      <div className={`grid gap-4 ${xml.length > 1 ? 'xl:grid-cols-2' : ''}`}>
        {xml.map((x) => (
          <Panel key={x.key} title={x.title}>
            {x.view}
          </Panel>
        ))}
      </div>
      <Panel title="History">
        <TransitionsTable transitions={m.transitions} />
      </Panel>
    </div>
  );
}
