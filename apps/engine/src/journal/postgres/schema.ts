import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  customType,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { messageStates, transitionStates } from '@organism/shared';
import { countedStates } from '../schema.ts';

/**
 * The PostgreSQL journal's tables: the same tables, columns and meanings as the SQLite journal's
 * (../schema.ts, whose comments say what each holds), in PostgreSQL's types. Differences:
 * - entry and thread ids are `uuid` (they are UUIDv4 everywhere): a 16-byte key;
 * - times in milliseconds are `bigint` read as numbers;
 * - `messages.seq` orders entries as they were written (SQLite's rowid): the search's candidates walk it;
 * - the payload's words are a `tsvector` beside the row (`words`, GIN index) rather than an FTS5 table.
 * Migrations: drizzle-kit generates them into drizzle-pg/ from this file (`drizzle.pg.config.ts`).
 */
const ms = (name: string) => bigint(name, { mode: 'number' });
const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });

export const messages = pgTable(
  'messages',
  {
    id: uuid('id').notNull(),
    seq: bigint('seq', { mode: 'number' }).generatedAlwaysAsIdentity().notNull(),
    /**
     * The partition it lives in (migration 0011, pg-partitions.ts): the day it was written, in days since
     * 1970; 0 (the `messages_kept` partition) once retention kept it past its day, or when its day has no
     * partition.
     */
    part: integer('part').notNull().default(0),
    threadId: uuid('thread_id'),
    parentId: uuid('parent_id'),
    from: text('from_name'),
    to: text('to_name'),
    root: text('root'),
    kind: text('kind').notNull(),
    chain: text('chain').notNull().default('[]'),
    payload: text('payload'),
    raw: text('raw'),
    state: text('state', { enum: messageStates }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    errorCode: text('error_code'),
    errorDetail: text('error_detail'),
    nextAttemptAt: ms('next_attempt_at'),
    egress: boolean('egress').notNull().default(false),
    createdAt: ms('created_at').notNull(),
    updatedAt: ms('updated_at').notNull(),
    words: tsvector('words'),
    /** The engine that runs it: the one that wrote it, or adopted it from an engine that died. */
    owner: uuid('owner'),
  },
  // No primary key on the partitioned table: each partition has its own, on `id` alone
  // (pg-partitions.ts), which tells the planner an id is one row.
  (t) => [
    index('messages_state_created').on(t.state, t.createdAt, t.to, t.from, t.root),
    index('messages_thread_created').on(t.threadId, t.createdAt),
    index('messages_to_created').on(t.to, t.createdAt, t.from, t.root),
    index('messages_from_created').on(t.from, t.createdAt, t.to, t.root),
    index('messages_root_created').on(t.root, t.createdAt, t.to, t.from),
    index('messages_error_created')
      .on(t.errorCode, t.createdAt, t.to, t.from, t.root)
      .where(sql`error_code IS NOT NULL`),
    index('messages_created').on(t.createdAt, t.id),
    index('messages_failed_groups')
      .on(t.to, t.errorCode, t.updatedAt, t.kind)
      .where(sql`state = 'FAILED'`),
    // The latest failures, by when they failed (journal.latestFailures). Partial, as the one above.
    index('messages_failed_at')
      .on(t.updatedAt, t.id)
      .where(sql`state = 'FAILED'`),
    index('messages_seq').on(t.seq),
    index('messages_words').using('gin', t.words),
    // What an engine adopts from one that died: its unfinished entries only.
    index('messages_owner_unfinished')
      .on(t.owner)
      .where(sql`state IN ('PENDING', 'DISPATCHED')`),
    // Work no engine owns yet, one listener at a time in the order it was written: the claim's index
    // (pg-claims.ts), small whatever the table's size.
    index('messages_unowned')
      .on(t.to, t.seq)
      .where(sql`owner IS NULL AND state IN ('PENDING', 'DISPATCHED')`),
    // The answers to orchestration runs' steps and items, which the engine holding the run looks up when
    // another engine received them (Journal.answersTo).
    index('messages_orchestration_answers')
      .on(t.parentId)
      .where(sql`to_name IN ('system.sequence', 'system.buffer')`),
  ],
);

export const transitions = pgTable(
  'transitions',
  {
    seq: bigint('seq', { mode: 'number' }).generatedAlwaysAsIdentity().notNull(),
    /** The partition it lives in: the day it was written, or 0 (`transitions_kept`), as for messages. */
    part: integer('part').notNull().default(0),
    messageId: uuid('message_id').notNull(),
    threadId: uuid('thread_id'),
    state: text('state', { enum: transitionStates }).notNull(),
    attempt: integer('attempt').notNull(),
    errorCode: text('error_code'),
    detail: text('detail'),
    at: ms('at').notNull(),
  },
  // Each partition's primary key is `seq` (pg-partitions.ts).
  (t) => [index('transitions_message').on(t.messageId), index('transitions_at').on(t.at)],
);

export const threads = pgTable(
  'threads',
  {
    id: uuid('id').primaryKey(),
    firstAt: ms('first_at').notNull(),
    lastAt: ms('last_at').notNull(),
    messages: integer('messages').notNull().default(0),
    open: integer('open').notNull().default(0),
    failed: integer('failed').notNull().default(0),
    /** Every name on either side of one of its entries, each once. */
    participants: text('participants')
      .array()
      .notNull()
      .default(sql`'{}'`),
  },
  (t) => [
    index('threads_last').on(t.lastAt, t.id),
    index('threads_failed_last')
      .on(t.lastAt, t.id)
      .where(sql`open = 0 AND failed > 0`),
  ],
);

/**
 * Entries per state, in shards: each engine adds its batches' changes to a shard of its own (pg-writes.ts),
 * so engines committing at once never wait on each other's row; readers sum the shards.
 */
export const journalCounts = pgTable(
  'journal_counts',
  {
    state: text('state', { enum: countedStates }).notNull(),
    shard: integer('shard').notNull().default(0),
    n: bigint('n', { mode: 'number' }).notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.state, t.shard] })],
);

