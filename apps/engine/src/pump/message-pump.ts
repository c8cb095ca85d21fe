import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import type { Log, MessageId, ThreadId } from '@organism/shared';
import type { CompiledSchema } from '../xml/index.ts';
import type { Delivery, DeliveryKind, PipelineError } from './delivery.ts';
import { HookChain } from './dispatch-hooks.ts';
import type { DispatchHooks, HookFailureReport } from './dispatch-hooks.ts';
import { DispatchQueue } from './dispatch-queue.ts';
import type { Slot } from './dispatch-queue.ts';
import { EngineEvents } from './engine-events.ts';
import { runHandler } from './handler-run.ts';
import type { Listener } from './listener.ts';
import { runPipeline } from './pipeline.ts';
import { deliveriesOf } from './output-deliveries.ts';
import { HandlerOutputs } from './handler-outputs.ts';
import { DeliveryOutcomes } from './delivery-outcomes.ts';
import { Refusals } from './refusals.ts';
import { receivedEvent } from './delivery-events.ts';
import type { Intake, PipelineContext, PipelineMessage } from './pipeline-message.ts';
import { RoutingTable } from './routing-table.ts';
import { ThreadRegistry } from './thread-registry.ts';
import { RetrySchedule } from './retry-schedule.ts';
import { bootXml } from './system/system-payloads.ts';
import { stderrLog } from './stderr-log.ts';
import { IntakeWorkers } from './intake/intake-workers.ts';

export interface PumpLimits {
  maxConcurrency: number;
  queueSize: number;
  maxDepth: number;
  /** Deliveries one thread may make in all (replies and errors included) before it fails. */
  maxHopsPerThread: number;
  maxMessageBytes: number;
}

export interface PumpOptions {
  organism: string;
  listeners: readonly Listener[];
  limits: PumpLimits;
  envelopeSchema: CompiledSchema;
  systemSchema: CompiledSchema;
  random?: () => number;
  /** Where hook, subscriber and routing failures are reported. Default: human lines on stderr. */
  log?: Log;
  /**
   * Worker threads that run the pipeline for messages from outside and handlers' outputs
   * (IntakeWorkers). Default 0: every message is parsed and validated on this thread.
   */
  intakeWorkers?: number;
  /** Every message to the workers, even one that arrives alone (tests of the workers themselves). */
  intakeAlways?: boolean;
  /**
   * Several engines on one journal, each running some listeners: whether this one runs `listener`. A
   * delivery to one it does not is recorded (unowned, for an engine that runs it to claim) and then
   * leaves this pump. Default: every listener runs here.
   */
  runsHere?: (listener: string) => boolean;
}

/** `wait`: wait for queue space (default) or refuse with QUEUE_FULL; `producers`: the token's names. */
export interface SubmitOptions {
  wait?: boolean;
  /** The producer names the sender's API token is bound to: a `from` outside them is FORBIDDEN. */
  producers?: readonly string[];
}

export type SubmitResult =
  { ok: true; threadId: ThreadId; messageIds: MessageId[] } | { ok: false; error: PipelineError };

/**
 * The pump: runs every message through the pipeline, dispatches deliveries under the limits, turns
 * handler outputs into new deliveries, retries and reports failures, and tells hooks and events.
 * It knows nothing of SQL or HTTP; the journal and the server attach through hooks and the facade.
 */
export class MessagePump {
  readonly events: EngineEvents;
  private readonly log: Log;
  private readonly hooks = new HookChain((hook, err) => this.hookFailed(hook, err));
  private hookFailed: HookFailureReport = (hook, err) =>
    this.log.error({ err, hook }, `dispatch hook ${hook} failed`);
  private readonly queue: DispatchQueue;
  private readonly threads = new ThreadRegistry((threadId, outcome) => {
    this.hooks.notify('onThreadComplete', threadId, outcome);
    this.emitThread(outcome === 'failed' ? 'thread.failed' : 'thread.completed', threadId);
  });
  private readonly stopping = new AbortController();
  private readonly waiting: RetrySchedule;
  private ctx: PipelineContext;
  private routing: RoutingTable;
  private readonly intake: IntakeWorkers | undefined;
  private readonly refusals: Refusals;
  private readonly outputs: HandlerOutputs;
  private readonly outcomes: DeliveryOutcomes;
  private accepting = true;

