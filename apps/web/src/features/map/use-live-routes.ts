'use client';
import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { useTRPC } from '@/lib/trpc';
import type { RouteStats } from './route-stats';

/**
 * Every route messages took recently. Until the engine serves `listeners.routes`, they are counted from the
 * journal's newest 500 entries.
 */
export function useLiveRoutes() {
  const trpc = useTRPC();
  const recent = useQuery(trpc.messages.list.queryOptions({ limit: 500 }, { refetchInterval: 2_000 }));
  const data = useMemo(() => {
    const items = recent.data?.items;
    if (!items) return undefined;
    const now = Date.now();
    const byKey = new Map<string, RouteStats>();
    for (const m of items) {
      if (!m.from || !m.to) continue;
      const key = `${m.from}>${m.to}`;
      const r = byKey.get(key) ?? { from: m.from, to: m.to, count: 0, failed: 0, perSecond: 0, lastAt: 0 };
      r.count++;
      if (m.state === 'FAILED') r.failed++;
      if (now - m.createdAt < 10_000) r.perSecond += 0.1;
      r.lastAt = Math.max(r.lastAt, m.createdAt);
      byKey.set(key, r);
    }
    return [...byKey.values()];
  }, [recent.data]);
  return { data, error: recent.error };
}
