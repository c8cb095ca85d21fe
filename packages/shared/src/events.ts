import type { EngineErrorCode } from './errors.ts';
import type { Problem } from './errors.ts';

/** `paused`: an operator paused it; its deliveries wait PENDING until it is resumed. */
export type ListenerState = 'idle' | 'processing' | 'error' | 'paused';

interface Base {
  /** Milliseconds since the epoch. */
  at: number;
}

export interface MessageReceivedEvent extends Base {
  type: 'message.received';
  messageId: string;
  threadId: string;
  from: string;
  to: string;
  root: string;
  attempt: number;
  /** How long the delivery waited between being accepted and its handler starting. */
  waitedMs: number;
}
export interface MessageSentEvent extends Base {
  type: 'message.sent';
  messageId: string;
  threadId: string;
  from: string;
  to: string;
  root: string;
  kind: 'reply' | 'forward' | 'error' | 'egress';
}
export interface MessageRejectedEvent extends Base {
  type: 'message.rejected';
  code: EngineErrorCode;
  message: string;
  problems: Problem[];
  from?: string;
  threadId?: string;
}
/** A handler failure with the full detail that the sender's SystemError leaves out. */
export interface MessageFailedEvent extends Base {
  type: 'message.failed';
  messageId: string;
  threadId: string;
  /** Who sent the failed delivery: a listener or an outside producer. */
  from: string;
  listener: string;
  code: EngineErrorCode;
  message: string;
  detail?: string;
  attempt: number;
  willRetry: boolean;
}
export interface ListenerStateEvent extends Base {
  type: 'listener.state';
  listener: string;
  state: ListenerState;
  inFlight: number;
}
export interface ThreadEvent extends Base {
  type: 'thread.created' | 'thread.completed' | 'thread.failed';
  threadId: string;
}
export interface ReloadEvent extends Base {
  type: 'reload';
  added: string[];
  removed: string[];
  updated: string[];
  /** The settings the reload changed that only the next start reads (`server.port`, `pump.concurrency`). */
  atRestart?: string[];
}
/** Something odd but recoverable, e.g. an invalid thread id that started a new thread. */
export interface DiagnosticEvent extends Base {
  type: 'diagnostic';
  code: string;
  message: string;
  threadId?: string;
}

/**
 * Progress of a drain before a restart or a graceful stop: at once, every half second, and at its end
 * (the one event with `ended`).
 */
export interface DrainEvent extends Base {
  type: 'drain';
  openThreads: number;
  inFlight: number;
  queued: number;
  /**
   * Of `queued`, what waits for a paused listener, per listener (most first): it cannot move until the
   * listener is resumed, so the drain does not wait for it; it stays PENDING in the journal.
   */
  waitingPaused: { listener: string; queued: number }[];
  elapsedMs: number;
  deadlineMs: number;
  /**
   * On the last event only, how the drain ended: `drained` (nothing left), `paused` (only paused
   * listeners' work left, which stays in the journal), `timeout` (the time ran out with work unfinished).
   */
  ended?: 'drained' | 'paused' | 'timeout';
}

/**
 * The journal could not write: intake is refused with JOURNAL_UNAVAILABLE (HTTP 503) until a probe
 * write succeeds. Sent once per outage.
 */
export interface JournalUnavailableEvent extends Base {
  type: 'journal.unavailable';
  /** What the journal said, e.g. `SQLITE_FULL: database or disk is full`. */
  reason: string;
}

/** The journal writes again (a probe write succeeded) and intake is open again. */
export interface JournalAvailableEvent extends Base {
  type: 'journal.available';
  /** How long the journal could not write. */
  downMs: number;
  /** Write transactions that failed during the outage, probes included. */
  failedWrites: number;
  /** Deliveries whose outcome was lost during the outage: unfinished in the journal, run again at the next start. */
  unrecorded: number;
}

export type EngineEvent =
  | DrainEvent
  | JournalUnavailableEvent
  | JournalAvailableEvent
  | MessageReceivedEvent
  | MessageSentEvent
  | MessageRejectedEvent
  | MessageFailedEvent
  | ListenerStateEvent
  | ThreadEvent
  | ReloadEvent
  | DiagnosticEvent;

export type EngineEventType = EngineEvent['type'];
