import type { ListenerState } from '@organism/shared';
import type { EngineEvents } from '../pump/engine-events.ts';

export interface ListenerCounts {
  state: ListenerState;
  received: number;
  failed: number;
  lastError: string | null;
  lastActivityAt: number | null;
  /** When a delivery to it last failed (ms), or null: the console marks it failing for a while after. */
  lastFailedAt: number | null;
}

/** What a listener counted, as an engine hands it to the next one on a restart (its state is the new engine's). */
export type CountedListener = Omit<ListenerCounts, 'state'>;

/**
 * Per-listener state and counters since start (or since the engine before, on a restart: `restore`), kept
 * from engine events for the console.
 */
export class ListenerActivity {
  private readonly byName = new Map<string, ListenerCounts>();

  constructor(events: EngineEvents) {
    events.on('listener.state', (e) => {
      this.get(e.listener).state = e.state;
    });
    events.on('message.received', (e) => {
      const c = this.get(e.to);
      c.received++;
      c.lastActivityAt = e.at;
    });
    events.on('message.failed', (e) => {
      const c = this.get(e.listener);
      c.failed++;
      c.lastError = `${e.code}: ${e.message}`;
      c.lastActivityAt = e.at;
      c.lastFailedAt = e.at;
    });
  }

  /** Every listener's counts so far, for the engine that opens the journal next. */
  counted(): Record<string, CountedListener> {
    const out: Record<string, CountedListener> = {};
    for (const [name, { state: _state, ...counts }] of this.byName) out[name] = counts;
    return out;
  }

  /**
   * Takes on what the engine before this one counted (a restart): added to what this one counted since
   * (nothing, when taken before intake opens), the later of each time kept.
   */
  restore(before: Record<string, CountedListener>): void {
    for (const [name, b] of Object.entries(before)) {
      const c = this.get(name);
      c.received += b.received;
      c.failed += b.failed;
      c.lastError ??= b.lastError;
      c.lastActivityAt = later(c.lastActivityAt, b.lastActivityAt);
      c.lastFailedAt = later(c.lastFailedAt, b.lastFailedAt);
    }
  }

  get(name: string): ListenerCounts {
    let c = this.byName.get(name);
    if (!c)
      this.byName.set(
        name,
        (c = {
          state: 'idle',
          received: 0,
          failed: 0,
          lastError: null,
          lastActivityAt: null,
          lastFailedAt: null,
        }),
      );
    return c;
  }
}

const later = (a: number | null, b: number | null): number | null =>
  a === null ? b : b === null ? a : Math.max(a, b);
