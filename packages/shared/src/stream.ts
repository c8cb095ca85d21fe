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
 * One item of `events.stream`. Every item has an opaque id; resuming with the last one misses and repeats
 * nothing. `reset`: engine events were missed (the engine restarted, or the client fell too far behind):
 * refetch every snapshot. Transitions are never lost (they are read again from the journal).
 */
export type StreamItem =
  /** Consecutive journal transitions (those the filters let through), oldest first, never empty. */
  | { kind: 'transitions'; transitions: RoutedTransition[] }
  | { kind: 'event'; event: ConsoleEvent }
  | { kind: 'activity'; activity: Activity }
  | { kind: 'lagged'; behind: number }
  | { kind: 'pruned'; from: number; to: number }
  | { kind: 'reset'; reason: string };
