import type { Delivery } from './delivery.ts';
import { receivedEvent } from './delivery-events.ts';
import type { DeliveryOutcomes } from './delivery-outcomes.ts';
import type { HookChain } from './dispatch-hooks.ts';
import type { DispatchQueue, Slot } from './dispatch-queue.ts';
import type { EngineEvents } from './engine-events.ts';
import type { HandlerOutputs } from './handler-outputs.ts';
import { runHandler } from './handler-run.ts';
import type { RoutingTable } from './routing-table.ts';

export interface DispatcherDeps {
  routing: RoutingTable;
  queue: DispatchQueue;
  hooks: HookChain;
  events: EngineEvents;
  outputs: HandlerOutputs;
  outcomes: DeliveryOutcomes;
  /** Aborted when the pump stops: running handlers' signal, and the end of every run. */
  stopping: AbortSignal;
}

/**
 * Runs the deliveries the dispatch queue starts, one slot each: the start recorded, the handler under
 * its listener's timeout, its outputs checked, its outcome recorded before the slot goes to the next.
 * It says each listener's state (idle, processing, error, paused) as its deliveries start and end.
 */
export class Dispatcher {
  private routing: RoutingTable;

  constructor(private readonly deps: DispatcherDeps) {
    this.routing = deps.routing;
  }

  /** The listeners a reload put in force. */
  setRouting(routing: RoutingTable): void {
    this.routing = routing;
  }

  /** Runs `d` in the slot the queue gave it; frees the slot once its outcome is written down. */
  async execute(d: Delivery, slot: Slot): Promise<void> {
    const { stopping, queue, outcomes } = this.deps;
    // Stopped: a slot freed by a finishing handler must not start queued work against a closed journal.
    // The delivery is still unfinished in the journal; the next start runs it.
    if (stopping.aborted) return;
    const listener = this.routing.get(d.to);
    if (!listener) {
      const failure = {
        code: 'UNKNOWN_ROUTE',
        message: 'the listener is gone',
        detail: `listener ${d.to} was removed`,
      } as const;
      return outcomes.fail(d, failure, undefined);
    }
    // A start that must be durable before the handler runs (a redelivery on PostgreSQL) is waited for; a
    // start that could not be recorded leaves the delivery unfinished in the journal, for the next run.
    const started = this.deps.hooks.gate('onDispatched', d);
    if (started) {
      if (!(await outcomes.record('onDispatched', d, started))) return outcomes.forget(d, []);
      if (stopping.aborted) return;
    }
    const running = queue.inFlightFor(listener.name);
    this.deps.events.emit(() => receivedEvent(d));
    if (running === 1) this.listenerState(listener.name, 'processing');
    const result = await runHandler(listener, d, stopping);
    if (stopping.aborted) return;
    const outcome = result.ok ? await this.deps.outputs.checked(d, result.outputs) : result;
    if (stopping.aborted) return;
    // Once its outcome is written down (not yet committed), the delivery gives up its slot: the next
    // one starts, and its start shares the outcome's commit instead of waiting a commit behind it.
    // Written down first, so the journal never shows a listener's next start before this outcome.
    if (outcome.ok) await outcomes.acknowledge(d, outcome.deliveries, slot.free);
    else await outcomes.fail(d, outcome.failure, listener, slot.free);
    if (queue.inFlightFor(listener.name) === 1)
      this.listenerState(listener.name, outcome.ok ? 'idle' : 'error');
    // Out of the count before another outcome of this listener is looked at: the last one says idle.
    slot.done();
  }

  /** Emits a `listener.state` event; a paused listener stays paused whatever its handlers do. */
  listenerState(listener: string, state: 'idle' | 'processing' | 'error' | 'paused'): void {
    const { queue } = this.deps;
    this.deps.events.emit(() => ({
      type: 'listener.state',
      at: Date.now(),
      listener,
      // A handler that finishes while its listener is paused leaves it paused.
      state: queue.isPaused(listener) && state !== 'processing' ? 'paused' : state,
      inFlight: queue.inFlightFor(listener),
    }));
  }
}
