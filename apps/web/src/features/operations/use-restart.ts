'use client';
import type { DrainEvent } from '@organism/shared';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useEngineStream } from '@/lib/engine-stream';
import { useTRPC } from '@/lib/trpc';

/**
 * A restart as the console follows it: asked (the engine serves on while its supervisor readies the next
 * one, until the first drain figures), draining (the engine's own figures, every half second; `drainAt`,
 * when the first came), away (the old engine has gone, the next one opens the journal), back (a new engine
 * answers: its recovery report). `elsewhere`: a drain this tab did not ask for (another admin, a stop from
 * the command line) is followed all the same.
 */
export type RestartPhase =
  | { phase: 'idle' }
  | {
      phase: 'asked' | 'draining' | 'away';
      askedAt: number;
      drain?: DrainEvent;
      drainAt?: number;
      awayAt?: number;
      elsewhere: boolean;
    }
  | {
      phase: 'back';
      askedAt: number;
      drain?: DrainEvent;
      drainAt?: number;
      awayAt?: number;
      backAt: number;
      elsewhere: boolean;
    };

export function useRestart() {
  const trpc = useTRPC();
  const { subscribeEvents, connection } = useEngineStream();
  const [state, setState] = useState<RestartPhase>({ phase: 'idle' });
  const following = state.phase === 'asked' || state.phase === 'draining' || state.phase === 'away';

  const restart = useMutation(
    trpc.organism.restart.mutationOptions({
      onSuccess: ({ accepted }, _vars, _ctx) => {
        if (!accepted) setState({ phase: 'idle' });
      },
      onError: () => setState({ phase: 'idle' }),
    }),
  );

  // Drain figures, whoever asked for the drain.
  useEffect(
    () =>
      subscribeEvents((e) => {
        if (e.type !== 'drain') return;
        setState((s) =>
          s.phase === 'asked'
            ? { ...s, phase: 'draining', drain: e, drainAt: Date.now() }
            : s.phase === 'draining'
              ? { ...s, drain: e }
              : s.phase === 'idle' || s.phase === 'back'
                ? { phase: 'draining', askedAt: Date.now(), drain: e, drainAt: Date.now(), elsewhere: true }
                : s,
        );
      }),
    [subscribeEvents],
  );

  // While following, ask for the status every second: it fails while the engine is away, and a status whose
  // uptime began after the request comes from the new engine.
  const status = useQuery(
    trpc.organism.status.queryOptions(undefined, {
      refetchInterval: following ? 1_000 : 15_000,
      retry: following ? false : 3,
    }),
  );
  const { data, dataUpdatedAt, isError, errorUpdatedAt } = status;
  useEffect(() => {
    if (!following) return;
    const startedAt = data ? dataUpdatedAt - data.uptimeMs : 0;
    if (data && startedAt > state.askedAt) {
      setState({ ...state, phase: 'back', backAt: dataUpdatedAt });
      return;
    }
    const gone = (isError && errorUpdatedAt > state.askedAt) || connection !== 'live';
    if (gone && state.phase !== 'away') setState({ ...state, phase: 'away', awayAt: Date.now() });
  }, [following, state, data, dataUpdatedAt, isError, errorUpdatedAt, connection]);

  return {
    state,
    status,
    restart: (drainMs: number) => {
      setState({ phase: 'asked', askedAt: Date.now(), elsewhere: false });
      restart.mutate({ drainMs });
    },
    refused: restart.error,
    /** How many engines the restart restarts (several when they share a journal: one at a time). */
    engines: restart.data?.engines,
    pending: restart.isPending,
    dismiss: () => {
      restart.reset();
      setState({ phase: 'idle' });
    },
  };
}
