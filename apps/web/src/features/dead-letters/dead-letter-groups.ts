'use client';
import type { DeadLetterGroup } from '@organism/shared';
import { useQueries, useQuery } from '@tanstack/react-query';
import { isRejected } from '@/lib/outcome';
import { useTRPC } from '@/lib/trpc';

export type { DeadLetterGroup };

export interface DeadLetterFilter {
  to?: string;
  errorCode?: string;
}

/** How many groups a page asks for: more than any organism's listeners × codes in practice. */
const GROUPS = 500;

/**
 * Dead letters grouped by listener and error code, biggest first (`journal.deadLetters`, answered from
 * a partial index). The shared event stream refreshes it, like every journal query, as transitions arrive.
 */
export function useDeadLetterGroups(filter: DeadLetterFilter) {
  const trpc = useTRPC();
  return useQuery(
    trpc.journal.deadLetters.queryOptions({ ...filter, limit: GROUPS }, { placeholderData: (prev) => prev }),
  );
}

/**
 * Whether each group is refused input. The engine groups by the listener an entry names, so input refused
 * at intake sits in `to: null` only when it named none; input addressed to a listener and refused there
 * (its payload broke the contract) shares the listener's name. The newest entry of each group tells.
 */
export function useRefusedGroups(groups: DeadLetterGroup[] | undefined): (g: DeadLetterGroup) => boolean {
  const trpc = useTRPC();
  const named = (groups ?? []).filter((g) => g.to !== null);
  const newest = useQueries({
    queries: named.map((g) =>
      trpc.journal.list.queryOptions(
        { state: 'FAILED', to: g.to ?? undefined, errorCode: g.errorCode ?? undefined, limit: 1 },
        { placeholderData: (prev) => prev },
      ),
    ),
  });
  const refused = new Set<string>();
  named.forEach((g, i) => {
    const m = newest[i]?.data?.items[0];
    if (m && isRejected(m)) refused.add(groupKey(g));
  });
  return (g) => g.to === null || refused.has(groupKey(g));
}

function groupKey(g: Pick<DeadLetterGroup, 'to' | 'errorCode'>): string {
  return JSON.stringify([g.to, g.errorCode]);
}

/** The page of one group; its identity lives in the URL so it can be shared and reloaded. */
export function groupHref(g: Pick<DeadLetterGroup, 'to' | 'errorCode'>): string {
  const q = new URLSearchParams();
  if (g.to === null) q.set('rejected', 'true');
  else q.set('to', g.to);
  if (g.errorCode !== null) q.set('errorCode', g.errorCode);
  return `/dead-letters/group?${q.toString()}`;
}
