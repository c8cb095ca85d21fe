import type { MessageSummary } from '@organism/shared';

/**
 * A thread's entries, given newest first (as `listMessages` pages them: by creation time, then by id),
 * oldest first, and none before the entry that caused it: a handler that answers at once creates its
 * reply in the same millisecond as the message it got, and ids are random, so within one millisecond
 * entries go by how far down the thread they are (a parent outside the page counts as the top).
 */
export function oldestFirst(newestFirst: readonly MessageSummary[]): MessageSummary[] {
  const byId = new Map(newestFirst.map((m) => [m.id, m]));
  const depth = new Map<string, number>();
  for (const m of newestFirst) {
    let d = 0;
    const seen = new Set([m.id]);
    for (let p = parentIn(byId, m); p && !seen.has(p.id); p = parentIn(byId, p)) {
      seen.add(p.id);
      d++;
    }
    depth.set(m.id, d);
  }
  // Array.prototype.sort is stable: entries of one millisecond and one depth keep the page's order.
  return [...newestFirst]
    .reverse()
    .sort((a, b) => a.createdAt - b.createdAt || (depth.get(a.id) ?? 0) - (depth.get(b.id) ?? 0));
}

function parentIn(byId: Map<string, MessageSummary>, m: MessageSummary): MessageSummary | undefined {
  return m.parentId === null ? undefined : byId.get(m.parentId);
}
