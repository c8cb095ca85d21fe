import type { Log, MessageId, ThreadId } from '@organism/shared';
import type { Delivery, DeliveryKind, PipelineError } from './delivery.ts';
import type { HookChain, HookFailureReport } from './dispatch-hooks.ts';
import type { DispatchQueue } from './dispatch-queue.ts';
import type { EngineEvents } from './engine-events.ts';
import { IntakeWorkers } from './intake/intake-workers.ts';
import { deliveriesOf } from './output-deliveries.ts';
import { runPipeline } from './pipeline.ts';
import type { Intake, PipelineContext, PipelineMessage } from './pipeline-message.ts';
import type { Refusals } from './refusals.ts';
import type { RoutingTable } from './routing-table.ts';
import { bootXml } from './system/system-payloads.ts';
import type { ThreadRegistry } from './thread-registry.ts';

/** `wait`: wait for queue space (default) or refuse with QUEUE_FULL; `producers`: the token's names. */
export interface SubmitOptions {
  wait?: boolean;
  /** The producer names the sender's API token is bound to: a `from` outside them is FORBIDDEN. */
  producers?: readonly string[];
}

export type SubmitResult =
  { ok: true; threadId: ThreadId; messageIds: MessageId[] } | { ok: false; error: PipelineError };

/** A message a system listener sends outside any handler run (MessagePump.sendInternal). */
export interface InternalMessage {
  from: string;
  to: string;
  threadId: ThreadId;
  chain: readonly string[];
  kind: DeliveryKind;
  parentId?: MessageId;
  id: MessageId;
  payloadXml: string;
}

export interface AdmissionDeps {
  organism: string;
  /** The pipeline's limits, schemas and routing; `setRouting` swaps its routing on a reload. */
  ctx: PipelineContext;
  /** How many worker threads run the pipeline (IntakeWorkers); 0: every message runs on this thread. */
  intakeWorkers: number;
  /** Every message to the workers, even one that arrives alone (tests of the workers themselves). */
  intakeAlways: boolean | undefined;
  log: Log;
  maxHopsPerThread: number;
  queue: DispatchQueue;
  hooks: HookChain;
  events: EngineEvents;
  threads: ThreadRegistry;
  refusals: Refusals;
  /** Aborted when the pump stops. */
  stopping: AbortSignal;
  /** How a hook's failure is reported (it can be replaced while the pump runs). */
  hookFailed: HookFailureReport;
  /** Announces a thread that the deliveries just recorded opened. */
  opened: (threadId: ThreadId) => void;
  /** Whether this engine runs `listener` (several engines on one journal); every one without it. */
  runsHere: ((listener: string) => boolean) | undefined;
}

/**
 * How messages get into the pump: a producer's (holding a place in the queue from the first check), a
 * system listener's and the boot message each run the pipeline (on an intake worker when one can take
 * it), then their deliveries are recorded by the `onIntent` hooks (the journal) and queued.
 */
export class Admission {
  private ctx: PipelineContext;
  private readonly workers: IntakeWorkers | undefined;
  private accepting = true;

  constructor(private readonly deps: AdmissionDeps) {
    const { ctx } = deps;
    this.ctx = ctx;
    this.workers =
      deps.intakeWorkers > 0
        ? new IntakeWorkers(
            deps.intakeWorkers,
            ctx.routing,
            { maxBytes: ctx.maxBytes, maxDepth: ctx.maxDepth },
            deps.log,
            deps.intakeAlways,
          )
        : undefined;
  }

  /** Resolves once the intake workers are ready (at once without any). */
  whenWorkersReady(): Promise<void> {
    return this.workers?.whenReady() ?? Promise.resolve();
  }

  /** Messages from outside whose pipeline an intake worker ran. */
  get handledByWorkers(): number {
    return this.workers?.handled ?? 0;
  }

  /** The listeners a reload put in force, for the steps run here and on the workers. */
  setRouting(routing: RoutingTable): void {
    this.ctx = { ...this.ctx, routing };
    this.workers?.setRouting(routing);
  }

  /** Stops taking messages from outside; internal traffic goes on so threads can finish. */
  pauseIntake(): void {
    this.accepting = false;
  }

  /** Ends the intake workers (the pump stops); the steps of anything still coming run here. */
  closeWorkers(): void {
    void this.workers?.close();
  }

