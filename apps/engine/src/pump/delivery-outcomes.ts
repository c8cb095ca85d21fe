import type { Delivery, DispatchFailure } from './delivery.ts';
import type { HookChain, HookFailureReport, HookName } from './dispatch-hooks.ts';
import type { EngineEvents } from './engine-events.ts';
import type { HandlerOutputs } from './handler-outputs.ts';
import type { Listener } from './listener.ts';
import type { ThreadRegistry } from './thread-registry.ts';
import { backoffDelay } from './backoff.ts';
import { failedEvent, notRecordedEvent, sentEvent } from './delivery-events.ts';

const RETRYABLE = new Set(['HANDLER_ERROR', 'HANDLER_TIMEOUT']);

export interface DeliveryOutcomesDeps {
  hooks: HookChain;
  events: EngineEvents;
  threads: ThreadRegistry;
  outputs: HandlerOutputs;
  /** How a hook's failure is reported (it can be replaced while the pump runs). */
  hookFailed: HookFailureReport;
  /** Queues a recorded delivery. */
  enqueue: (d: Delivery) => void;
  /** Queues `d` again at `at` (ms since the epoch), calling `onTime` first (a retry). */
  queueAt: (d: Delivery, at: number, onTime: (d: Delivery) => void) => void;
  random?: () => number;
}

/**
 * How a delivery's run ends: acknowledged with its outputs, failed to be retried on its listener's
 * backoff, or failed for good (a dead letter, answered by a SystemError where one may be sent). Each
 * outcome is recorded by the hooks (the journal) before what it sends is queued.
 *
 * Every method takes `recorded`, called once the outcome is written down (not yet committed): the pump
 * frees the delivery's slot then, so the next start shares the outcome's commit.
 */
export class DeliveryOutcomes {
  /** Deliveries whose outcome no hook could record; the journal still has them unfinished. */
  unrecorded = 0;

  constructor(private readonly deps: DeliveryOutcomesDeps) {}

  /** Records `d` done with its outputs (none when its thread was killed). */
  async acknowledge(d: Delivery, produced: Delivery[], recorded: () => void): Promise<void> {
    const outputs = this.deps.threads.killed(d.threadId) ? [] : produced;
    await this.finish(d, outputs, undefined, recorded);
  }

  /** Records `d` failed, to retry (a retryable failure within its listener's policy) or for good. */
  async fail(
    d: Delivery,
    failure: DispatchFailure,
    listener: Listener | undefined,
    recorded: () => void = () => {},
  ): Promise<void> {
    const { threads, events, hooks } = this.deps;
    const policy = listener?.retry;
    const willRetry =
      !!policy &&
      RETRYABLE.has(failure.code) &&
      failure.retryable !== false &&
      !threads.killed(d.threadId) &&
      d.attempt < policy.maxAttempts;
    events.emit(() => failedEvent(d, failure, willRetry));
    if (willRetry) {
      const delay = backoffDelay(policy, d.attempt, this.deps.random);
      // Retried even when the retry could not be recorded: the journal still has it unfinished.
      const call = hooks.call('onFailed', d, failure, { retryAt: Date.now() + delay, outputs: [] });
      recorded();
      await this.record('onFailed', d, call);
      // stop() may have run while the failure was being recorded: queueAt sets no timer then.
      this.deps.queueAt(d, Date.now() + delay, (due) => due.attempt++);
      return;
    }
    const outputs =
      d.kind === 'boot' || threads.killed(d.threadId) ? [] : await this.deps.outputs.systemError(d, failure);
    await this.finish(d, outputs, failure, recorded);
  }

  /**
   * Waits for a hook call that records `d`'s outcome; says whether it was recorded. A failure is
   * reported, counted and announced as a diagnostic: `d` stays unfinished in the journal, so the
   * next start runs it again (at-least-once), while this run goes on without it.
   */
  async record(hook: HookName, d: Delivery, call: Promise<void>): Promise<boolean> {
    try {
      await call;
      return true;
    } catch (err) {
      this.deps.hookFailed(hook, err);
      this.unrecorded++;
      this.deps.events.emit(() => notRecordedEvent(d));
      return false;
    }
  }

  /** Drops a delivery whose outcome was not recorded, with the outputs that were never released. */
  forget(d: Delivery, unreleased: readonly Delivery[]): void {
    for (const _ of unreleased) this.deps.threads.settle(d.threadId, false);
    this.deps.threads.settle(d.threadId, true);
  }

  /**
   * Counts the outputs in `d`'s thread, records `d` acknowledged (or failed for good, with `failure`),
   * then queues the outputs and settles `d`.
   */
  private async finish(
    d: Delivery,
    outputs: readonly Delivery[],
    failure: DispatchFailure | undefined,
    recorded: () => void,
  ): Promise<void> {
    const { threads, events, hooks } = this.deps;
    const routed = outputs.filter((o) => !o.egress);
    if (routed.length > 0) threads.add(d.threadId, routed.length);
    const call = failure
      ? hooks.call('onFailed', d, failure, { outputs })
      : hooks.call('onAcknowledged', d, outputs);
    recorded();
    if (!(await this.record(failure ? 'onFailed' : 'onAcknowledged', d, call))) {
      this.forget(d, routed);
      return;
    }
    // Egress only leaves a trace.
    for (const o of outputs) {
      events.emit(() => sentEvent(o));
      if (!o.egress) this.deps.enqueue(o);
    }
    threads.settle(d.threadId, failure !== undefined);
  }
}
