'use client';
import type { ShownState } from './engine-state';
import { shownEngineState } from './engine-state';
import { useEngineStream } from './engine-stream';

/**
 * The engine's state as the console says it (`shownEngineState`), from a status read at `statusAt` and
 * what the shared event stream knows: whether the engine is away, a drain it told of, the connection.
 */
export function useShownEngineState(
  status: { state: string; supervised?: boolean } | undefined,
  statusAt: number,
): ShownState | undefined {
  const { away, connection, drainingSince } = useEngineStream();
  return shownEngineState(status, statusAt, away, { since: drainingSince, connected: connection === 'live' });
}