/**
 * The days that have partitions of `messages` and `transitions` (pg-partitions.ts), `lo` to `hi`: a row
 * written on a day outside them goes to the kept partition (part 0). One row.
 */
export const journalDays = pgTable('journal_days', {
  id: integer('id').primaryKey().default(1),
  lo: integer('lo').notNull(),
  hi: integer('hi').notNull(),
});

export const users = pgTable('users', {
  id: text('id').primaryKey(),
  name: text('name').notNull().unique(),
  role: text('role', { enum: ['viewer', 'operator', 'admin'] }).notNull(),
  passwordHash: text('password_hash').notNull(),
  createdAt: ms('created_at').notNull(),
});

export const sessions = pgTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    userId: text('user_id').notNull(),
    createdAt: ms('created_at').notNull(),
    expiresAt: ms('expires_at').notNull(),
  },
  (t) => [index('sessions_user').on(t.userId)],
);

export const apiTokens = pgTable('api_tokens', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  producers: jsonb('producers').$type<string[]>(),
  hash: text('hash').notNull().unique(),
  createdBy: text('created_by').notNull(),
  createdAt: ms('created_at').notNull(),
  revokedAt: ms('revoked_at'),
  lastUsedAt: ms('last_used_at'),
});

export const audit = pgTable(
  'audit',
  {
    seq: bigint('seq', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    at: ms('at').notNull(),
    actor: text('actor').notNull(),
    action: text('action').notNull(),
    target: text('target'),
    detail: text('detail'),
    outcome: text('outcome', { enum: ['ok', 'error'] }).notNull(),
    error: text('error'),
  },
  (t) => [index('audit_at').on(t.at)],
);

export const pausedListeners = pgTable('paused_listeners', {
  name: text('name').primaryKey(),
  pausedBy: text('paused_by').notNull(),
  pausedAt: ms('paused_at').notNull(),
});

export const republishes = pgTable(
  'republishes',
  {
    messageId: text('message_id').primaryKey(),
    sourceId: text('source_id').notNull(),
    actor: text('actor').notNull(),
    at: ms('at').notNull(),
  },
  (t) => [index('republishes_source').on(t.sourceId, t.at)],
);

export const extensionCursors = pgTable('extension_cursors', {
  extension: text('extension').primaryKey(),
  seq: bigint('seq', { mode: 'number' }).notNull(),
  updatedAt: ms('updated_at').notNull(),
});

export const extensionFailures = pgTable(
  'extension_failures',
  {
    id: text('id').primaryKey(),
    extension: text('extension').notNull(),
    handler: text('handler').notNull(),
    seq: bigint('seq', { mode: 'number' }).notNull(),
    event: text('event').notNull(),
    attempts: integer('attempts').notNull(),
    lastError: text('last_error').notNull(),
    nextAt: ms('next_at'),
    createdAt: ms('created_at').notNull(),
    updatedAt: ms('updated_at').notNull(),
  },
  (t) => [index('extension_failures_due').on(t.extension, t.nextAt)],
);

export const orchestrations = pgTable(
  'orchestrations',
  {
    id: text('id').primaryKey(),
    kind: text('kind', { enum: ['sequence', 'buffer'] }).notNull(),
    threadId: text('thread_id').notNull(),
    spec: text('spec').notNull(),
    state: text('state').notNull(),
    status: text('status', { enum: ['running', 'done'] }).notNull(),
    deadline: ms('deadline'),
    createdAt: ms('created_at').notNull(),
    updatedAt: ms('updated_at').notNull(),
    /** The engine that drives it (as messages.owner). */
    owner: uuid('owner'),
    /** Of a dead engine's runs, spread over the survivors: the engine that is to take it (pg-claims.ts). */
    offeredTo: uuid('offered_to'),
  },
  (t) => [
    index('orchestrations_running').on(t.status, t.deadline),
    index('orchestrations_thread').on(t.threadId, t.createdAt),
    index('orchestrations_offered')
      .on(t.offeredTo)
      .where(sql`owner IS NULL AND offered_to IS NOT NULL`),
  ],
);

/**
 * The engines sharing this schema, one row per process start (engine-membership.ts). An engine is alive
 * while its session holds its advisory lock and its heartbeat is within the lease; once it is not, another
 * engine adopts its unfinished work and says so here. Rows of engines long gone are removed.
 */
export const engines = pgTable('engines', {
  id: uuid('id').primaryKey(),
  host: text('host').notNull(),
  pid: integer('pid').notNull(),
  /** Where its HTTP server listens, once it does. */
  address: text('address'),
  /** The version of the organism's configuration it runs (shared-config.ts). */
  configVersion: text('config_version'),
  /** Why it could not run the newest shared configuration; null once it does. */
  configError: text('config_error'),
  /** Whether a supervisor starts it again after a restart (`organism start`). */
  supervised: boolean('supervised').notNull().default(false),
  /** Set by the engine leading a rolling restart: this engine should drain for this long and restart. */
  restartDrainMs: integer('restart_drain_ms'),
  /** The listeners it runs (`--listeners`), besides `system.*`; null: all of them. */
  listeners: text('listeners').array(),
  /** What it counted lately, shared every few seconds for its peers' consoles (pg-peers.ts). */
  activity: jsonb('activity'),
  startedAt: ms('started_at').notNull(),
  /** Its last heartbeat, on the database server's clock (ms). */
  heartbeatAt: ms('heartbeat_at').notNull(),
  /** When it stopped gracefully (null for one that died). */
  stoppedAt: ms('stopped_at'),
  /** The engine that took over its unfinished work, and when: from then on it can write nothing. */
  adoptedBy: uuid('adopted_by'),
  adoptedAt: ms('adopted_at'),
});

/**
 * Rolling restarts (lifecycle/rolling-restart.ts): at most one under way, led by one engine. Kept here so
 * that another engine takes it over when its leader dies (pg-peers.ts), and restarts the engines that
 * started before it began.
 */
export const rollingRestarts = pgTable(
  'rolling_restarts',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    /** The engine leading it now. */
    leader: uuid('leader').notNull(),
    drainMs: integer('drain_ms').notNull(),
    /** On the database server's clock, as `engines.started_at`: engines started before it restart. */
    startedAt: ms('started_at').notNull(),
    endedAt: ms('ended_at'),
    /** `done`, or why it stopped. */
    outcome: text('outcome'),
  },
  () => [
    uniqueIndex('rolling_restarts_open')
      .on(sql`(true)`)
      .where(sql`ended_at IS NULL`),
  ],
);

/**
 * The organism's configuration as engines sharing this schema run it: every change an operator makes on one
 * engine (apply, rollback, reload) adds a revision, and every engine follows the newest (shared-config.ts).
 */
export const configRevisions = pgTable('config_revisions', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  /** A digest of the text and its includes (configVersion in shared-config.ts). */
  version: text('version').notNull(),
  /** organism.yaml as written, `${VAR}` placeholders unresolved. */
  yaml: text('yaml').notNull(),
  /** The files it includes: path relative to organism.yaml → text. */
  includes: jsonb('includes').$type<Record<string, string>>().notNull(),
  actor: text('actor').notNull(),
  /** The engine the change was made on. */
  engine: uuid('engine').notNull(),
  at: ms('at').notNull(),
});
