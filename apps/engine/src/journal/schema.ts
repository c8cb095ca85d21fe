import { sql } from 'drizzle-orm';
import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { messageStates, transitionStates } from '@organism/shared';

/**
 * One row per delivery, plus one per refused input (state FAILED, `raw` set, no route). This table is
 * the one definition of a journal entry: `EntryRow` (entry-record.ts) is its row type, which the memory
 * journal stores as is and the shared API types are mapped from.
 * An accepted envelope keeps `raw` (canonical) only when its <meta> carries foreign elements, such as a
 * signature.
 */
export const messages = sqliteTable(
  'messages',
  {
    id: text('id').primaryKey(),
    threadId: text('thread_id'),
    /**
     * The thread's rowid in `threads` (its row is written before the entry's): a thread's entries are
     * found by it. Rowids grow as threads begin, so the index on it takes new threads' entries at its
     * end; one on `thread_id` (random UUIDs) took a page anywhere in it per entry. A rowid freed by a
     * pruned newest thread can be taken again, so a lookup checks `thread_id` too.
     */
    threadRow: integer('thread_row'),
    parentId: text('parent_id'),
    from: text('from_name'),
    to: text('to_name'),
    root: text('root'),
    kind: text('kind').notNull(),
    /** The private call chain, JSON array. */
    chain: text('chain').notNull().default('[]'),
    payload: text('payload'),
    raw: text('raw'),
    state: text('state', { enum: messageStates }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    errorCode: text('error_code'),
    errorDetail: text('error_detail'),
    nextAttemptAt: integer('next_attempt_at'),
    egress: integer('egress', { mode: 'boolean' }).notNull().default(false),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  // Every list filter has an index that also gives the list's order (newest first), so a page reads
  // about as many index entries as it shows; sqlite/message-list.ts picks the one to walk. After the time,
  // each carries the other filter columns an entry never changes (to, from, root), so a second filter
  // is checked in the index without reading the row: a combination that matches little still reads
  // only index entries. `state` changes with every transition, so only its own index holds it.
  (t) => [
    index('messages_state_created').on(t.state, t.createdAt, t.to, t.from, t.root),
    index('messages_thread_row_created').on(t.threadRow, t.createdAt),
    index('messages_to_created').on(t.to, t.createdAt, t.from, t.root),
    index('messages_from_created').on(t.from, t.createdAt, t.to, t.root),
    index('messages_root_created').on(t.root, t.createdAt, t.to, t.from),
    // Partial: only entries with an error code (failures, retries waiting) are in it.
    index('messages_error_created')
      .on(t.errorCode, t.createdAt, t.to, t.from, t.root)
      .where(sql`error_code IS NOT NULL`),
    index('messages_created').on(t.createdAt, t.id),
    // Dead letters by listener and code (journal.deadLetters, bulk retry). Partial: only FAILED rows are
    // in it, so the hot path's inserts and state changes of every other entry do not touch it. `kind`
    // comes last so a group's refused input is counted in the index without reading rows.
    index('messages_failed_groups')
      .on(t.to, t.errorCode, t.updatedAt, t.kind)
      .where(sql`state = 'FAILED'`),
    // The latest failures, by when they failed (journal.latestFailures). Partial, as the one above.
    index('messages_failed_at')
      .on(t.updatedAt, t.id)
      .where(sql`state = 'FAILED'`),
  ],
);

/** The append-only event log: every transition with a monotonically increasing sequence number. */
export const transitions = sqliteTable(
  'transitions',
  {
    seq: integer('seq').primaryKey({ autoIncrement: true }),
    messageId: text('message_id').notNull(),
    /**
     * The entry's rowid as the transition was written (null when it was already gone): an entry's
     * transitions are found by it. Rowids grow as entries are written, so the index on it is filled at
     * its end; one on `message_id` (random UUIDs) took a page anywhere in it per entry and commit. A
     * rowid freed by a deleted newest entry can be taken again, so a lookup checks `message_id` too.
     */
    messageRow: integer('message_row'),
    threadId: text('thread_id'),
    state: text('state', { enum: transitionStates }).notNull(),
    attempt: integer('attempt').notNull(),
    errorCode: text('error_code'),
    detail: text('detail'),
    at: integer('at').notNull(),
  },
  (t) => [index('transitions_message_row').on(t.messageRow), index('transitions_at').on(t.at)],
);

/**
 * One row per thread, kept current in the same transaction as its messages: list and sort cheaply.
 * `open` (PENDING or DISPATCHED entries), `failed` (FAILED entries) and `participants` (every name on
 * either side of one of its entries) are kept by the journal's write statements (sqlite/statements.ts),
 * in the upsert each write makes anyway: a thread's status and who took part are read, never derived.
 */
export const threads = sqliteTable(
  'threads',
  {
    id: text('id').primaryKey(),
    firstAt: integer('first_at').notNull(),
    lastAt: integer('last_at').notNull(),
    messages: integer('messages').notNull().default(0),
    open: integer('open').notNull().default(0),
    failed: integer('failed').notNull().default(0),
    /** The names, each followed by U+001F and the first preceded by it (a character XML text cannot hold). */
    participants: text('participants').notNull().default(''),
  },
  (t) => [
    index('threads_last').on(t.lastAt, t.id),
    // Partial: failed threads newest first, without walking the completed ones. A thread enters it when
    // it ends failed, so the hot path (threads that succeed) never writes it.
    index('threads_failed_last')
      .on(t.lastAt, t.id)
      .where(sql`open = 0 AND failed > 0`),
  ],
);

/**
 * The rows of `journal_counts`: one per state, and REFUSED, the FAILED entries that are refused input
 * (counted in FAILED too; entry-changes.ts).
 */
export const countedStates = [...messageStates, 'REFUSED'] as const;

/** Entries per state, kept by the journal's write statements: journal stats never count rows. */
export const journalCounts = sqliteTable('journal_counts', {
  state: text('state', { enum: countedStates }).primaryKey(),
  n: integer('n').notNull().default(0),
});

/** Console operators. Passwords are stored as scrypt hashes (operators/password-hash.ts), never as text. */
export const users = sqliteTable('users', {
  id: text('id').primaryKey(),
  name: text('name').notNull().unique(),
  role: text('role', { enum: ['viewer', 'operator', 'admin'] }).notNull(),
  passwordHash: text('password_hash').notNull(),
  createdAt: integer('created_at').notNull(),
});

/** Signed-in sessions. The id is the sha256 of the cookie's token, so a copy of the file grants nothing. */
export const sessions = sqliteTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    userId: text('user_id').notNull(),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
  },
  (t) => [index('sessions_user').on(t.userId)],
);

