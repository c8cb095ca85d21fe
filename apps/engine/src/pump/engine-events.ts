import type { EngineEvent, EngineEventType } from '@organism/shared';

/** A subscriber; it may be async, but nothing waits for it. */
type Listener<E> = (event: E) => unknown;
type EventOf<T extends EngineEventType> = Extract<EngineEvent, { type: T }>;

/**
 * Typed engine events for the console and extensions. Emitting with no subscriber costs one check.
 * A subscriber that throws, or returns a promise that rejects, is reported on stderr and reaches
 * neither the pump nor the other subscribers: an observer can never end or stall the engine.
 */
export class EngineEvents {
  private readonly byType = new Map<EngineEventType | '*', Set<Listener<EngineEvent>>>();
  private count = 0;

  get active(): boolean {
    return this.count > 0;
  }

  on<T extends EngineEventType>(type: T, fn: Listener<EventOf<T>>): () => void;
  on(type: '*', fn: Listener<EngineEvent>): () => void;
  on(type: EngineEventType | '*', fn: Listener<never>): () => void {
    const set = this.byType.get(type) ?? new Set();
    this.byType.set(type, set);
    const listener = fn as Listener<EngineEvent>;
    set.add(listener);
    this.count++;
    return () => {
      if (set.delete(listener)) this.count--;
    };
  }

  /** Builds and emits the event only when someone listens, so hot paths pay nothing otherwise. */
  emit(make: () => EngineEvent): void {
    if (this.count === 0) return;
    let event: EngineEvent;
    try {
      event = make();
    } catch (err) {
      console.error('an engine event could not be built:', err);
      return;
    }
    for (const key of [event.type, '*'] as const) {
      for (const fn of this.byType.get(key) ?? []) {
        try {
          const r = fn(event);
          if (isThenable(r)) Promise.resolve(r).catch((err: unknown) => subscriberFailed(event, err));
        } catch (err) {
          subscriberFailed(event, err);
        }
      }
    }
  }
}

function isThenable(x: unknown): x is PromiseLike<unknown> {
  return typeof (x as PromiseLike<unknown> | null | undefined)?.then === 'function';
}

function subscriberFailed(event: EngineEvent, err: unknown): void {
  console.error(`engine event subscriber failed on ${event.type}:`, err);
}
