'use client';
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { Tabs } from 'radix-ui';
import { StateBadge } from '@/components/state-badge';
import { SkeletonRows } from '@/components/ui/skeleton';
import { describeLoadError, shownError } from '@/lib/engine-error';
import { isRejected } from '@/lib/outcome';
import { useSession } from '@/lib/session';
import { useTRPC } from '@/lib/trpc';
import { MessageFacts, MessageFailure, messageXml } from '../messages/message-parts';
import { TransitionsTable } from '../messages/transitions-table';
import { PausedRecipient } from '../listeners/paused-recipient';
import { IdLink } from '@/components/id-link';

/** One hop of a thread: its facts, failure, XML (payload, envelope or refused input) and transitions. */
export function HopDetail({ id, index }: { id: string; index: number }) {
  const trpc = useTRPC();
  const message = useQuery(trpc.messages.byId.queryOptions({ id }));
  const { can } = useSession();
  const unread = shownError(message);
  if (unread)
    return (
      <p className="text-sm">
        {describeLoadError(
          unread,
          'This hop is no longer in the journal (pruned by retention or discarded).',
        )}
      </p>
    );
  const m = message.data;
  if (!m) return <SkeletonRows rows={8} />;
  const xml = messageXml(m, 360);
  const rejected = m.state === 'FAILED' && isRejected(m);
  return (
    <div className="space-y-3" data-testid="hop-detail" data-message-id={m.id}>
      <div className="flex flex-wrap items-center gap-2">
        <h3 className="text-sm font-semibold">Hop #{index + 1}</h3>
        <StateBadge state={rejected ? 'REJECTED' : m.state} />
        <span className="ml-auto inline-flex items-center gap-1 text-xs text-muted">
          message <IdLink id={m.id} href={`/messages/${m.id}`} />
        </span>
      </div>
      <MessageFacts m={m} threadLink={false} />
      {m.state === 'PENDING' && m.to && <PausedRecipient to={m.to} />}
      {m.state === 'FAILED' && (
        <MessageFailure
          m={m}
          canRetry={false}
          next={
            can('operator') && (
              <>
                To retry it, or to fix it and send it again as a new message, open{' '}
                <Link href={`/messages/${m.id}`} className="text-accent underline">
                  message {m.id.slice(0, 8)}
                </Link>
                .
              </>
            )
          }
        />
      )}
      {xml.length > 0 && (
        <Tabs.Root defaultValue={xml[0]?.key}>
          <Tabs.List aria-label="XML of this hop" className="flex gap-1 border-b border-border">
            {xml.map((x) => (
              <Tabs.Trigger
                key={x.key}
                value={x.key}
                className="-mb-px border-b-2 border-transparent px-3 py-1.5 text-sm text-muted hover:text-text data-[state=active]:border-accent data-[state=active]:text-text"
              >
                {x.title}
              </Tabs.Trigger>
            ))}
          </Tabs.List>
          {xml.map((x) => (
            <Tabs.Content key={x.key} value={x.key} className="pt-3">
              {x.view}
            </Tabs.Content>
          ))}
        </Tabs.Root>
      )}
      <section aria-label="Transitions" className="space-y-1">
        <h4 className="text-xs font-medium text-muted uppercase">Transitions</h4>
        <TransitionsTable transitions={m.transitions} within="box" />
      </section>
    </div>
  );
}
