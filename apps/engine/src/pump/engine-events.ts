import type { EngineEvent, EngineEventType } from '@organism/shared';

type Listener<E> = (event: E) => void;
type EventOf<T extends EngineEventType> = Extract<EngineEvent, { type: T }>;

/**
 * Typed engine events for the console and extensions. Emitting with no subscriber costs one check;
 * a subscriber that throws is reported on stderr and never breaks the pump.
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
    const event = make();
    for (const key of [event.type, '*'] as const) {
      for (const fn of this.byType.get(key) ?? []) {
        try {
          fn(event);
        } catch (err) {
          console.error(`engine event subscriber failed on ${event.type}:`, err);
        }
      }
    }
  }
}
