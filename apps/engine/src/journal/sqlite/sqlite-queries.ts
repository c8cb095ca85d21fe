import { and, asc, eq, gt, inArray, sql } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import { afterEntry } from '../cursor.ts';
import type { BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import type Database from 'better-sqlite3';
import { deadLettersInputSchema, messageFilterSchema } from '@organism/shared';
import type {
  DeadLetterGroup,
  DeadLettersInput,
  DeadLettersResult,
  MessageDetail,
  MessageFilter,
  MessageListInput,
  MessageState,
  MessageSummary,
  Page,
  ThreadListInput,
  ThreadSummary,
  Transition,
} from '@organism/shared';
import type { FailedScope, FoundEntries, RecordedTransition, UnfinishedEntry } from '../journal.ts';
import { compare, lastFailedFirst, toDetail, toSummary } from '../entry-record.ts';
import type { EntryRow } from '../entry-record.ts';
import { journalCounts, messages, transitions } from '../schema.ts';
import { listMessages, messageFilters } from './message-list.ts';
import { RecoveredDelivery } from './recovered-delivery.ts';
import type { UnfinishedRow } from './recovered-delivery.ts';
import type { PageRow } from './route-cache.ts';
import { listThreads, threadSummaries } from './thread-list.ts';
import { countsOf } from '../journal-counts.ts';

/** A row of `recordedTransitions`, in its columns' order: a transition's, then its entry's and thread's. */
type RecordedRow = [
  ...PageRow,
  from: string | null,
  to: string | null,
  root: string | null,
  kind: string,
  parentId: string | null,
  payloadXml: string | null,
  egress: number | null,
  threadOpen: number | null,
  threadFailed: number | null,
];

/** An entry's columns but its payload, raw text and error detail: what a summary shows. */
const entrySummaryColumns = {
  id: messages.id,
  threadId: messages.threadId,
  parentId: messages.parentId,
  from: messages.from,
  to: messages.to,
  root: messages.root,
  kind: messages.kind,
  state: messages.state,
  attempts: messages.attempts,
  errorCode: messages.errorCode,
  egress: messages.egress,
  createdAt: messages.createdAt,
  updatedAt: messages.updatedAt,
};

/** A bulk retry's chunk of dead letters (`SqliteQueries.retryChunk`). */
export interface RetryChunk {
  /** Their rows, payloads left out. */
  rows: EntryRow[];
  deliveries: RecoveredDelivery[];
}

/** A transition's columns as the API gives them (`message_row` stays inside the journal). */
const transitionColumns = {
  seq: transitions.seq,
  messageId: transitions.messageId,
  threadId: transitions.threadId,
  state: transitions.state,
  attempt: transitions.attempt,
  errorCode: transitions.errorCode,
  detail: transitions.detail,
  at: transitions.at,
};

/**
 * The console's queries (the lists in message-list.ts and thread-list.ts); the hot path lives in
 * statements.ts.
 */
export class SqliteQueries {
  private unfinishedRows: Database.Statement | undefined;
  private payloadByRow: Database.Statement | undefined;

  constructor(
    private readonly db: BetterSQLite3Database,
    private readonly sqlite: Database.Database,
  ) {}

  row(id: string): EntryRow | undefined {
    return this.db.select().from(messages).where(eq(messages.id, id)).get();
  }

  /**
   * `seen` hears each entry's state and rowid as read (the write statements then need not read them). Boot
   * recovery reads every unfinished entry at once: a prepared statement of only the columns a delivery
   * needs, as arrays (`raw()`), sorted here rather than by SQLite (whose sorter copied every payload:
   * 100,000 rows of 1 KB, 1.2–1.5 s). The payloads stay in the journal until each delivery runs
   * (`RecoveredDelivery`). 100,000 rows as objects of 13 columns took 0.73–0.92 s, as arrays 0.45 s.
   */
  unfinished(seen: (id: string, state: string, row: number) => void = () => {}): UnfinishedEntry[] {
    const rows = (this.unfinishedRows ??= this.sqlite
      .prepare(
        `SELECT id, thread_id, parent_id, from_name, to_name, root, kind, chain, rowid, state, attempts,
                next_attempt_at, created_at
           FROM messages
          WHERE state IN ('PENDING', 'DISPATCHED') AND egress = 0 AND to_name IS NOT NULL`,
      )
      .raw()).all() as UnfinishedRow[];
    const payloads = this.payloads();
    // The journal's order (`oldestFirst`): by creation time, then by id.
    rows.sort((a, b) => a[12] - b[12] || compare(a[0], b[0]));
    return rows.map((r) => {
      seen(r[0], r[9], r[8]);
      return { delivery: new RecoveredDelivery(r, payloads), nextAttemptAt: r[11] };
    });
  }

  /** An entry's payload by its rowid, for the deliveries that read theirs as they run (`RecoveredDelivery`). */
  private payloads(): Database.Statement {
    return (this.payloadByRow ??= this.sqlite
      .prepare('SELECT payload FROM messages WHERE rowid = ?')
      .pluck());
  }

  countUnfinished(listener: string): number {
    const row = this.db
      .select({ n: sql<number>`count(*)` })
      .from(messages)
      .where(and(eq(messages.to, listener), inArray(messages.state, ['PENDING', 'DISPATCHED'])))
      .get();
    return row?.n ?? 0;
  }

  /**
   * The dead letters matching `raw`: those a retry can take (refused input and egress have no route), or
   * `all` (FailedScope).
   */
  private failedWhere(raw: MessageFilter, { all }: FailedScope): SQL | undefined {
    const filter = messageFilterSchema.parse(raw);
    const retryable = all ? [] : [eq(messages.egress, false), sql`${messages.kind} <> 'rejected'`];
    return and(eq(messages.state, 'FAILED'), ...retryable, ...messageFilters({ ...filter, state: 'FAILED' }));
  }

  failedMatching(
    raw: MessageFilter,
    opts: FailedScope & { limit?: number; after?: EntryRow } = {},
  ): EntryRow[] {
    const q = this.db
      .select()
      .from(messages)
      .where(and(this.failedWhere(raw, opts), afterEntry(messages, opts.after)))
      .orderBy(asc(messages.createdAt), asc(messages.id));
    return opts.limit === undefined ? q.all() : q.limit(opts.limit).all();
  }

  /**
   * A bulk retry's next chunk: the dead letters it takes, oldest first after `after`, without their
   * payloads, as rows (their summaries) and as deliveries that read their payloads only as each runs
   * (`RecoveredDelivery`): 100,000 retried dead letters wait in the pump's queue without their payloads
   * on the heap, as boot recovery's do.
   */
  retryChunk(raw: MessageFilter, opts: { limit: number; after?: EntryRow }): RetryChunk {
    const found = this.db
      .select({
        ...entrySummaryColumns,
        chain: messages.chain,
        nextAttemptAt: messages.nextAttemptAt,
        row: sql<number>`${messages}.rowid`,
      })
      .from(messages)
      .where(and(this.failedWhere(raw, {}), afterEntry(messages, opts.after)))
      .orderBy(asc(messages.createdAt), asc(messages.id))
      .limit(opts.limit)
      .all();
    const payloads = this.payloads();
    const rows: EntryRow[] = [];
    const deliveries: RecoveredDelivery[] = [];
    for (const f of found) {
      const { row, ...entry } = f;
      rows.push({ ...entry, payload: null, raw: null, errorDetail: null });
      const unfinished: UnfinishedRow = [
        f.id,
        f.threadId ?? '',
        f.parentId,
        f.from,
        f.to,
        f.root,
        f.kind as UnfinishedRow[6],
        f.chain,
        row,
        f.state,
        f.attempts,
        f.nextAttemptAt,
        f.createdAt,
      ];
      deliveries.push(new RecoveredDelivery(unfinished, payloads));
    }
    return { rows, deliveries };
  }

  countFailedMatching(raw: MessageFilter, opts: FailedScope = {}): number {
    return (
      this.db
        .select({ n: sql<number>`count(*)` })
        .from(messages)
        .where(this.failedWhere(raw, opts))
        .get()?.n ?? 0
    );
  }

  /**
   * FAILED entries grouped by recipient and error code, biggest groups first, with how many of each are
   * refused input. Answered from the partial index `messages_failed_groups` alone (only dead letters are
   * in it, and it carries `kind`), so the size of the journal does not matter and no row is read.
   */
  deadLetters(raw: DeadLettersInput): DeadLettersResult {
    const input = deadLettersInputSchema.parse(raw);
    const where = [`state = 'FAILED'`];
    const params: unknown[] = [];
    if (input.to) {
      where.push('to_name = ?');
      params.push(input.to);
    }
    if (input.errorCode) {
      where.push('error_code = ?');
      params.push(input.errorCode);
    }
    const rows = this.sqlite
      .prepare(
        `SELECT to_name AS "to", error_code AS errorCode, count(*) AS count,
           sum(kind = 'rejected') AS refused, min(updated_at) AS firstAt, max(updated_at) AS lastAt
         FROM messages INDEXED BY messages_failed_groups WHERE ${where.join(' AND ')}
         GROUP BY to_name, error_code`,
      )
      .all(...params) as Omit<DeadLetterGroup, 'sampleId'>[];
    const total = rows.reduce((n, r) => n + r.count, 0);
    rows.sort((a, b) => b.count - a.count || b.lastAt - a.lastAt);
    const newest = this.sqlite.prepare(
      `SELECT id FROM messages INDEXED BY messages_failed_groups
       WHERE state = 'FAILED' AND to_name IS ? AND error_code IS ? ORDER BY updated_at DESC LIMIT 1`,
    );
    const groups = rows.slice(0, input.limit).map((r): DeadLetterGroup => {
      const sample = newest.get(r.to, r.errorCode) as { id: string } | undefined;
      return { ...r, sampleId: sample?.id ?? '' };
    });
    return { total, groups };
  }

  /**
   * `Journal.latestFailures`: the newest entries of the partial index `messages_failed_at`, named so that
   * SQLite, which has no statistics, does not walk `messages_state_created` and sort every dead letter.
   */
  latestFailures(limit: number): MessageSummary[] {
    const rows = this.db
      .select()
      .from(messages)
      .where(
        sql`rowid IN (SELECT rowid FROM messages INDEXED BY messages_failed_at WHERE state = 'FAILED'
                      ORDER BY updated_at DESC, id DESC LIMIT ${limit})`,
      )
      .all();
    return rows.sort(lastFailedFirst).map(toSummary);
  }

  /**
   * Entries and threads whose id is `q`, or starts with it when `q` has 4 characters or more: a range
   * on the primary keys (`id >= q AND id < q || U+FFFF`), at most `limit` of each.
   */
  find(q: string, limit: number): FoundEntries {
    const id = q.toLowerCase();
    const range = (col: string): { sql: string; args: string[] } =>
      id.length >= 4
        ? { sql: `${col} >= ? AND ${col} < ?`, args: [id, `${id}\uffff`] }
        : { sql: `${col} = ?`, args: [id] };
    const m = range('id');
    const rows = this.sqlite
      .prepare(`SELECT id FROM messages WHERE ${m.sql} ORDER BY id LIMIT ?`)
      .all(...m.args, limit) as { id: string }[];
    const found = rows.map((r) => this.row(r.id)).filter((r): r is EntryRow => r !== undefined);
    const t = range('id');
    const threadIds = (
      this.sqlite
        .prepare(`SELECT id FROM threads WHERE ${t.sql} ORDER BY id LIMIT ?`)
        .all(...t.args, limit) as { id: string }[]
    ).map((r) => r.id);
    return { messages: found.map(toSummary), threads: this.threadSummaries(threadIds) };
  }

  listMessages(input: MessageListInput): Page<MessageSummary> {
    return listMessages(this.db, input);
  }

  listThreads(input: ThreadListInput): Page<ThreadSummary> {
    return listThreads(this.sqlite, input);
  }

  threadSummaries(ids: string[]): ThreadSummary[] {
    return threadSummaries(this.sqlite, ids);
  }

  getMessage(id: string): MessageDetail | undefined {
    const r = this.row(id);
    if (!r) return undefined;
    // By the entry's rowid (schema.ts, `message_row`); the id tells its transitions from those of an
    // entry deleted before it that had the same rowid.
    const history = this.db
      .select(transitionColumns)
      .from(transitions)
      .where(
        and(
          eq(transitions.messageRow, sql`(SELECT rowid FROM ${messages} WHERE ${messages.id} = ${id})`),
          eq(transitions.messageId, id),
        ),
      )
      .orderBy(asc(transitions.seq))
      .all();
    return toDetail(r, history);
  }

  transitions(afterSeq: number, limit: number): Transition[] {
    return this.db
      .select(transitionColumns)
      .from(transitions)
      .where(gt(transitions.seq, afterSeq))
      .orderBy(asc(transitions.seq))
      .limit(limit)
      .all();
  }

  /**
   * Transitions after `afterSeq` with their entry's route, parent and payload and their thread's counts.
   * Read as arrays (`raw`) and made into objects here: a durable extension reads every row of the log,
   * and better-sqlite3's objects of 17 named columns, spread again to make `egress` a boolean, cost
   * about twice the reading itself.
   */
  recordedTransitions(afterSeq: number, limit: number): RecordedTransition[] {
    const rows = (this.recorded ??= this.sqlite
      .prepare(
        `SELECT t.seq, t.message_id, t.thread_id, t.state, t.attempt, t.error_code, t.detail, t.at,
         m.from_name, m.to_name, m.root, coalesce(m.kind, ''), m.parent_id, m.payload, m.egress,
         th.open, th.failed
       FROM transitions t LEFT JOIN messages m ON m.id = t.message_id LEFT JOIN threads th ON th.id = t.thread_id
       WHERE t.seq > ? ORDER BY t.seq LIMIT ?`,
      )
      .raw()).all(afterSeq, limit) as RecordedRow[];
    return rows.map((r) => ({
      seq: r[0],
      messageId: r[1],
      threadId: r[2],
      state: r[3],
      attempt: r[4],
      errorCode: r[5],
      detail: r[6],
      at: r[7],
      from: r[8],
      to: r[9],
      root: r[10],
      kind: r[11],
      parentId: r[12],
      payloadXml: r[13],
      egress: r[14] === 1,
      threadOpen: r[15],
      threadFailed: r[16],
    }));
  }
  private recorded: Database.Statement | undefined;

  /** The highest sequence number ever given (AUTOINCREMENT's mark: it never goes down). */
  headSeq(): number {
    const row = this.sqlite.prepare(`SELECT seq FROM sqlite_sequence WHERE name = 'transitions'`).get() as
      { seq: number } | undefined;
    return row?.seq ?? 0;
  }

  /**
   * Entries per state from `journal_counts` (kept by the write statements), the oldest PENDING entry from
   * `messages_state_created`, and the sequence's high-water mark: a few index reads at any size.
   */
  stats(): {
    counts: Record<MessageState, number>;
    refused: number;
    oldestPendingAt: number | null;
    lastSeq: number;
  } {
    const { counts, refused } = countsOf(this.db.select().from(journalCounts).all());
    const oldest = this.db
      .select({ at: sql<number | null>`min(${messages.createdAt})` })
      .from(messages)
      .where(eq(messages.state, 'PENDING'))
      .get();
    return { counts, refused, oldestPendingAt: oldest?.at ?? null, lastSeq: this.headSeq() };
  }
}
