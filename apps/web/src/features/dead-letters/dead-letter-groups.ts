'use client';
import type { DeadLetterGroup } from '@organism/shared';
import { useQuery } from '@tanstack/react-query';
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

/** Every entry of the group is refused input: nothing in it can be retried. */
export function allRefused(g: Pick<DeadLetterGroup, 'count' | 'refused'>): boolean {
  return g.refused > 0 && g.refused === g.count;
}

/** The page of one group; its identity lives in the URL so it can be shared and reloaded. */
export function groupHref(g: Pick<DeadLetterGroup, 'to' | 'errorCode'>): string {
  const q = new URLSearchParams();
  if (g.to === null) q.set('rejected', 'true');
  else q.set('to', g.to);
  if (g.errorCode !== null) q.set('errorCode', g.errorCode);
  return `/dead-letters/group?${q.toString()}`;
}

/** Where the list's address (its filters) is kept for the way back from a group, per tab. */
const LIST_PLACE = 'organism.dead-letters.list';

/** Keeps the dead-letter list's filters (its query string) for a group's way back to it. */
export function rememberListPlace(search: string): void {
  try {
    sessionStorage.setItem(LIST_PLACE, search);
  } catch {
    // Storage refused (a private window's quota): the way back is the bare list.
  }
}

/** The dead-letter list as this tab last showed it, filters and all (the bare list if never). */
export function listPlaceHref(): string {
  let search: string | null = null;
  try {
    search = sessionStorage.getItem(LIST_PLACE);
  } catch {
    // As above.
  }
  return `/dead-letters${search && search.startsWith('?') ? search : ''}`;
}
