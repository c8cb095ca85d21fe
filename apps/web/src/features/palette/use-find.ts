'use client';
import type { FindResult } from '@organism/shared';
import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '@/lib/trpc';

/** What could be (the start of) a message or thread id: the engine finds ids by prefix from 4 characters. */
const ID_PREFIX = /^[0-9a-f][0-9a-f-]{3,}$/i;

const NONE: Pick<FindResult, 'messages' | 'threads'> = { messages: [], threads: [] };

/**
 * Messages and threads whose id is, or starts with, `q` (`organism.find`, indexed prefix lookups), and
 * why the lookup failed when it did (the engine away, say): then nothing is found, and the palette says why
 * instead of "Nothing matches".
 */
export function useFind(q: string): {
  found: Pick<FindResult, 'messages' | 'threads'>;
  loading: boolean;
  error: unknown;
} {
  const trpc = useTRPC();
  const id = q.trim();
  const enabled = ID_PREFIX.test(id);
  const find = useQuery(
    trpc.organism.find.queryOptions({ q: id }, { enabled, placeholderData: (prev) => prev }),
  );
  return {
    found: enabled && find.data ? find.data : NONE,
    loading: enabled && find.isPending,
    error: enabled && !find.data ? find.error : null,
  };
}
