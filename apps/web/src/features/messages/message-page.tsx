'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ArrowRight, RotateCcw, Trash2 } from 'lucide-react';
import { useRouter } from 'next/navigation';
import { toast } from 'sonner';
import { IdLink } from '@/components/id-link';
import { StateBadge } from '@/components/state-badge';
import { TimeAgo } from '@/components/time-ago';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { Panel } from '@/components/ui/panel';
import { Skeleton } from '@/components/ui/skeleton';
import { XmlView } from '@/components/xml-view';
import { describeError, engineCodeOf } from '@/lib/engine-error';
import { isRejected } from '@/lib/outcome';
import { useSession } from '@/lib/session';
import { useTRPC } from '@/lib/trpc';
import { TransitionsTable } from './transitions-table';

/** Where is message X and why did it fail? Its facts, failure, payload, envelope and history. */
export function MessagePage({ id }: { id: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const { can } = useSession();
  const message = useQuery(trpc.messages.byId.queryOptions({ id }));
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.messages.byId.queryKey({ id }) });
  const retry = useMutation(
    trpc.journal.retry.mutationOptions({
      onSuccess: () => {
        toast.success('Queued again; it runs as a new attempt.');
        void refresh();
      },
      onError: (err) => toast.error(describeError(err)),
    }),
  );
  const discard = useMutation(
    trpc.journal.discard.mutationOptions({
      onSuccess: () => {
        toast.success('Dead letter discarded.');
        router.back();
      },
      onError: (err) => toast.error(describeError(err)),
    }),
  );

  if (message.error)
    return (
      <Panel title="Message">
        <p className="text-sm">
          {engineCodeOf(message.error) === 'NOT_FOUND'
            ? `No message ${id}: it may have been pruned by retention or discarded.`
            : describeError(message.error)}
        </p>
      </Panel>
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
  return (
    <div className="mx-auto max-w-7xl space-y-4">
      <header className="flex flex-wrap items-start justify-between gap-3">
        <div className="min-w-0">
          <h1 className="flex items-center gap-3 text-xl font-semibold">
            <span>Message</span>
            <span className="font-mono text-base" title={m.id}>
              {m.id}
            </span>
            <StateBadge state={rejected ? 'REJECTED' : m.state} />
          </h1>
          <p className="mt-1 flex flex-wrap items-center gap-x-2 gap-y-1 text-sm text-muted">
            <span className="text-text">{m.from ?? 'unknown sender'}</span>
            <ArrowRight className="size-3.5" aria-label="to" />
            <span className="text-text">{m.to ?? (rejected ? 'refused at intake' : 'broadcast')}</span>
            {m.root && <span className="font-mono text-xs">&lt;{m.root}&gt;</span>}
            <span>· {m.kind}</span>
            <span>· attempt {m.attempts}</span>
            {m.threadId && (
              <span className="flex items-center gap-1">
                · thread <IdLink id={m.threadId} />
              </span>
            )}
            <span>
              · created <TimeAgo at={m.createdAt} />
            </span>
            {m.parentId && (
              <span className="flex items-center gap-1">
                · reply to <IdLink id={m.parentId} href={`/messages/${m.parentId}`} />
              </span>
            )}
          </p>
        </div>
        {m.state === 'FAILED' && can('operator') && (
          <div className="flex gap-2">
            {canRetry && (
              <Button onClick={() => retry.mutate({ messageId: m.id })} disabled={retry.isPending}>
                <RotateCcw className="size-4" aria-hidden /> Retry
              </Button>
            )}
            <ConfirmDialog
              title="Discard this dead letter?"
              body="It is removed from the journal for good; the event log keeps a DISCARDED entry."
              confirm="Discard"
              onConfirm={() => discard.mutate({ messageId: m.id })}
            >
              <Button variant="ghost" className="text-failed">
                <Trash2 className="size-4" aria-hidden /> Discard
              </Button>
            </ConfirmDialog>
          </div>
        )}
      </header>

      {m.state === 'FAILED' && (
        <section
          aria-label="Failure"
          className={`rounded-lg border p-4 ${rejected ? 'border-rejected/40 bg-rejected/5' : 'border-failed/40 bg-failed/5'}`}
        >
          <p className="flex items-center gap-2">
            <span
              className={`rounded px-1.5 py-0.5 font-mono text-xs font-semibold ${rejected ? 'bg-rejected/10 text-rejected' : 'bg-failed/10 text-failed'}`}
            >
              {m.errorCode ?? 'FAILED'}
            </span>
            <span className="text-sm">
              {rejected
                ? 'Refused at intake: it never reached a listener.'
                : `Failed at ${m.to ?? '?'} after ${m.attempts} attempt(s).`}
            </span>
          </p>
          {m.errorDetail && <pre className="mt-2 text-sm whitespace-pre-wrap">{m.errorDetail}</pre>}
          <p className="mt-2 text-xs text-muted">
            {rejected
              ? 'Fix the input and send it again; the raw input is shown below exactly as it arrived.'
              : canRetry
                ? 'Retry runs it again as a new attempt.'
                : ''}
          </p>
        </section>
      )}

      <div
        className={`grid gap-4 ${[m.payloadXml, m.envelopeXml, m.raw].filter(Boolean).length > 1 ? 'xl:grid-cols-2' : ''}`}
      >
        {m.payloadXml && (
          <Panel title="Payload">
            <XmlView text={m.payloadXml} label="payload XML" />
          </Panel>
        )}
        {m.envelopeXml && (
          <Panel title="Envelope">
            <XmlView text={m.envelopeXml} label="envelope XML" />
          </Panel>
        )}
        {m.raw && (
          <Panel title="Raw input (as received)">
            <XmlView text={m.raw} label="raw input" />
          </Panel>
        )}
      </div>
      <Panel title="History">
        <TransitionsTable transitions={m.transitions} />
      </Panel>
    </div>
  );
}
