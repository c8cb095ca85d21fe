import type { ListenerActivity, ListenerState } from '@organism/shared';

/** A listener busy on any engine is busy; failing on any, in error; paused is shared by all. */
const RANK: Record<ListenerState, number> = { idle: 0, processing: 1, error: 2, paused: 3 };

/**
 * This engine's listeners' live figures with those of the same listeners on its running peers added in
 * (docs/scale-out.md, "What the console shows"): counts and in-flight work summed, the latest activity,
 * and the most telling state. A listener only a peer knows (a configuration this engine has not followed
 * yet) is left out: the console lists this engine's listeners.
 */
export function mergeListenerActivity(
  own: ListenerActivity[],
  peers: readonly (readonly ListenerActivity[])[],
): ListenerActivity[] {
  if (peers.length === 0) return own;
  const byName = new Map(own.map((l) => [l.name, { ...l }]));
  for (const list of peers) {
    for (const p of list) {
      const l = byName.get(p.name);
      if (!l) continue;
      l.inFlight += p.inFlight;
      l.queued += p.queued;
      l.received += p.received;
      l.failed += p.failed;
      if (p.lastActivityAt !== null) l.lastActivityAt = Math.max(l.lastActivityAt ?? 0, p.lastActivityAt);
      // An engine of an earlier version shares no lastFailedAt.
      if (p.lastFailedAt != null) l.lastFailedAt = Math.max(l.lastFailedAt ?? 0, p.lastFailedAt);
      if (RANK[p.state] > RANK[l.state]) l.state = p.state;
    }
  }
  return [...byName.values()];
}
