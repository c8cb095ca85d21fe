'use client';
import type { MessageSummary } from '@organism/shared';
import { useQuery } from '@tanstack/react-query';
import { useTRPCClient } from '@/lib/trpc';

/** FAILED entries that share a listener and an error code; refused input (`to: null`) is a group of its own. */
export interface DeadLetterGroup {
  to: string | null;
  errorCode: string | null;
  count: number;
  firstAt: number;
  lastAt: number;
  sampleId: string;
}

export interface DeadLetterFilter {
  to?: string;
  errorCode?: string;
}

/** Refused at intake: it never reached a listener, so it has nothing to retry. */
export function isRejectedGroup(g: Pick<DeadLetterGroup, 'to'>): boolean {
  return g.to === null;
}

/** The page of one group; its identity lives in the URL so it can be shared and reloaded. */
export function groupHref(g: Pick<DeadLetterGroup, 'to' | 'errorCode'>): string {
  const q = new URLSearchParams();
  if (g.to === null) q.set('rejected', 'true');
  else q.set('to', g.to);
  if (g.errorCode !== null) q.set('errorCode', g.errorCode);
  return `/dead-letters/group?${q.toString()}`;
}

const PAGE = 500;
const MOST = 10_000;

/**
 * Dead letters grouped by listener and error code, biggest first. Until `journal.deadLetters` lands this
 * groups `journal.list` pages in the browser (at most 10,000 entries); the key sits under `journal` so the
 * event stream's refresh reaches it.
 */
export function useDeadLetterGroups(filter: DeadLetterFilter) {
  const client = useTRPCClient();
  return useQuery({
    queryKey: [['journal', 'deadLettersFromList'], filter],
    queryFn: async () => {
      const items: MessageSummary[] = [];
      let cursor: string | undefined;
      do {
        const page = await client.journal.list.query({ state: 'FAILED', ...filter, limit: PAGE, cursor });
        items.push(...page.items);
        cursor = page.nextCursor ?? undefined;
      } while (cursor && items.length < MOST);
      return groupDeadLetters(items);
    },
  });
}

function groupDeadLetters(items: MessageSummary[]): { total: number; groups: DeadLetterGroup[] } {
  const groups = new Map<string, DeadLetterGroup>();
  for (const m of items) {
    const to = m.kind === 'rejected' ? null : m.to;
    const key = JSON.stringify([to, m.errorCode]);
    const g = groups.get(key);
    if (!g)
      groups.set(key, {
        to,
        errorCode: m.errorCode,
        count: 1,
        firstAt: m.updatedAt,
        lastAt: m.updatedAt,
        sampleId: m.id,
      });
    else {
      g.count++;
      g.firstAt = Math.min(g.firstAt, m.updatedAt);
      if (m.updatedAt > g.lastAt) {
        g.lastAt = m.updatedAt;
        g.sampleId = m.id;
      }
    }
  }
  return {
    total: items.length,
    // Ties keep one order (by listener, then code), so rows do not swap places as the list refreshes.
    groups: [...groups.values()].sort(
      (a, b) =>
        b.count - a.count ||
        (a.to ?? '').localeCompare(b.to ?? '') ||
        (a.errorCode ?? '').localeCompare(b.errorCode ?? ''),
    ),
  };
}