  constructor(private readonly opts: PumpOptions) {
    this.log = opts.log ?? stderrLog('pump');
    this.events = new EngineEvents(this.log);
    this.routing = new RoutingTable(opts.listeners);
    // Every running handler listens for the stop signal: as many as maxConcurrency at once.
    setMaxListeners(0, this.stopping.signal);
    this.ctx = {
      maxBytes: opts.limits.maxMessageBytes,
      maxDepth: opts.limits.maxDepth,
      routing: this.routing,
      envelopeSchema: opts.envelopeSchema,
      systemSchema: opts.systemSchema,
      newThreadId: () => randomUUID() as ThreadId,
    };
    const workers = opts.intakeWorkers ?? 0;
    this.intake =
      workers > 0
        ? new IntakeWorkers(
            workers,
            this.routing,
            { maxBytes: opts.limits.maxMessageBytes, maxDepth: opts.limits.maxDepth },
            this.log,
            opts.intakeAlways,
          )
        : undefined;
    this.refusals = new Refusals(this.hooks, this.events);
    this.outputs = new HandlerOutputs({
      routing: () => this.routing,
      run: (intake) => this.runSteps(intake),
      refusals: this.refusals,
      threads: this.threads,
      maxHopsPerThread: opts.limits.maxHopsPerThread,
      log: this.log,
    });
    this.outcomes = new DeliveryOutcomes({
      hooks: this.hooks,
      events: this.events,
      threads: this.threads,
      outputs: this.outputs,
      hookFailed: (hook, err) => this.hookFailed(hook, err),
      enqueue: (d) => this.enqueue(d),
      queueAt: (d, at, onTime) => this.queueAt(d, at, onTime),
      ...(opts.random ? { random: opts.random } : {}),
    });
    this.waiting = new RetrySchedule((d) => this.enqueue(d));
    this.queue = new DispatchQueue({
      maxConcurrency: opts.limits.maxConcurrency,
      queueSize: opts.limits.queueSize,
      concurrencyOf: (name) => this.routing.get(name)?.concurrency,
      run: (d, slot) => this.execute(d, slot),
    });
  }

  /** Registers dispatch hooks (the journal is one); returns a function that removes them. */
  addHooks(hooks: DispatchHooks): () => void {
    return this.hooks.add(hooks);
  }

  /** Replaces how hook failures are reported (by default each is logged). */
  onHookFailure(report: HookFailureReport): void {
    this.hookFailed = report;
  }

  /**
   * How many deliveries ran (or were killed) but whose outcome could not be recorded: the journal
   * still holds them as unfinished, so the next start runs them again (at-least-once).
   */
  get unrecorded(): number {
    return this.outcomes.unrecorded;
  }

  get listeners(): RoutingTable {
    return this.routing;
  }

  /** Deliveries to `listener` started and not finished: running, or their outcome being recorded. */
  inFlightFor(listener: string): number {
    return this.queue.inFlightFor(listener);
  }

  /** Whether `threadId` is open here: work of it queued, running or waiting for a retry. */
  hasOpenThread(threadId: ThreadId): boolean {
    return this.threads.has(threadId);
  }

  stats(): { queued: number; inFlight: number; openThreads: number } {
    return { queued: this.queue.queued, inFlight: this.queue.inFlight, openThreads: this.threads.size };
  }

  /** Resolves once the intake workers are ready (at once without any). */
  whenIntakeReady(): Promise<void> {
    return this.intake?.whenReady() ?? Promise.resolve();
  }

  /** Messages from outside whose pipeline an intake worker ran. */
  get intakeHandled(): number {
    return this.intake?.handled ?? 0;
  }

  /** Deliveries queued for `listener` and not started (PENDING in the journal). */
  queuedFor(listener: string): number {
    return this.queue.queuedFor(listener);
  }

  isPaused(listener: string): boolean {
    return this.queue.isPaused(listener);
  }

