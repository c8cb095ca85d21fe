import type { Engine } from '../engine.ts';
import { runCleanup } from '../lifecycle/cleanup-steps.ts';
import type { Logger } from '../logging/logger.ts';
import type { RunningServer } from '../server/http-server.ts';

/**
 * The least time the HTTP server gets to finish responses in flight, even when the engine's drain used
 * the whole deadline: a response to a request that came in at the last moment (the restart call itself)
 * is worth a second.
 */
export const MIN_SERVER_GRACE_MS = 1_000;

export interface ShutdownParts {
  engine: Pick<Engine, 'drain' | 'close'>;
  server: Pick<RunningServer, 'close'>;
  /** Stops anything producing work in this process (the traffic generator). */
  stopProducers?: () => void;
  /** The drain deadline: open threads and then responses in flight share it. */
  drainMs: number;
  logger: Logger;
}

export interface ShutdownResult {
  /** Every open thread finished before the deadline. */
  drained: boolean;
  /** The steps that failed, in order (each was logged with its error). Empty when all went well. */
  failed: string[];
}

/**
 * The end of `organism run`: stop producers, drain the engine, close the HTTP server (letting responses
 * in flight finish within what is left of the deadline), close the engine (journal checkpoint). Each step
 * is guarded: one that fails is logged and the others still run.
 */
export async function shutdown(parts: ShutdownParts): Promise<ShutdownResult> {
  const { engine, server, logger } = parts;
  const deadline = Date.now() + parts.drainMs;
  let drained = false;
  const failures = await runCleanup(
    [
      { name: 'stop producers', run: () => parts.stopProducers?.() },
      {
        name: 'drain',
        run: async () => {
          drained = (await engine.drain(parts.drainMs)).drained;
        },
      },
      {
        name: 'close HTTP server',
        run: async () => {
          const { cut } = await server.close(Math.max(MIN_SERVER_GRACE_MS, deadline - Date.now()));
          if (cut > 0) logger.warn({ cut }, `${cut} HTTP request(s) still running at the deadline were cut`);
        },
      },
      { name: 'close engine', run: () => engine.close() },
    ],
    ({ step, error }) => logger.error({ err: error, step }, `shutdown: ${step} failed`),
  );
  return { drained, failed: failures.map((f) => f.step) };
}
