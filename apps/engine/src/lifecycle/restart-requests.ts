import { EngineError } from '@organism/shared';
import type { AmongPeers } from './among-peers.ts';
import type { EngineState } from './engine-state.ts';

/**
 * Restarts asked through the API: what one does (registered by the CLI: drain, close, exit with the
 * restart code for the supervisor) and whether a supervisor is there to start the next engine. With
 * several engines on one journal, a restart asked here restarts them all in turn.
 */
export class RestartRequests {
  private handler: ((drainMs: number) => void) | undefined;
  private supervisedNow: () => boolean = () => false;

  constructor(
    private readonly state: () => EngineState,
    private readonly peers: AmongPeers | undefined,
  ) {}

  /** Whether a restart asked now would be taken: a handler is registered and a supervisor is there. */
  get supervised(): boolean {
    return this.handler !== undefined && this.supervisedNow();
  }

  /** Throws NOT_SUPERVISED when nothing would start the next engine; not accepted unless running. */
  request(drainMs: number): Promise<{ accepted: boolean; engines: number }> {
    const handler = this.handler;
    if (!handler || !this.supervisedNow()) {
      return Promise.reject(
        new EngineError(
          'NOT_SUPERVISED',
          'restart refused: no supervisor would start this engine again (it was started with `organism run`); ' +
            'start it with `organism start` to restart it from the API, or stop and start it yourself',
        ),
      );
    }
    if (this.state() !== 'running') return Promise.resolve({ accepted: false, engines: 0 });
    if (this.peers) return this.peers.restartAll(drainMs, handler);
    handler(drainMs);
    return Promise.resolve({ accepted: true, engines: 1 });
  }

  /** Registers what a restart does and how to tell whether a supervisor is there (asked each time). */
  register(fn: (drainMs: number) => void, supervised: () => boolean): void {
    this.handler = fn;
    this.supervisedNow = supervised;
    // A rolling restart led by another engine asks this one in turn.
    this.peers?.onRestartRequested((drainMs) => {
      if (this.state() === 'running' && supervised()) fn(drainMs);
    });
  }
}
