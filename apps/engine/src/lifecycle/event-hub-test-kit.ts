/** What the EventHub's tests share: a counted memory journal, hubs over it, and subscribers pulled by hand. */
import { changesInOrder } from '@organism/shared';
import type { ConsoleEvent, RoutedTransition } from '@organism/shared';
import { MemoryJournal } from '../journal/memory/memory-journal.ts';
import { EngineEvents } from '../pump/engine-events.ts';
import { EventHub } from './event-hub.ts';
import type { EventHubOptions, StreamOut } from './event-hub.ts';
import type { StreamRequest } from './stream-cursor.ts';

export interface Setup {
  journal: MemoryJournal;
  events: EngineEvents;
  reads: { count: number };
  hub(opts?: Partial<EventHubOptions>): EventHub;
}

const hubs: EventHub[] = [];
/** Closes every hub `setup` made (each test file's afterEach). */
export function closeHubs(): void {
  for (const h of hubs.splice(0)) h.close();
}

/** A memory journal whose transition reads are counted, engine events, and hubs over them. */
export function setup(): Setup {
  const journal = new MemoryJournal();
  const reads = { count: 0 };
  const read = journal.routedTransitions.bind(journal);
  journal.routedTransitions = (after, limit) => {
    reads.count++;
    return read(after, limit);
  };
  const events = new EngineEvents();
  return {
    journal,
    events,
    reads,
    hub: (opts = {}) => {
      const h = new EventHub({
        journal,
        events,
        activity: () => ({ listeners: [], routes: [] }),
        tickMs: 3_600_000,
        lingerMs: 0,
        itemGapMs: 0,
        ...opts,
      });
      hubs.push(h);
      return h;
    },
  };
}

/** A subscription pulled item by item, as tRPC pulls it for the SSE response. */
export class Subscriber {
  readonly items: StreamOut[] = [];
  private readonly abort = new AbortController();
  private readonly gen: AsyncGenerator<StreamOut>;

  constructor(hub: EventHub, req: StreamRequest = {}) {
    this.gen = hub.stream(req, this.abort.signal);
  }

  /** A pull not answered yet: kept, so a value that arrives later is not lost. */
  private pulling: Promise<IteratorResult<StreamOut>> | undefined;

  private next(): Promise<IteratorResult<StreamOut>> {
    this.pulling ??= this.gen.next();
    return this.pulling;
  }

  private take(result: IteratorResult<StreamOut>): void {
    this.pulling = undefined;
    if (result.done) throw new Error('the stream ended');
    this.items.push(result.value);
  }

  /** Pulls until `done` holds for what was received so far. */
  async until(done: (items: StreamOut[]) => boolean): Promise<StreamOut[]> {
    while (!done(this.items)) this.take(await this.next());
    return this.items;
  }

  /** Pulls until the stream has nothing more to give now (it is waiting); the pull stays pending. */
  async drain(): Promise<StreamOut[]> {
    for (;;) {
      const next = await Promise.race([this.next(), idle().then(() => 'idle' as const)]);
      if (next === 'idle') return this.items;
      this.take(next);
    }
  }

  async close(): Promise<void> {
    this.abort.abort();
    await this.gen.return(undefined);
  }
}

/** Several turns of the event loop: long enough for every wake-up and read already scheduled to run. */
export async function idle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
}

export const transitionsOf = (items: StreamOut[]): RoutedTransition[] =>
  items.flatMap((i) => (i.item.kind === 'changes' ? i.item.transitions : []));
export const seqs = (items: StreamOut[]): number[] => transitionsOf(items).map((t) => t.seq);
/** Transitions one by one and events, as a subscriber applies them (however they were grouped). */
export const units = (items: StreamOut[]): (RoutedTransition | ConsoleEvent)[] =>
  items.flatMap((i) => changesInOrder(i.item));
export const isEvent = (u: RoutedTransition | ConsoleEvent): u is ConsoleEvent => 'type' in u;
export const kinds = (items: StreamOut[]): string[] => items.map((i) => i.item.kind);
export const thread = (type: 'thread.created' | 'thread.completed', n: number): ConsoleEvent => ({
  type,
  at: n,
  threadId: `t${n}`,
});
export const eventsOf = (items: StreamOut[]): ConsoleEvent[] =>
  items.flatMap((i) => (i.item.kind === 'changes' ? i.item.events.map((e) => e.event) : []));
