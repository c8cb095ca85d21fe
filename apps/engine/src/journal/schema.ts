import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/** One row per delivery, plus one per refused input (state FAILED, `raw` set, no route). */
export const messages = sqliteTable(
  'messages',
  {
    id: text('id').primaryKey(),
    threadId: text('thread_id'),
    parentId: text('parent_id'),
    from: text('from_name'),
    to: text('to_name'),
    root: text('root'),
    kind: text('kind').notNull(),
    /** The private call chain, JSON array. */
    chain: text('chain').notNull().default('[]'),
    payload: text('payload'),
    raw: text('raw'),
    state: text('state', { enum: ['PENDING', 'DISPATCHED', 'ACKED', 'FAILED'] }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    errorCode: text('error_code'),
    errorDetail: text('error_detail'),
    nextAttemptAt: integer('next_attempt_at'),
    egress: integer('egress', { mode: 'boolean' }).notNull().default(false),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    index('messages_state_updated').on(t.state, t.updatedAt),
    index('messages_thread_created').on(t.threadId, t.createdAt),
    index('messages_to_created').on(t.to, t.createdAt),
    index('messages_root_created').on(t.root, t.createdAt),
    index('messages_created').on(t.createdAt, t.id),
  ],
);

/** The append-only event log: every transition with a monotonically increasing sequence number. */
export const transitions = sqliteTable(
  'transitions',
  {
    seq: integer('seq').primaryKey({ autoIncrement: true }),
    messageId: text('message_id').notNull(),
    threadId: text('thread_id'),
    state: text('state').notNull(),
    attempt: integer('attempt').notNull(),
    errorCode: text('error_code'),
    detail: text('detail'),
    at: integer('at').notNull(),
  },
  (t) => [index('transitions_message').on(t.messageId), index('transitions_at').on(t.at)],
);

/** One row per thread, kept current in the same transaction as its messages: list and sort cheaply. */
export const threads = sqliteTable(
  'threads',
  {
    id: text('id').primaryKey(),
    firstAt: integer('first_at').notNull(),
    lastAt: integer('last_at').notNull(),
    messages: integer('messages').notNull().default(0),
  },
  (t) => [index('threads_last').on(t.lastAt, t.id)],
);
