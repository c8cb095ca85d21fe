import type { EngineEvent, EngineEventType, Log } from '@organism/shared';
import { stderrLog } from './stderr-log.ts';
import { isThenable } from './is-thenable.ts';

/** A subscriber; it may be async, but nothing waits for it. */
type Listener<E> = (event: E) => unknown;
type EventOf<T extends EngineEventType> = Extract<EngineEvent, { type: T }>;

/**
 * Typed engine events for the console and extensions. Emitting with no subscriber costs one check.
 * A subscriber that throws, or returns a promise that rejects, is reported to `log` and reaches
 * neither the pump nor the other subscribers: an observer can never end or stall the engine.
 */
export class EngineEvents {
  private readonly byType = new Map<EngineEventType | '*', Set<Listener<EngineEvent>>>();
  private count = 0;

  constructor(private readonly log: Log = stderrLog('events')) {}

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
      this.log.error({ err }, 'an engine event could not be built');
      return;
    }
    for (const key of [event.type, '*'] as const) {
      for (const fn of this.byType.get(key) ?? []) {
        try {
          const r = fn(event);
          if (isThenable(r)) Promise.resolve(r).catch((err: unknown) => this.subscriberFailed(event, err));
        } catch (err) {
          this.subscriberFailed(event, err);
        }
      }
    }
  }

  private subscriberFailed(event: EngineEvent, err: unknown): void {
    // Not `event`: in the log that field marks the line of an engine event itself.
    this.log.error({ err, failedOn: event.type }, `engine event subscriber failed on ${event.type}`);
  }
}
