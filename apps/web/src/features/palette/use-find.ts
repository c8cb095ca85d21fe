'use client';
import type { MessageSummary } from '@organism/shared';
import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '@/lib/trpc';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface Found {
  messages: Pick<MessageSummary, 'id' | 'to' | 'state' | 'kind'>[];
  threads: { id: string }[];
}

/**
 * Messages and threads whose id is `q`. Until `organism.find` lands (id prefixes too) this asks
 * messages.byId and threads.byId, so only a whole id finds anything.
 */
export function useFind(q: string): { found: Found; loading: boolean } {
  const trpc = useTRPC();
  const id = q.trim();
  const enabled = UUID.test(id);
  const message = useQuery(trpc.messages.byId.queryOptions({ id }, { enabled, retry: false }));
  const thread = useQuery(trpc.threads.byId.queryOptions({ id }, { enabled, retry: false }));
  return {
    found: {
      messages: enabled && message.data ? [message.data] : [],
      threads: enabled && thread.data ? [{ id: thread.data.id }] : [],
    },
    loading: enabled && (message.isFetching || thread.isFetching),
  };
}