  /**
   * Pauses a listener: nothing more is dispatched to it (running handlers finish), while intake and
   * other listeners' outputs addressed to it are still accepted and wait, PENDING in the journal, in
   * order. Retries coming due join the same wait. Says whether it was running (false: already paused).
   */
  pauseListener(name: string): boolean {
    if (this.queue.isPaused(name)) return false;
    this.queue.pause(name);
    this.emitListener(name, 'paused');
    return true;
  }

  /** Resumes a paused listener: its waiting deliveries start, oldest first. False if it was not paused. */
  resumeListener(name: string): boolean {
    if (!this.queue.isPaused(name)) return false;
    this.queue.resume(name);
    // Its queue may already have started: the state then says so.
    this.emitListener(name, this.queue.inFlightFor(name) > 0 ? 'processing' : 'idle');
    return true;
  }

  /**
   * True when nothing can move any more but paused listeners' queues: nothing running, nothing queued
   * for a running listener, no retry waiting. A drain stops waiting then (the paused work stays in the
   * journal for the next start).
   */
  get onlyPausedLeft(): boolean {
    return (
      this.queue.inFlight === 0 &&
      this.waiting.size === 0 &&
      this.queue.queued > 0 &&
      this.queue.queued === this.queue.queuedPaused
    );
  }

  /**
   * Takes an envelope from outside. Resolves once the message is accepted (after every onIntent hook,
   * so after fsync in strict mode) or refused with every problem found. With `wait` (the default) a
   * full queue makes the caller wait; without, it is refused with QUEUE_FULL.
   */
  async submit(raw: string | Uint8Array, opts: SubmitOptions = {}): Promise<SubmitResult> {
    if (!this.accepting) return this.refusals.refuse(raw, 'DRAINING', 'the engine is not accepting messages');
    if (opts.wait === false) {
      if (!this.queue.tryReserve())
        return this.refusals.refuse(
          raw,
          'QUEUE_FULL',
          `the queue is full: it holds ${this.queue.size} messages at most (pump.queueSize); retry after a second`,
        );
    } else await this.queue.reserve();
    // The place is held through every await below and given back on every way out: once queued, its
    // deliveries count instead.
    try {
      return await this.admitFromOutside(raw, opts);
    } finally {
      this.queue.release();
    }
  }

  private async admitFromOutside(raw: string | Uint8Array, opts: SubmitOptions): Promise<SubmitResult> {
    const producers = opts.producers ? { producers: opts.producers } : {};
    const m = await this.runSteps({ origin: 'external', raw, ...producers });
    // A stop while a worker had the message: it was not accepted, and the journal may be closing.
    if (this.stopping.signal.aborted)
      return this.refusals.refuse(raw, 'DRAINING', 'the engine is not accepting messages');
    if (m.error || !m.threadId) return { ok: false, error: this.refusals.rejected(m) };
    const deliveries = this.deliveriesFor(m, 'ingress');
    const spent = this.threads.overBudget(m.threadId, deliveries.length, this.opts.limits.maxHopsPerThread);
    if (spent) return this.refusals.refuse(raw, 'HOP_LIMIT_EXCEEDED', spent);
    try {
      await this.admit(deliveries);
    } catch (err) {
      this.hookFailed('onIntent', err);
      const why = err instanceof Error ? err.message : String(err);
      return this.refusals.refuse(
        raw,
        'JOURNAL_UNAVAILABLE',
        `the message could not be recorded (${why}); try again later`,
      );
    }
    return { ok: true, threadId: m.threadId, messageIds: deliveries.map((d) => d.id) };
  }

  /** Sends the boot message to `system.boot`, if that listener exists. */
  async boot(): Promise<void> {
    const target = this.routing.get('system.boot');
    if (!target) return;
    const raw = bootXml(this.opts.organism, this.routing.size, new Date());
    const threadId = this.ctx.newThreadId();
    const m = runPipeline(
      { origin: 'internal', raw, from: 'system', to: target.name, threadId, chain: [], kind: 'boot' },
      this.ctx,
    );
    if (m.error) throw new Error(`boot message refused: ${m.error.message}`);
    await this.admit(this.deliveriesFor(m, 'boot'));
  }