/** API tokens for producers; only the sha256 of each token is kept. */
export const apiTokens = sqliteTable('api_tokens', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  /** The producer names (`<from>`) the token may send as, JSON array; null: any name not reserved. */
  producers: text('producers', { mode: 'json' }).$type<string[]>(),
  hash: text('hash').notNull().unique(),
  createdBy: text('created_by').notNull(),
  createdAt: integer('created_at').notNull(),
  revokedAt: integer('revoked_at'),
  lastUsedAt: integer('last_used_at'),
});

/**
 * One row: the highest entry rowid the text index (`messages_text`, FTS5) has taken. The entries above it
 * are written and not yet indexed: the journal adds them to the index in batches (sqlite/text-index.ts,
 * `TextIndex.flush`), since FTS5 writes a segment of its own for every transaction that adds to it, and a
 * search reads them from `messages` itself (sqlite/message-search.ts). Kept at the highest rowid there
 * is after each batch and each delete, so a rowid SQLite hands out again is above it.
 */
export const textIndexMark = sqliteTable('text_index_mark', {
  id: integer('id').primaryKey(),
  row: integer('row').notNull(),
});

/**
 * One row whose `epoch` grows whenever a token is issued, revoked or deleted, by triggers (migration
 * 0014), so whichever connection or process writes `api_tokens` (the engine, the CLI, a SQL shell)
 * bumps it. The engine keeps the tokens it checked while the epoch stays the same
 * (operators/token-cache.ts): reading this one row costs a third of reading a token by its hash.
 */
