'use client';
import { useQuery } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useEffect } from 'react';
import { describeError } from '@/lib/engine-error';
import { useTRPC } from '@/lib/trpc';
import { IdLink } from './id-link';

/**
 * The first characters of an id, as every list shows them (8), 4 or more: what a page is opened with when
 * an operator pastes a short id from a chat or a log into its address. Not a whole UUID.
 */
export function isIdPrefix(text: string): boolean {
  return /^[0-9a-f]{4}[0-9a-f-]{0,31}$/i.test(text);
}

/**
 * A thread's or a message's page opened with the first characters of its id: one match opens its page
 * (replacing the address), several are listed, none is said; a thread's page also leads from a message
 * starting so to its thread.
 */
export function ShortIdLookup({ kind, prefix }: { kind: 'thread' | 'message'; prefix: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const q = prefix.toLowerCase();
  const found = useQuery(trpc.organism.find.queryOptions({ q }));
  const ids =
    kind === 'thread' ? found.data?.threads.map((t) => t.id) : found.data?.messages.map((m) => m.id);
  const only = ids?.length === 1 ? ids[0] : undefined;
  useEffect(() => {
    if (only) router.replace(`/${kind}s/${only}`);
  }, [only, kind, router]);
  if (found.error) return <>{describeError(found.error)}</>;
  // Inside the page's sentence (a <p>): a span, not a block skeleton.
  if (!ids || only) return <span className="text-muted">Looking for “{q}”…</span>;
  const viaMessage = kind === 'thread' ? (found.data?.messages.filter((m) => m.threadId) ?? []) : [];
  if (ids.length === 0)
    return (
      <>
        No {kind} id starts with “{q}”.
        {viaMessage.map((m) => (
          <span key={m.id} className="mt-1 flex items-center gap-1.5">
            It starts message <IdLink id={m.id} href={`/messages/${m.id}`} />, of thread{' '}
            <IdLink id={m.threadId!} href={`/threads/${m.threadId}`} />.
          </span>
        ))}
      </>
    );
  return (
    <>
      {ids.length} {kind}s start with “{q}”{ids.length === 5 ? ' (the first 5)' : ''}; type more of it, or
      open one:
      <span className="mt-1 flex flex-wrap gap-3">
        {ids.map((id) => (
          <IdLink key={id} id={id} href={`/${kind}s/${id}`} />
        ))}
      </span>
    </>
  );
}
