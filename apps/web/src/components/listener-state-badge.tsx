import type { ListenerState } from '@organism/shared';

/** `paused`: an operator paused it (listeners.pause); its deliveries wait PENDING until resumed. */
export type ListenerLook = ListenerState;

/**
 * A listener's state as CONSOLE.md draws it: idle grey, processing a blue pulse (a steady dot for people who
 * asked their system for less motion), paused striped, error red.
 */
const DOT: Record<ListenerLook, string> = {
  idle: 'bg-pending',
  processing: 'bg-dispatched motion-safe:animate-pulse live-pulse',
  paused:
    'bg-[repeating-linear-gradient(45deg,var(--pending)_0_2px,transparent_2px_4px)] ring-1 ring-pending',
  error: 'bg-failed',
};
const WORD: Record<ListenerLook, string> = {
  idle: 'text-muted',
  processing: 'text-dispatched',
  paused: 'text-muted',
  error: 'text-failed',
};

function lookOf(state: string): ListenerLook {
  return state in DOT ? (state as ListenerLook) : 'idle';
}

/** The state's dot alone (hidden from screen readers: the caller says the state in words). */
export function ListenerStateDot({ state, className = '' }: { state: string; className?: string }) {
  return (
    <span
      aria-hidden
      className={`inline-block size-2 shrink-0 rounded-full ${DOT[lookOf(state)]} ${className}`}
    />
  );
}

/** Dot and word: colour is never the only signal. */
export function ListenerStateBadge({ state }: { state: string }) {
  const look = lookOf(state);
  return (
    <span className={`inline-flex items-center gap-1.5 text-xs font-medium ${WORD[look]}`}>
      <span aria-hidden className={`inline-block size-2 shrink-0 rounded-full ${DOT[look]}`} />
      {state}
    </span>
  );
}
