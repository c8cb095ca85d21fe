import type { Activity } from './console-api.ts';
import type {
  DrainEvent,
  JournalAvailableEvent,
  JournalUnavailableEvent,
  ListenerStateEvent,
  ReloadEvent,
  ThreadEvent,
} from './events.ts';
import type { Transition } from './journal.ts';

/**
 * A journal transition with the route of its entry. `from`, `to` and `root` are null where the entry has
 * none (refused input) or is gone (a discarded dead letter: `kind` is then `''`).
 */
export type RoutedTransition = Transition & {
  from: string | null;
  to: string | null;
  root: string | null;
  kind: string;
};

/** The engine events the console's stream carries. */
export type ConsoleEvent =
  | ListenerStateEvent
  | ThreadEvent
  | ReloadEvent
  | DrainEvent
  | JournalUnavailableEvent
  | JournalAvailableEvent;

export const consoleEventTypes = [
  'listener.state',
  'thread.created',
  'thread.completed',
  'thread.failed',
  'reload',
  'drain',
  'journal.unavailable',
  'journal.available',
] as const satisfies readonly ConsoleEvent['type'][];

/**
 * An engine event in the stream, with its place among the transitions: it came after every transition
 * up to the journal sequence number `after`, and before any later one.
 */
export interface StreamEvent {
  after: number;
  event: ConsoleEvent;
}

/**
 * One item of `events.stream`. Every item has an opaque id; resuming with the last one misses and repeats
 * nothing. `reset`: engine events were missed (the engine restarted, or the client fell too far behind):
 * refetch every snapshot. Transitions are never lost (they are read again from the journal).
 */
export type StreamItem =
  /**
   * What happened since the previous item: consecutive journal transitions (those the filters let
   * through), oldest first, and the engine events that came among them, in order; never both empty.
   */
  | { kind: 'changes'; transitions: RoutedTransition[]; events: StreamEvent[] }
  | { kind: 'activity'; activity: Activity }
  | { kind: 'lagged'; behind: number }
  | { kind: 'pruned'; from: number; to: number }
  | { kind: 'reset'; reason: string };

/**
 * A `changes` item's transitions and events one by one, in the order they happened: each event before
 * the first transition past its `after`. For a client that applies them in turn (the console applies an
 * item at once and needs no order).
 */
export function changesInOrder(item: StreamItem): (RoutedTransition | ConsoleEvent)[] {
  if (item.kind !== 'changes') return [];
  const out: (RoutedTransition | ConsoleEvent)[] = [];
  let e = 0;
  for (const t of item.transitions) {
    for (let x = item.events[e]; x && x.after < t.seq; x = item.events[++e]) out.push(x.event);
    out.push(t);
  }
  for (; e < item.events.length; e++) out.push((item.events[e] as StreamEvent).event);
  return out;
}
