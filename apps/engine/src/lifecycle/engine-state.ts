/** The engine's lifecycle. Each state names the states it may move to; anything else is a bug. */
export type EngineState = 'starting' | 'running' | 'draining' | 'stopped';

const NEXT: Record<EngineState, readonly EngineState[]> = {
  starting: ['running', 'draining', 'stopped'],
  running: ['draining', 'stopped'],
  draining: ['stopped'],
  stopped: [],
};

export class IllegalTransition extends Error {
  constructor(from: EngineState, to: EngineState) {
    super(`engine cannot go from ${from} to ${to}`);
  }
}

/** Holds the current state; `moveTo` throws on a transition the table above does not allow. */
export class EngineLifecycle {
  private current: EngineState = 'starting';

  /** `startedAt`: when the engine began (its journal's opening, where the journal says: engine-run.ts). */
  constructor(readonly startedAt = Date.now()) {}

  get state(): EngineState {
    return this.current;
  }

  moveTo(next: EngineState): void {
    if (!NEXT[this.current].includes(next)) throw new IllegalTransition(this.current, next);
    this.current = next;
  }
}
