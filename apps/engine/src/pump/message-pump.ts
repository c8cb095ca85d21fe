import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import type { Log, ThreadId } from '@organism/shared';
import type { CompiledSchema } from '../xml/index.ts';
import { Admission } from './admission.ts';
import type { InternalMessage, SubmitOptions, SubmitResult } from './admission.ts';
import type { Delivery, PipelineError } from './delivery.ts';
import { HookChain } from './dispatch-hooks.ts';
import type { DispatchHooks, HookFailureReport } from './dispatch-hooks.ts';
import { DispatchQueue } from './dispatch-queue.ts';
import { Dispatcher } from './dispatcher.ts';
import { EngineEvents } from './engine-events.ts';
import type { Listener } from './listener.ts';
import { HandlerOutputs } from './handler-outputs.ts';
import { DeliveryOutcomes } from './delivery-outcomes.ts';
import { Refusals } from './refusals.ts';
import { RoutingTable } from './routing-table.ts';
import { ThreadRegistry } from './thread-registry.ts';
import { RetrySchedule } from './retry-schedule.ts';
import { stderrLog } from './stderr-log.ts';

export type { InternalMessage, SubmitOptions, SubmitResult } from './admission.ts';

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
  private routing: RoutingTable;
  private readonly outcomes: DeliveryOutcomes;
  private readonly admission: Admission;
  private readonly dispatcher: Dispatcher;

  constructor(opts: PumpOptions) {
    this.log = opts.log ?? stderrLog('pump');
    this.events = new EngineEvents(this.log);
    this.routing = new RoutingTable(opts.listeners);
    // Every running handler listens for the stop signal: as many as maxConcurrency at once.
    setMaxListeners(0, this.stopping.signal);
    const ctx = {
      maxBytes: opts.limits.maxMessageBytes,
      maxDepth: opts.limits.maxDepth,
      routing: this.routing,
      envelopeSchema: opts.envelopeSchema,
      systemSchema: opts.systemSchema,
      newThreadId: () => randomUUID() as ThreadId,
    };
    const refusals = new Refusals(this.hooks, this.events);
    const outputs = new HandlerOutputs({
      routing: () => this.routing,
      run: (intake) => this.admission.runSteps(intake),
      refusals,
      threads: this.threads,
      maxHopsPerThread: opts.limits.maxHopsPerThread,
      log: this.log,
    });
    this.outcomes = new DeliveryOutcomes({
      hooks: this.hooks,
      events: this.events,
      threads: this.threads,
      outputs,
      hookFailed: (hook, err) => this.hookFailed(hook, err),
      enqueue: (d) => this.admission.enqueue(d),
      queueAt: (d, at, onTime) => this.queueAt(d, at, onTime),
      ...(opts.random ? { random: opts.random } : {}),
    });
    this.waiting = new RetrySchedule((d) => this.admission.enqueue(d));
    this.queue = new DispatchQueue({
      maxConcurrency: opts.limits.maxConcurrency,
      queueSize: opts.limits.queueSize,
      concurrencyOf: (name) => this.routing.get(name)?.concurrency,
      run: (d, slot) => this.dispatcher.execute(d, slot),
    });
    const { queue, hooks, events, threads, outcomes } = this;
    const stopping = this.stopping.signal;
    this.admission = new Admission({
      organism: opts.organism,
      ctx,
      intakeWorkers: opts.intakeWorkers ?? 0,
      intakeAlways: opts.intakeAlways,
      log: this.log,
      maxHopsPerThread: opts.limits.maxHopsPerThread,
      queue,
      hooks,
      events,
      threads,
      refusals,
      stopping,
      hookFailed: (hook, err) => this.hookFailed(hook, err),
      opened: (threadId) => this.emitThread('thread.created', threadId),
      runsHere: opts.runsHere,
    });
    this.dispatcher = new Dispatcher({
      routing: this.routing,
      queue,
      hooks,
      events,
      outputs,
      outcomes,
      stopping,
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
    return this.admission.whenWorkersReady();
  }

  /** Messages from outside whose pipeline an intake worker ran. */
  get intakeHandled(): number {
    return this.admission.handledByWorkers;
  }

  /** Deliveries queued for `listener` and not started (PENDING in the journal). */
  queuedFor(listener: string): number {
    return this.queue.queuedFor(listener);
  }

  isPaused(listener: string): boolean {
    return this.queue.isPaused(listener);
  }

  /** What waits for each paused listener that has anything waiting, most first. */
  waitingPaused(): { listener: string; queued: number }[] {
    return this.queue.waitingPaused;
  }

  /**
   * Pauses a listener: nothing more is dispatched to it (running handlers finish), while intake and
   * other listeners' outputs addressed to it are still accepted and wait, PENDING in the journal, in
   * order. Retries coming due join the same wait. Says whether it was running (false: already paused).
   */
  pauseListener(name: string): boolean {
    if (this.queue.isPaused(name)) return false;
    this.queue.pause(name);
    this.dispatcher.listenerState(name, 'paused');
    return true;
  }

  /** Resumes a paused listener: its waiting deliveries start, oldest first. False if it was not paused. */
  resumeListener(name: string): boolean {
    if (!this.queue.isPaused(name)) return false;
    this.queue.resume(name);
    // Its queue may already have started: the state then says so.
    this.dispatcher.listenerState(name, this.queue.inFlightFor(name) > 0 ? 'processing' : 'idle');
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
  submit(raw: string | Uint8Array, opts?: SubmitOptions): Promise<SubmitResult> {
    return this.admission.submit(raw, opts);
  }

  /** Sends the boot message to `system.boot`, if that listener exists. */
  boot(): Promise<void> {
    return this.admission.boot();
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
  sendInternal(o: InternalMessage): Promise<{ ok: true } | { ok: false; error: PipelineError }> {
    return this.admission.sendInternal(o);
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
    this.admission.setRouting(this.routing);
    this.dispatcher.setRouting(this.routing);
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
    this.admission.pauseIntake();
  }

  /** Resolves when no thread is open: nothing queued, running or waiting to retry. */
  whenQuiet(): Promise<void> {
    return this.threads.whenQuiet();
  }

  /** Stops at once: aborts running handlers' signals and cancels scheduled retries. */
  stop(): void {
    this.admission.pauseIntake();
    this.stopping.abort(new Error('engine stopping'));
    this.waiting.clear();
    this.admission.closeWorkers();
  }

  private emitThread(
    type: 'thread.created' | 'thread.completed' | 'thread.failed',
    threadId: ThreadId,
  ): void {
    this.events.emit(() => ({ type, at: Date.now(), threadId }));
  }
}
