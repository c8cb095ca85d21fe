'use client';
import type { MessageDetail } from '@organism/shared';
import { useQueries, useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useCallback, useEffect, useRef, useState } from 'react';
import { toast } from 'sonner';
import { useEngineStream } from '@/lib/engine-stream';
import { shortId } from '@/lib/format';
import { useTRPC } from '@/lib/trpc';

const KEEP = 20;

/** A message as it was retried: a retry keeps its attempts, so more of them, FAILED, is a new failure. */
export type Retried = { id: string; attempts: number };

/**
 * The followed messages that failed again since their retry and were not told yet: FAILED after more
 * attempts than they had when retried (a read from before the retry, still FAILED, has no more).
 */
export function failedAgain(
  messages: (MessageDetail | undefined)[],
  retriedWith: ReadonlyMap<string, number>,
  told: ReadonlySet<string>,
): MessageDetail[] {
  return messages.filter(
    (m): m is MessageDetail =>
      m !== undefined &&
      m.state === 'FAILED' &&
      m.attempts > (retriedWith.get(m.id) ?? Infinity) &&
      !told.has(`${m.id}:${m.attempts}`),
  );
}

/** What the toast says: the one that failed again, or how many did and the last of them. */
export function failedAgainText(m: MessageDetail, count: number): string {
  const why = m.errorCode ? ` (${m.errorCode})` : '';
  return count === 1
    ? `Retried message ${shortId(m.id)} failed again${why}.`
    : `${count} retried messages failed again, the last ${shortId(m.id)}${why}.`;
}

/**
 * Messages retried from this page, followed until they settle: each is read once after the retry and
 * again whenever the shared event stream brings one of its transitions, so ACKED (or FAILED again)
 * shows up live without polling. One that fails again is also told in a toast, which the operator sees
 * wherever the page is scrolled (the panel that follows them sits below the list).
 */
export function useRetried() {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const stream = useEngineStream();
  const [ids, setIds] = useState<string[]>([]);
  const watched = useRef(new Set<string>());
  // Each followed message's attempts when it was retried, and the failures already told.
  const retriedWith = useRef(new Map<string, number>());
  const told = useRef(new Set<string>());
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
  const read = messages.map((q) => q.data);
  useEffect(() => {
    const again = failedAgain(read, retriedWith.current, told.current);
    for (const m of again) told.current.add(`${m.id}:${m.attempts}`);
    const last = again.at(-1);
    if (!last) return;
    // One toast, updated as more fail again, rather than a stack of them after a bulk retry.
    toast.error(failedAgainText(last, told.current.size), {
      id: 'retried-failed-again',
      action: { label: 'Open', onClick: () => router.push(`/messages/${last.id}`) },
    });
  });
  // The same function from render to render: a list's columns made with it are made once.
  const add = useCallback(
    (more: Retried[]) => {
      for (const { id, attempts } of more) {
        retriedWith.current.set(id, attempts);
        void queryClient.invalidateQueries({ queryKey: trpc.messages.byId.queryKey({ id }) });
      }
      const added = more.map((m) => m.id);
      setIds((now) => [...added, ...now.filter((id) => !added.includes(id))].slice(0, KEEP));
    },
    [queryClient, trpc],
  );
  return {
    items: ids.map((id, i) => ({ id, message: messages[i]?.data, error: messages[i]?.error })),
    add,
  };
}
