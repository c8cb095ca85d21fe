'use client';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { Attempts } from '@/components/attempts';
import { IdLink } from '@/components/id-link';
import { StateBadge } from '@/components/state-badge';
import { TimeAgo } from '@/components/time-ago';
import { SkeletonRows } from '@/components/ui/skeleton';
import { stickyHead } from '@/components/ui/sticky-head';
import { describeError } from '@/lib/engine-error';
import { useEngineStream } from '@/lib/engine-stream';
import { isRejected } from '@/lib/outcome';
import { splitRoot } from '@/lib/qname';
import { useTRPC } from '@/lib/trpc';

const LIMIT = 15;

/** The query for a listener's newest deliveries (the listener page asks for it early, with the listener list). */
export const recentMessagesQuery = (trpc: ReturnType<typeof useTRPC>, name: string) =>
  trpc.messages.list.queryOptions({ to: name, limit: LIMIT });

/** The newest deliveries to a listener, refreshed as the stream reports theirs (at most every two seconds). */
export function RecentMessages({ name }: { name: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { subscribe } = useEngineStream();
  const messages = useQuery(recentMessagesQuery(trpc, name));

  useEffect(() => {
    const key = trpc.messages.list.queryKey({ to: name, limit: LIMIT });
    let dirty = false;
    const off = subscribe((t) => {
      if (t.to === name) dirty = true;
    });
    const tick = setInterval(() => {
      if (!dirty) return;
      dirty = false;
      void queryClient.invalidateQueries({ queryKey: key, exact: true });
    }, 2_000);
    return () => {
      off();
      clearInterval(tick);
    };
  }, [name, subscribe, queryClient, trpc]);

  if (messages.error) return <p className="text-sm text-failed">{describeError(messages.error)}</p>;
  const items = messages.data?.items;
  if (!items) return <SkeletonRows rows={6} />;
  if (items.length === 0)
    return (
      <p className="text-sm text-muted">
        Nothing has been delivered to {name} yet. Messages addressed to it, or broadcast to a root it accepts,
        appear here.
      </p>
    );
  return (
    <table className="w-full table-fixed text-sm">
      <colgroup>
        <col className="w-28" />
        <col className="w-32" />
        <col />
        <col className="w-40" />
        <col className="w-20" />
        <col className="w-44" />
        <col className="w-28" />
      </colgroup>
      <thead className={stickyHead()}>
        <tr className="h-8">
          <th scope="col" className="font-medium">
            message
          </th>
          <th scope="col" className="font-medium">
            state
          </th>
          <th scope="col" className="font-medium">
            from
          </th>
          <th scope="col" className="font-medium">
            root
          </th>
          <th scope="col" className="text-right font-medium">
            attempts
          </th>
          <th scope="col" className="pl-4 font-medium">
            error
          </th>
          <th scope="col" className="text-right font-medium">
            updated
          </th>
        </tr>
      </thead>
      <tbody>
        {items.map((m) => (
          <tr key={m.id} className="h-8 border-b border-border last:border-0">
            <td>
              <IdLink id={m.id} href={`/messages/${m.id}`} />
            </td>
            <td>
              <StateBadge state={m.state === 'FAILED' && isRejected(m) ? 'REJECTED' : m.state} />
            </td>
            <td className="truncate" title={m.from ?? undefined}>
              {m.from ?? '—'}
            </td>
            <td className="truncate font-mono text-xs" title={m.root ?? undefined}>
              {m.root ? splitRoot(m.root).local : '—'}
            </td>
            <td className="tabular text-right">
              <Attempts m={m} />
            </td>
            {/* Refused input's code in the colour of its state, as every other list shows it. */}
            <td
              className={`truncate pl-4 font-mono text-xs ${m.state === 'FAILED' && isRejected(m) ? 'text-rejected' : 'text-failed'}`}
              title={m.errorCode ?? undefined}
            >
              {m.errorCode ?? ''}
            </td>
            <td className="text-right text-muted">
              <TimeAgo at={m.updatedAt} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
