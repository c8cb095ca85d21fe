import type { EngineEvent, EngineEventType } from '@organism/shared';
import type { LoadedOrganism } from './lifecycle/organism-loader.ts';
import { EngineLifecycle } from './lifecycle/engine-state.ts';
import type { EngineState } from './lifecycle/engine-state.ts';
import type { MessagePump, SubmitResult } from './pump/message-pump.ts';
import type { XsdRegistry } from './xml/index.ts';

export interface EngineStatus {
  organism: string;
  state: EngineState;
  uptimeMs: number;
  listeners: number;
  queued: number;
  inFlight: number;
  openThreads: number;
}

/**
 * The one facade the outside (CLI, server, API) talks to. It owns the pump and the organism's
 * compiled contracts and walks the lifecycle `starting → running → draining → stopped`.
 */
export class Engine {
  private readonly lifecycle = new EngineLifecycle();

  constructor(
    private readonly organism: LoadedOrganism,
    private readonly pump: MessagePump,
    private readonly systemRegistry: XsdRegistry,
  ) {}

  get state(): EngineState {
    return this.lifecycle.state;
  }

  get config(): LoadedOrganism['config'] {
    return this.organism.config;
  }

  async start(): Promise<void> {
    await this.pump.boot();
    this.lifecycle.moveTo('running');
  }

  /** Takes an envelope from a producer; see MessagePump.submit. */
  submit(xml: string | Uint8Array, opts?: { wait?: boolean }): Promise<SubmitResult> {
    return this.pump.submit(xml, opts);
  }

  on<T extends EngineEventType>(type: T, fn: (e: Extract<EngineEvent, { type: T }>) => void): () => void;
  on(type: '*', fn: (e: EngineEvent) => void): () => void;
  on(type: EngineEventType | '*', fn: (e: never) => void): () => void {
    return this.pump.events.on(type as '*', fn as (e: EngineEvent) => void);
  }

  status(): EngineStatus {
    return {
      organism: this.organism.config.name,
      state: this.lifecycle.state,
      uptimeMs: Date.now() - this.lifecycle.startedAt,
      listeners: this.pump.listeners.size,
      ...this.pump.stats(),
    };
  }

  /** Resolves when every open thread has finished (tests, drain). */
  whenQuiet(): Promise<void> {
    return this.pump.whenQuiet();
  }

  /**
   * Graceful stop: refuse new intake, let open threads finish for up to `drainMs`, then stop and
   * free the compiled schemas. Returns whether everything finished in time.
   */
  async stop(drainMs = 10_000): Promise<{ drained: boolean }> {
    if (this.lifecycle.state === 'stopped') return { drained: true };
    if (this.lifecycle.state === 'running') this.lifecycle.moveTo('draining');
    this.pump.pauseIntake();
    let timer: NodeJS.Timeout | undefined;
    const drained = await Promise.race([
      this.pump.whenQuiet().then(() => true),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), drainMs))),
    ]);
    clearTimeout(timer);
    this.pump.stop();
    this.lifecycle.moveTo('stopped');
    this.organism.registry.dispose();
    this.systemRegistry.dispose();
    return { drained };
  }
}