  /** Whether a listener by this name runs now. */
  has(name: string): boolean {
    return this.routing.get(name) !== undefined;
  }

  /**
   * Sends a message on behalf of a system listener outside any handler run (an orchestrator's step, or its
   * result when a deadline passes): through the pipeline, journaled before it resolves. `id` names the
   * delivery (one target), so a sender that wrote it down first can tell whether it was sent.
   */
  async sendInternal(o: {
    from: string;
    to: string;
    threadId: ThreadId;
    chain: readonly string[];
    kind: DeliveryKind;
    parentId?: MessageId;
    id: MessageId;
    payloadXml: string;
  }): Promise<{ ok: true } | { ok: false; error: PipelineError }> {
    const { payloadXml, ...rest } = o;
    const m = await this.runSteps({ origin: 'internal', raw: payloadXml, ...rest });
    if (m.error) return { ok: false, error: m.error };
    await this.admit(this.deliveriesFor(m, o.kind));
    return { ok: true };
  }

  /**
   * Re-queues a delivery the journal found unfinished (at boot, or an operator's retry). With
   * `notBefore` (ms), it waits until then on a retry timer (a retry's backoff kept across a restart);
   * stop() and killThread() cancel it like any scheduled retry.
   */
  redeliver(d: Delivery, notBefore = 0): void {
    if (this.threads.add(d.threadId, 1)) this.emitThread('thread.created', d.threadId);
    this.queueAt(d, notBefore);
  }

  private queueAt(d: Delivery, at: number, onTime?: (d: Delivery) => void): void {
    // After stop() (an operator's retry that finished late, say) no timer may be set: it would outlive it.
    if (this.stopping.signal.aborted) return;
    this.waiting.at(d, at, onTime);
  }

  /** Swaps the listeners in one step (reload). `system.*` listeners are kept as they are. */
  replaceListeners(listeners: readonly Listener[]): void {
    const system = [...this.routing.listeners()].filter((l) => l.name.startsWith('system.'));
    this.routing = new RoutingTable([...system, ...listeners.filter((l) => !l.name.startsWith('system.'))]);
    this.ctx = { ...this.ctx, routing: this.routing };
    this.intake?.setRouting(this.routing);
    // Work queued for a listener that is gone can never run: it becomes a dead letter now.
    for (const d of this.queue.takeWhere((q) => !this.routing.get(q.to))) {
      void this.outcomes.fail(
        d,
        {
          code: 'UNKNOWN_ROUTE',
          message: 'the listener is gone',
          detail: `listener ${d.to} was removed by a reload`,
          retryable: false,
        },
        undefined,
      );
    }
  }

  /**
   * Kills a thread: its queued and retry-waiting deliveries fail at once with KILLED (no SystemError
   * is sent), and handlers still running finish but their outputs are dropped. Returns how many
   * deliveries were stopped.
   */
  async killThread(threadId: ThreadId, reason: string): Promise<number> {
    this.threads.kill(threadId);
    const inThread = (d: Delivery): boolean => d.threadId === threadId;
    const stopped = [...this.queue.takeWhere(inThread), ...this.waiting.takeWhere(inThread)];
    const failure = {
      code: 'KILLED',
      message: 'the thread was killed by an operator',
      detail: reason,
      retryable: false,
    } as const;
    // A killed thread's failures are never retried and answered by no SystemError.
    for (const d of stopped) await this.outcomes.fail(d, failure, undefined);
    return stopped.length;
  }

  /** Stops taking messages from outside; internal traffic goes on so threads can finish. */
  pauseIntake(): void {
    this.accepting = false;
  }

  /** Resolves when no thread is open: nothing queued, running or waiting to retry. */
  whenQuiet(): Promise<void> {
    return this.threads.whenQuiet();
  }

  /** Stops at once: aborts running handlers' signals and cancels scheduled retries. */
  stop(): void {
    this.accepting = false;
    this.stopping.abort(new Error('engine stopping'));
    this.waiting.clear();
    void this.intake?.close();
  }

