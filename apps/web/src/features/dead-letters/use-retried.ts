'use client';
import { useQueries, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { useEngineStream } from '@/lib/engine-stream';
import { useTRPC } from '@/lib/trpc';

const KEEP = 20;

/**
 * Messages retried from this page, followed until they settle: each is read once after the retry and
 * again whenever the shared event stream brings one of its transitions, so ACKED (or FAILED again)
 * shows up live without polling.
 */
export function useRetried() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const stream = useEngineStream();
  const [ids, setIds] = useState<string[]>([]);
  const watched = useRef(new Set<string>());
  useEffect(() => {
    watched.current = new Set(ids);
  }, [ids]);

  useEffect(
    () =>
      stream.subscribe((t) => {
        if (!watched.current.has(t.messageId)) return;
        void queryClient.invalidateQueries({ queryKey: trpc.messages.byId.queryKey({ id: t.messageId }) });
      }),
    [stream, queryClient, trpc],
  );

  const messages = useQueries({
    queries: ids.map((id) => trpc.messages.byId.queryOptions({ id }, { staleTime: 0 })),
  });
  return {
    items: ids.map((id, i) => ({ id, message: messages[i]?.data, error: messages[i]?.error })),
    add: (more: string[]) => {
      for (const id of more)
        void queryClient.invalidateQueries({ queryKey: trpc.messages.byId.queryKey({ id }) });
      setIds((now) => [...more, ...now.filter((id) => !more.includes(id))].slice(0, KEEP));
    },
  };
}
