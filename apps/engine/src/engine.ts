import type { EngineEvent, EngineEventType, JournalStats, MessageFilter } from '@organism/shared';
import type { LoadedOrganism } from './lifecycle/organism-loader.ts';
import { EngineLifecycle } from './lifecycle/engine-state.ts';
import type { EngineState } from './lifecycle/engine-state.ts';
import { recoverUnfinished } from './lifecycle/recovery.ts';
import type { RecoveryReport } from './lifecycle/recovery.ts';
import type { Journal, RetryManyResult } from './journal/journal.ts';
import { JournalError } from './journal/journal-error.ts';
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
  durability: JournalStats['durability'];
}

const DAY = 86_400_000;
const PRUNE_EVERY = 3_600_000;

/**
 * The one facade the outside (CLI, server, API) talks to. It owns the pump, the journal and the
 * organism's compiled contracts, and walks the lifecycle `starting → running → draining → stopped`.
 */
export class Engine {
  private readonly lifecycle = new EngineLifecycle();
  private pruneTimer: NodeJS.Timeout | undefined;
  recovery: RecoveryReport | undefined;

  constructor(
    private readonly organism: LoadedOrganism,
    private readonly pump: MessagePump,
    readonly journal: Journal,
    private readonly systemRegistry: XsdRegistry,
  ) {}

  get state(): EngineState {
    return this.lifecycle.state;
  }

  get config(): LoadedOrganism['config'] {
    return this.organism.config;
  }

  /** Re-queues what an earlier run left unfinished, sends the boot message, then opens intake. */
  async start(): Promise<void> {
    this.recovery = await recoverUnfinished(this.journal, this.pump);
    await this.prune();
    this.pruneTimer = setInterval(() => void this.prune(), PRUNE_EVERY);
    this.pruneTimer.unref();
    await this.pump.boot();
    this.lifecycle.moveTo('running');
  }

  /** Takes an envelope from a producer; see MessagePump.submit. Refused unless running. */
  async submit(xml: string | Uint8Array, opts?: { wait?: boolean }): Promise<SubmitResult> {
    if (this.lifecycle.state !== 'running') {
      const code = this.lifecycle.state === 'draining' ? 'DRAINING' : 'NOT_RUNNING';
      const message = `the engine is ${this.lifecycle.state}`;
      return { ok: false, error: { code, message, problems: [{ message }] } };
    }
    return this.pump.submit(xml, opts);
  }

  /** Puts a dead letter back in the queue. */
  async retry(messageId: string): Promise<void> {
    const d = await this.journal.retry(messageId);
    if (!this.pump.listeners.get(d.to)) {
      await this.journal.exhaust(d.id, `listener ${d.to} no longer exists`);
      throw new JournalError('NOT_RETRYABLE', `listener ${d.to} no longer exists`);
    }
    this.pump.redeliver(d);
  }

  /** Retries every dead letter matching `filter`; a dry run only counts them and shows a sample. */
  async retryMany(
    filter: MessageFilter,
    opts: { dryRun: boolean },
  ): Promise<Omit<RetryManyResult, 'deliveries'>> {
    const result = await this.journal.retryMany(filter, opts);
    for (const d of result.deliveries) {
      if (this.pump.listeners.get(d.to)) this.pump.redeliver(d);
      else await this.journal.exhaust(d.id, `listener ${d.to} no longer exists`);
    }
    return { count: result.count, sample: result.sample };
  }

  discard(messageId: string): Promise<void> {
    return this.journal.discard(messageId);
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
      durability: this.journal.durability,
      ...this.pump.stats(),
    };
  }

  /** Resolves when every open thread has finished (tests, drain). */
  whenQuiet(): Promise<void> {
    return this.pump.whenQuiet();
  }

  /**
   * Graceful stop: refuse new intake, let open threads finish for up to `drainMs`, then stop the
   * pump, close the journal (checkpointed) and free the compiled schemas. Says whether all finished.
   */
  async stop(drainMs = 10_000): Promise<{ drained: boolean }> {
    if (this.lifecycle.state === 'stopped') return { drained: true };
    if (this.lifecycle.state === 'running') this.lifecycle.moveTo('draining');
    this.pump.pauseIntake();
    clearInterval(this.pruneTimer);
    let timer: NodeJS.Timeout | undefined;
    const drained = await Promise.race([
      this.pump.whenQuiet().then(() => true),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), drainMs))),
    ]);
    clearTimeout(timer);
    this.pump.stop();
    this.lifecycle.moveTo('stopped');
    await this.journal.close();
    this.organism.registry.dispose();
    this.systemRegistry.dispose();
    return { drained };
  }

  private async prune(): Promise<void> {
    try {
      await this.journal.prune(Date.now() - this.organism.config.journal.retainDays * DAY);
    } catch (err) {
      console.error('journal retention failed:', err);
    }
  }
}
