import { z } from 'zod';

/** Certified mail: every message is PENDING, then DISPATCHED, then ACKED or FAILED (a dead letter). */
export const messageStates = ['PENDING', 'DISPATCHED', 'ACKED', 'FAILED'] as const;
export const messageStateSchema = z.enum(messageStates);
export type MessageState = z.infer<typeof messageStateSchema>;

/** A transition as the event log records it; DISCARDED marks an operator removing a dead letter. */
export const transitionStates = [...messageStates, 'DISCARDED'] as const;
export type TransitionState = (typeof transitionStates)[number];

export type ThreadStatus = 'active' | 'completed' | 'failed';

/** One journal entry as lists show it. Rejected input has no route: `to`, `threadId` may be null. */
export interface MessageSummary {
  id: string;
  threadId: string | null;
  parentId: string | null;
  from: string | null;
  to: string | null;
  root: string | null;
  kind: string;
  state: MessageState;
  attempts: number;
  errorCode: string | null;
  /** The first line of the error's detail, at most 200 characters (all of it: `MessageDetail.errorDetail`). */
  errorLine: string | null;
  egress: boolean;
  createdAt: number;
  updatedAt: number;
}

export interface Transition {
  seq: number;
  messageId: string;
  threadId: string | null;
  state: TransitionState;
  attempt: number;
  errorCode: string | null;
  detail: string | null;
  at: number;
}

/** One entry with everything: the canonical envelope (or the raw input it refused) and its history. */
export interface MessageDetail extends MessageSummary {
  payloadXml: string | null;
  envelopeXml: string | null;
  raw: string | null;
  errorDetail: string | null;
  nextAttemptAt: number | null;
  transitions: Transition[];
}

export interface ThreadSummary {
  id: string;
  status: ThreadStatus;
  participants: string[];
  messages: number;
  failed: number;
  firstAt: number;
  lastAt: number;
}

/**
 * One engine among those sharing a PostgreSQL journal (`organism.engines`). `running` while its session
 * holds its lock and its heartbeat is fresh; `stopped` once it left gracefully; `dead` once it was found
 * dead (its work then went to `adoptedBy`).
 */
export interface EngineSummary {
  id: string;
  host: string;
  pid: number;
  /** Where its HTTP server listens; null until it does. */
  address: string | null;
  state: 'running' | 'stopped' | 'dead';
  startedAt: number;
  /** Its last heartbeat (ms, the database server's clock). */
  heartbeatAt: number;
  /** Whether this is the engine answering. */
  self: boolean;
  adoptedBy: string | null;
  adoptedAt: number | null;
  /** The version of the organism's configuration it runs (null until it said). */
  configVersion: string | null;
  /** Why it could not run the newest shared configuration (it runs `configVersion` meanwhile). */
  configError: string | null;
  /** Whether a supervisor starts it again after a restart, so a rolling restart can include it. */
  supervised: boolean;
  /** Whether a rolling restart asked it to restart (it drains, then its supervisor starts a new one). */
  restarting: boolean;
  /** The listeners it runs (`--listeners`), besides the engine's own `system.*`; null: all of them. */
  listeners: string[] | null;
}

/** The newest configuration engines sharing a journal follow (`organism.engines`). */
export interface SharedConfigSummary {
  version: string;
  /** Who made the change, and on which engine. */
  actor: string;
  engine: string;
  at: number;
}

export interface JournalStats {
  durability: 'strict' | 'fast' | 'memory';
  counts: Record<MessageState, number>;
  /**
   * Of the FAILED entries, how many are refused input (kind `rejected`): never delivered, never retried.
   * `counts.FAILED - refused` are the failed deliveries.
   */
  refused: number;
  oldestPendingAt: number | null;
  /** Transitions per second over the last minute, by state. */
  ratePerSecond: Record<MessageState, number>;
  lastSeq: number;
}

/**
 * Outcomes per second over the last five minutes, as the journal wrote them (`journal.throughput`): one
 * slot per second from `start` (unix seconds) to the last whole second. Delivered = ACKED, failed = FAILED
 * after a delivery, rejected = refused at intake (FAILED with attempt 0). Null before `since`, the first
 * second this engine process counted: unknown, not zero.
 */
export interface ThroughputHistory {
  start: number;
  since: number;
  delivered: (number | null)[];
  failed: (number | null)[];
  rejected: (number | null)[];
}

/** Keyset pagination: `cursor` is opaque, from the previous page's `nextCursor`. */
export const pageInputSchema = z.strictObject({
  limit: z.number().int().min(1).max(500).default(50),
  cursor: z.string().optional(),
});

/**
 * Which entries a list or a bulk retry means. `to` and `from` are one side of a delivery (retry by
 * listener is `to`: deliveries to it, not its own outgoing messages); `participant` is either side.
 * `refused` tells input refused at intake (kind `rejected`, FAILED with attempt 0, which the console
 * shows as REJECTED) from everything else: true keeps only that, false leaves it out (`state: 'FAILED',
 * refused: false` is the dead letters of deliveries). Unknown keys are refused, so a misspelt or retired
 * key never widens a bulk retry to every dead letter.
 */
export const messageFilterSchema = z.strictObject({
  threadId: z.string().optional(),
  /** A recipient; `null` keeps the entries addressed to no one (refused input that named no listener). */
  to: z.string().nullable().optional(),
  from: z.string().optional(),
  participant: z.string().optional(),
  state: messageStateSchema.optional(),
  refused: z.boolean().optional(),
  root: z.string().optional(),
  errorCode: z.string().optional(),
  since: z.number().optional(),
  until: z.number().optional(),
});
export type MessageFilter = z.infer<typeof messageFilterSchema>;

export const messageListInputSchema = z.strictObject({
  ...pageInputSchema.shape,
  ...messageFilterSchema.shape,
});
export type MessageListInput = z.input<typeof messageListInputSchema>;

/** `participant`: a listener or producer on either side of one of the thread's messages. */
export const threadListInputSchema = z.strictObject({
  ...pageInputSchema.shape,
  status: z.enum(['active', 'completed', 'failed']).optional(),
  participant: z.string().optional(),
});
export type ThreadListInput = z.input<typeof threadListInputSchema>;

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
