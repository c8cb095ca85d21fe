'use client';
import type { MessageSummary } from '@organism/shared';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useEffect } from 'react';
import { AGO_WIDTH, TimeAgo } from '@/components/time-ago';
import { DataTable } from '@/components/ui/data-table';
import type { DataColumn } from '@/components/ui/data-table';
import { SkeletonRows } from '@/components/ui/skeleton';
import { describeError } from '@/lib/engine-error';
import { useEngineStream } from '@/lib/engine-stream';
import { useTRPC } from '@/lib/trpc';
import { messageColumn } from '../messages/message-columns';

const LIMIT = 15;

/**
 * The messages list's columns, with the sender alone where it has the route (every one of these went to
 * this listener) and when each last changed (where a listener's work is, now) where it has the creation.
 */
const COLUMNS: DataColumn<MessageSummary>[] = [
  messageColumn('id'),
  messageColumn('state'),
  { id: 'from', header: 'from', cell: (m) => m.from ?? '—' },
  messageColumn('root'),
  messageColumn('attempts'),
  messageColumn('code'),
  { id: 'updated', header: 'updated', width: AGO_WIDTH, cell: (m) => <TimeAgo at={m.updatedAt} /> },
];

/** The query for a listener's newest deliveries (the listener page asks for it early, with the listener list). */
export const recentMessagesQuery = (trpc: ReturnType<typeof useTRPC>, name: string) =>
  trpc.messages.list.queryOptions({ to: name, limit: LIMIT });

/** The newest deliveries to a listener, refreshed as the stream reports theirs (at most every two seconds). */
export function RecentMessages({ name }: { name: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { subscribe } = useEngineStream();
  const messages = useQuery(recentMessagesQuery(trpc, name));
  const router = useRouter();

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
    <DataTable
      label={`Recent messages to ${name}`}
      columns={COLUMNS}
      rows={items}
      rowKey={(m) => m.id}
      onOpen={(m) => router.push(`/messages/${m.id}`)}
    />
  );
}
