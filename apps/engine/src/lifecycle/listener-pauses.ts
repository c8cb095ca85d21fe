import { EngineError } from '@organism/shared';
import type { OperationsStore, PausedListener } from '../journal/operations/operations-store.ts';
import type { MessagePump } from '../pump/message-pump.ts';

/**
 * Operators pause and resume listeners. The pump holds the deliveries back (PENDING in the journal);
 * the operations store keeps the pause across restarts, so the next start queues recovered work
 * behind the same pause (`restore` runs before recovery).
 */
export class ListenerPauses {
  private readonly byName = new Map<string, PausedListener>();

  constructor(
    private readonly pump: MessagePump,
    private readonly store: OperationsStore,
  ) {}

  /** Reapplies the pauses saved by an earlier run, whether or not the listeners still exist. */
  async restore(): Promise<void> {
    for (const p of await this.store.paused()) {
      this.byName.set(p.name, p);
      this.pump.pauseListener(p.name);
    }
  }

  /**
   * Makes this engine's pauses what the store says, after another engine sharing the journal paused or
   * resumed a listener: a listener resumed there starts its waiting deliveries here too.
   */
  async sync(): Promise<void> {
    const saved = new Map((await this.store.paused()).map((p) => [p.name, p]));
    for (const [name, p] of saved) {
      if (this.byName.has(name)) continue;
      this.byName.set(name, p);
      this.pump.pauseListener(name);
    }
    for (const name of [...this.byName.keys()]) {
      if (saved.has(name)) continue;
      this.byName.delete(name);
      this.pump.resumeListener(name);
    }
  }

  /** Who paused `name` and when, if it is paused. */
  get(name: string): PausedListener | undefined {
    return this.byName.get(name);
  }

  /** Pauses a listener (again is harmless). NOT_FOUND for no such listener, FORBIDDEN for a `system.*` one. */
  async pause(name: string, actor: string): Promise<PausedListener> {
    this.check(name);
    const existing = this.byName.get(name);
    if (existing) return existing;
    const p = { name, by: actor, at: Date.now() };
    // Saved first: a pause the journal could not keep is refused rather than lost at the next restart.
    await this.store.setPaused(p);
    this.byName.set(name, p);
    this.pump.pauseListener(name);
    return p;
  }

  /** Resumes a listener: its waiting deliveries start, oldest first. Resuming a running one is harmless. */
  async resume(name: string): Promise<{ waiting: number }> {
    this.check(name);
    const waiting = this.pump.queuedFor(name);
    if (!this.byName.has(name)) return { waiting: 0 };
    await this.store.clearPaused(name);
    this.byName.delete(name);
    this.pump.resumeListener(name);
    return { waiting };
  }

  private check(name: string): void {
    if (!this.pump.listeners.get(name)) throw new EngineError('NOT_FOUND', `no listener ${name}`);
    if (name.startsWith('system.'))
      throw new EngineError('FORBIDDEN', `${name} is one of the engine's own listeners and cannot be paused`);
  }
}
