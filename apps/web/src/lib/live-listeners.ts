'use client';
import type { AppRouter } from '@organism/engine';
import { useQuery } from '@tanstack/react-query';
import type { inferRouterOutputs } from '@trpc/server';
import { useTRPC } from './trpc';

/** A listener as `listeners.list` describes it: contract, limits, and its activity since the engine started. */
export type ListenerInfo = inferRouterOutputs<AppRouter>['listeners']['list'][number];

/** Every listener (system ones included), kept current. */
export function useLiveListeners() {
  const trpc = useTRPC();
  return useQuery(trpc.listeners.list.queryOptions(undefined, { refetchInterval: 2_000 }));
}