  /** The pipeline, on an intake worker when one can take it, else here. */
  private async runSteps(intake: Intake): Promise<PipelineMessage> {
    return (await this.intake?.run(intake)) ?? runPipeline(intake, this.ctx);
  }

  private async admit(deliveries: Delivery[]): Promise<void> {
    const first = deliveries[0];
    if (!first) return;
    const opened = this.threads.add(first.threadId, deliveries.length);
    try {
      await this.hooks.call('onIntent', deliveries);
    } catch (err) {
      // Nothing was recorded, so these deliveries never existed: a thread they opened ends unannounced.
      for (const d of deliveries) this.threads.settle(d.threadId, false, !opened);
      throw err;
    }
    if (opened) this.emitThread('thread.created', first.threadId);
    for (const d of deliveries) this.enqueue(d);
  }

  /** Queues a recorded delivery, or lets it go when another engine runs its listener (it is in the journal). */
  private enqueue(d: Delivery): void {
    if (this.opts.runsHere && !this.opts.runsHere(d.to)) {
      this.threads.drop(d.threadId);
      return;
    }
    this.queue.push(d);
  }

  private async execute(d: Delivery, slot: Slot): Promise<void> {
    // Stopped: a slot freed by a finishing handler must not start queued work against a closed journal.
    // The delivery is still unfinished in the journal; the next start runs it.
    if (this.stopping.signal.aborted) return;
    const listener = this.routing.get(d.to);
    if (!listener) {
      const failure = {
        code: 'UNKNOWN_ROUTE',
        message: 'the listener is gone',
        detail: `listener ${d.to} was removed`,
      } as const;
      return this.outcomes.fail(d, failure, undefined);
    }
    // A start that must be durable before the handler runs (a redelivery on PostgreSQL) is waited for; a
    // start that could not be recorded leaves the delivery unfinished in the journal, for the next run.
    const started = this.hooks.gate('onDispatched', d);
    if (started) {
      if (!(await this.outcomes.record('onDispatched', d, started))) return this.outcomes.forget(d, []);
      if (this.stopping.signal.aborted) return;
    }
    const running = this.queue.inFlightFor(listener.name);
    this.events.emit(() => receivedEvent(d));
    if (running === 1) this.emitListener(listener.name, 'processing');
    const result = await runHandler(listener, d, this.stopping.signal);
    if (this.stopping.signal.aborted) return;
    const outcome = result.ok ? await this.outputs.checked(d, result.outputs) : result;
    if (this.stopping.signal.aborted) return;
    // Once its outcome is written down (not yet committed), the delivery gives up its slot: the next
    // one starts, and its start shares the outcome's commit instead of waiting a commit behind it.
    // Written down first, so the journal never shows a listener's next start before this outcome.
    if (outcome.ok) await this.outcomes.acknowledge(d, outcome.deliveries, slot.free);
    else await this.outcomes.fail(d, outcome.failure, listener, slot.free);
    if (this.queue.inFlightFor(listener.name) === 1)
      this.emitListener(listener.name, outcome.ok ? 'idle' : 'error');
    // Out of the count before another outcome of this listener is looked at: the last one says idle.
    slot.done();
  }

  private deliveriesFor(m: PipelineMessage, kind: DeliveryKind): Delivery[] {
    for (const message of m.diagnostics) {
      this.events.emit(() => ({
        type: 'diagnostic',
        at: Date.now(),
        code: 'THREAD_ID_INVALID',
        message,
        ...(m.threadId ? { threadId: m.threadId } : {}),
      }));
    }
    return deliveriesOf(m, kind);
  }

  private emitThread(
    type: 'thread.created' | 'thread.completed' | 'thread.failed',
    threadId: ThreadId,
  ): void {
    this.events.emit(() => ({ type, at: Date.now(), threadId }));
  }

  private emitListener(listener: string, state: 'idle' | 'processing' | 'error' | 'paused'): void {
    this.events.emit(() => ({
      type: 'listener.state',
      at: Date.now(),
      listener,
      // A handler that finishes while its listener is paused leaves it paused.
      state: this.queue.isPaused(listener) && state !== 'processing' ? 'paused' : state,
      inFlight: this.queue.inFlightFor(listener),
    }));
  }
}
