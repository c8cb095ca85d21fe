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

/** Per-listener state and counters since start, kept from engine events for the console. */
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