  /**
   * A producer's envelope (MessagePump.submit): it holds a place in the queue from the first check until
   * its deliveries are queued (they count then) or it is refused.
   */
  async submit(raw: string | Uint8Array, opts: SubmitOptions = {}): Promise<SubmitResult> {
    const { queue, refusals } = this.deps;
    if (!this.accepting) return refusals.refuse(raw, 'DRAINING', 'the engine is not accepting messages');
    if (opts.wait === false) {
      if (!queue.tryReserve())
        return refusals.refuse(
          raw,
          'QUEUE_FULL',
          `the queue is full: it holds ${queue.size} messages at most (pump.queueSize); retry after a second`,
        );
    } else await queue.reserve();
    // The place is held through every await below and given back on every way out: once queued, its
    // deliveries count instead.
    try {
      return await this.admitFromOutside(raw, opts);
    } finally {
      queue.release();
    }
  }

  private async admitFromOutside(raw: string | Uint8Array, opts: SubmitOptions): Promise<SubmitResult> {
    const { refusals } = this.deps;
    const producers = opts.producers ? { producers: opts.producers } : {};
    const m = await this.runSteps({ origin: 'external', raw, ...producers });
    // A stop while a worker had the message: it was not accepted, and the journal may be closing.
    if (this.deps.stopping.aborted)
      return refusals.refuse(raw, 'DRAINING', 'the engine is not accepting messages');
    if (m.error || !m.threadId) return { ok: false, error: refusals.rejected(m) };
    const deliveries = this.deliveriesFor(m, 'ingress');
    const spent = this.deps.threads.overBudget(m.threadId, deliveries.length, this.deps.maxHopsPerThread);
    if (spent) return refusals.refuse(raw, 'HOP_LIMIT_EXCEEDED', spent);
    try {
      await this.admit(deliveries);
    } catch (err) {
      this.deps.hookFailed('onIntent', err);
      const why = err instanceof Error ? err.message : String(err);
      return refusals.refuse(
        raw,
        'JOURNAL_UNAVAILABLE',
        `the message could not be recorded (${why}); try again later`,
      );
    }
    return { ok: true, threadId: m.threadId, messageIds: deliveries.map((d) => d.id) };
  }

  /** Sends the boot message to `system.boot`, if that listener exists. */
  async boot(): Promise<void> {
    const routing = this.ctx.routing;
    const target = routing.get('system.boot');
    if (!target) return;
    const raw = bootXml(this.deps.organism, routing.size, new Date());
    const threadId = this.ctx.newThreadId();
    const m = runPipeline(
      { origin: 'internal', raw, from: 'system', to: target.name, threadId, chain: [], kind: 'boot' },
      this.ctx,
    );
    if (m.error) throw new Error(`boot message refused: ${m.error.message}`);
    await this.admit(this.deliveriesFor(m, 'boot'));
  }

  /**
   * Sends a message on behalf of a system listener outside any handler run: through the pipeline,
   * journaled before it resolves.
   */
  async sendInternal(o: InternalMessage): Promise<{ ok: true } | { ok: false; error: PipelineError }> {
    const { payloadXml, ...rest } = o;
    const m = await this.runSteps({ origin: 'internal', raw: payloadXml, ...rest });
    if (m.error) return { ok: false, error: m.error };
    await this.admit(this.deliveriesFor(m, o.kind));
    return { ok: true };
  }

  /** The pipeline, on an intake worker when one can take it, else here. */
  async runSteps(intake: Intake): Promise<PipelineMessage> {
    return (await this.workers?.run(intake)) ?? runPipeline(intake, this.ctx);
  }

  /** Queues a recorded delivery, or lets it go when another engine runs its listener (it is in the journal). */
  enqueue(d: Delivery): void {
    const { runsHere } = this.deps;
    if (runsHere && !runsHere(d.to)) {
      this.deps.threads.drop(d.threadId);
      return;
    }
    this.deps.queue.push(d);
  }

  private async admit(deliveries: Delivery[]): Promise<void> {
    const first = deliveries[0];
    if (!first) return;
    const { threads } = this.deps;
    const opened = threads.add(first.threadId, deliveries.length);
    try {
      await this.deps.hooks.call('onIntent', deliveries);
    } catch (err) {
      // Nothing was recorded, so these deliveries never existed: a thread they opened ends unannounced.
      for (const d of deliveries) threads.settle(d.threadId, false, !opened);
      throw err;
    }
    if (opened) this.deps.opened(first.threadId);
    for (const d of deliveries) this.enqueue(d);
  }

  private deliveriesFor(m: PipelineMessage, kind: DeliveryKind): Delivery[] {
    for (const message of m.diagnostics) {
      this.deps.events.emit(() => ({
        type: 'diagnostic',
        at: Date.now(),
        code: 'THREAD_ID_INVALID',
        message,
        ...(m.threadId ? { threadId: m.threadId } : {}),
      }));
    }
    return deliveriesOf(m, kind);
  }
}