export const tokensEpoch = sqliteTable('tokens_epoch', {
  id: integer('id').primaryKey(),
  epoch: integer('epoch').notNull(),
});

/** The append-only audit log of operator actions: who, when, what, and how it went. */
export const audit = sqliteTable(
  'audit',
  {
    seq: integer('seq').primaryKey({ autoIncrement: true }),
    at: integer('at').notNull(),
    actor: text('actor').notNull(),
    action: text('action').notNull(),
    target: text('target'),
    /** JSON. */
    detail: text('detail'),
    outcome: text('outcome', { enum: ['ok', 'error'] }).notNull(),
    error: text('error'),
  },
  (t) => [index('audit_at').on(t.at)],
);

/**
 * Listeners an operator paused, so a pause outlives a restart: the engine reads it at start, before
 * recovery queues anything. Written only by `listeners.pause` / `listeners.resume`.
 */
export const pausedListeners = sqliteTable('paused_listeners', {
  name: text('name').primaryKey(),
  pausedBy: text('paused_by').notNull(),
  pausedAt: integer('paused_at').notNull(),
});

/**
 * Which message a console republish came from (`messages.inject` with `republishOf`): one row per new
 * entry, beside the journal's rows rather than in them, so the hot path's writes never carry it.
 */
export const republishes = sqliteTable(
  'republishes',
  {
    messageId: text('message_id').primaryKey(),
    sourceId: text('source_id').notNull(),
    actor: text('actor').notNull(),
    at: integer('at').notNull(),
  },
  (t) => [index('republishes_source').on(t.sourceId, t.at)],
);

/**
 * Where each durable extension has read the event log to (`transitions.seq`): it resumes after it.
 * Written once per page of events the extension's handlers have run, never on the hot path.
 */
export const extensionCursors = sqliteTable('extension_cursors', {
  extension: text('extension').primaryKey(),
  seq: integer('seq').notNull(),
  updatedAt: integer('updated_at').notNull(),
});

/**
 * Events a durable extension's handler failed on: waiting for their next attempt (`next_at` set) or,
 * once their retries are spent, its dead letters (`next_at` null) until an operator retries or
 * discards them.
 */
export const extensionFailures = sqliteTable(
  'extension_failures',
  {
    id: text('id').primaryKey(),
    extension: text('extension').notNull(),
    /** Which handler: `tract.event#n`, the n-th handler the extension registered for that pair. */
    handler: text('handler').notNull(),
    seq: integer('seq').notNull(),
    /** The event as the handler received it, JSON. */
    event: text('event').notNull(),
    attempts: integer('attempts').notNull(),
    lastError: text('last_error').notNull(),
    nextAt: integer('next_at'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [index('extension_failures_due').on(t.extension, t.nextAt)],
);

/**
 * The runs of system.sequence and system.buffer: what each was asked, how far it got, and the messages
 * it is about to send (its outbox, written before they are sent and cleared after), so a run continues
 * after a crash or a restart, or fails with a reason once its deadline passes.
 */
export const orchestrations = sqliteTable(
  'orchestrations',
  {
    /** The id of the SequenceStart or BufferStart message. */
    id: text('id').primaryKey(),
    kind: text('kind', { enum: ['sequence', 'buffer'] }).notNull(),
    threadId: text('thread_id').notNull(),
    /** JSON: what it was asked. */
    spec: text('spec').notNull(),
    /** JSON: how far it got, and its outbox. */
    state: text('state').notNull(),
    status: text('status', { enum: ['running', 'done'] }).notNull(),
    deadline: integer('deadline'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    index('orchestrations_running').on(t.status, t.deadline),
    index('orchestrations_thread').on(t.threadId, t.createdAt),
  ],
);
