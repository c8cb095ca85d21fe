'use client';
import type { FindResult } from '@organism/shared';
import { useQueryClient } from '@tanstack/react-query';
import { Search } from 'lucide-react';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useId, useState } from 'react';
import { IdLink } from '@/components/id-link';
import { describeError } from '@/lib/engine-error';
import { useTRPC } from '@/lib/trpc';
import { ThreadStatusBadge } from './thread-status';

type Answer = { kind: 'hint'; text: string } | { kind: 'found'; q: string; result: FindResult };

/**
 * Opens a thread by its id: the whole id, or its first characters (4 or more). One match opens it; several
 * are listed; a message id leads to its thread.
 */
export function FindThread() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const id = useId();
  const [q, setQ] = useState('');
  const [answer, setAnswer] = useState<Answer | null>(null);
  const find = async (text: string) => {
    if (text.length < 4)
      return setAnswer({ kind: 'hint', text: 'Type at least 4 characters of a thread id.' });
    try {
      const result = await queryClient.fetchQuery(trpc.organism.find.queryOptions({ q: text }));
      const [only] = result.threads;
      if (only && result.threads.length === 1) return router.push(`/threads/${only.id}`);
      setAnswer({ kind: 'found', q: text, result });
    } catch (err) {
      setAnswer({ kind: 'hint', text: describeError(err) });
    }
  };
  const viaMessage = answer?.kind === 'found' ? answer.result.messages.filter((m) => m.threadId) : [];
  return (
    <form
      role="search"
      className="relative"
      onSubmit={(e) => {
        e.preventDefault();
        void find(q.trim().toLowerCase());
      }}
    >
      <label htmlFor={id} className="sr-only">
        Find a thread by id
      </label>
      <Search className="absolute top-2 left-2 size-4 text-muted" aria-hidden />
      <input
        id={id}
        value={q}
        onChange={(e) => {
          setQ(e.target.value);
          setAnswer(null);
        }}
        onKeyDown={(e) => e.key === 'Escape' && setAnswer(null)}
        placeholder="Find a thread by id"
        className="h-8 w-72 rounded-md border border-border bg-panel pr-2 pl-8 font-mono text-xs outline-none focus:border-accent"
      />
      {answer && (
        <div
          role="status"
          className="absolute top-9 right-0 z-30 w-80 space-y-2 rounded-md border border-border bg-panel p-3 text-xs shadow-lg"
        >
          {answer.kind === 'hint' ? (
            <p>{answer.text}</p>
          ) : answer.result.threads.length > 0 ? (
            <>
              <p className="text-muted">Threads starting with {answer.q}:</p>
              <ul className="space-y-1">
                {answer.result.threads.map((t) => (
                  <li key={t.id} className="flex items-center gap-2">
                    <IdLink id={t.id} href={`/threads/${t.id}`} />
                    <ThreadStatusBadge status={t.status} />
                    <span className="truncate text-muted">{t.participants.join(' · ')}</span>
                  </li>
                ))}
              </ul>
            </>
          ) : viaMessage.length > 0 ? (
            <>
              <p className="text-muted">No thread has that id, but a message does. Its thread:</p>
              <ul className="space-y-1">
                {viaMessage.map((m) => (
                  <li key={m.id}>
                    <Link className="font-mono text-accent hover:underline" href={`/threads/${m.threadId}`}>
                      {m.threadId}
                    </Link>
                  </li>
                ))}
              </ul>
            </>
          ) : (
            <p>No thread or message id starts with {answer.q}.</p>
          )}
        </div>
      )}
    </form>
  );
}
