import { and, asc, desc, eq, gt, gte, inArray, lt, lte, or, sql } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import type { BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import type Database from 'better-sqlite3';
import {
  deadLettersInputSchema,
  messageFilterSchema,
  messageListInputSchema,
  messageStates,
  threadListInputSchema,
} from '@organism/shared';
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
  RoutedTransition,
  ThreadListInput,
  ThreadStatus,
  ThreadSummary,
  Transition,
} from '@organism/shared';
import type { ThreadId } from '@organism/shared';
import type { FoundEntries, UnfinishedEntry } from '../journal.ts';
import { buildEnvelope } from '../../pump/envelope/build-envelope.ts';
import { decodeCursor, encodeCursor } from '../cursor.ts';
import { toDelivery, toSummary } from '../entry-record.ts';
import type { EntryRow } from '../entry-record.ts';
import { messages, threads, transitions } from '../schema.ts';

/** The console's queries, on drizzle's query builder; the hot path lives in statements.ts. */
export class SqliteQueries {
  constructor(
    private readonly db: BetterSQLite3Database,
    private readonly sqlite: Database.Database,
  ) {}

  row(id: string): EntryRow | undefined {
    return this.db.select().from(messages).where(eq(messages.id, id)).get();
  }

  unfinished(): UnfinishedEntry[] {
    return this.db
      .select()
      .from(messages)
      .where(and(inArray(messages.state, ['PENDING', 'DISPATCHED']), eq(messages.egress, false)))
      .orderBy(asc(messages.createdAt), asc(messages.id))
      .all()
      .filter((r) => r.to !== null)
      .map((r) => ({ delivery: toDelivery(r), nextAttemptAt: r.nextAttemptAt }));
  }

  countUnfinished(listener: string): number {
    const row = this.db
      .select({ n: sql<number>`count(*)` })
      .from(messages)
      .where(and(eq(messages.to, listener), inArray(messages.state, ['PENDING', 'DISPATCHED'])))
      .get();
    return row?.n ?? 0;
  }

  /** Dead letters a bulk retry may take (refused input and egress have no route), oldest first. */
  private failedWhere(raw: MessageFilter): SQL | undefined {
    const filter = messageFilterSchema.parse(raw);
    return and(
      eq(messages.state, 'FAILED'),
      eq(messages.egress, false),
      sql`${messages.kind} <> 'rejected'`,
      ...this.filters({ ...filter, state: 'FAILED' }),
    );
  }

  failedMatching(raw: MessageFilter, limit?: number): EntryRow[] {
    const q = this.db
      .select()
      .from(messages)
      .where(this.failedWhere(raw))
      .orderBy(asc(messages.createdAt), asc(messages.id));
    return limit === undefined ? q.all() : q.limit(limit).all();
  }

  countFailedMatching(raw: MessageFilter): number {
    return (
      this.db
        .select({ n: sql<number>`count(*)` })
        .from(messages)
        .where(this.failedWhere(raw))
        .get()?.n ?? 0
    );
  }

  /**
   * FAILED entries grouped by recipient and error code, biggest groups first. Answered from the partial
   * index `messages_failed_groups` (only dead letters are in it), so the size of the journal does not matter.
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
           min(updated_at) AS firstAt, max(updated_at) AS lastAt
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

  deleteMessage(id: string): void {
    this.db.delete(messages).where(eq(messages.id, id)).run();
  }

  pruneAcked(cutoff: number): number {
    const old = and(eq(messages.state, 'ACKED'), lt(messages.updatedAt, cutoff));
    this.db
      .delete(transitions)
      .where(inArray(transitions.messageId, this.db.select({ id: messages.id }).from(messages).where(old)))
      .run();
    const removed = this.db.delete(messages).where(old).run().changes;
    this.sqlite.exec(
      `DELETE FROM threads WHERE NOT EXISTS (SELECT 1 FROM messages m WHERE m.thread_id = threads.id)`,
    );
    return removed;
  }

  private filters(f: MessageFilter): SQL[] {
    const out: (SQL | undefined)[] = [
      f.threadId ? eq(messages.threadId, f.threadId) : undefined,
      f.to ? eq(messages.to, f.to) : undefined,
      f.from ? eq(messages.from, f.from) : undefined,
      f.participant ? or(eq(messages.to, f.participant), eq(messages.from, f.participant)) : undefined,
      f.state ? eq(messages.state, f.state) : undefined,
      f.root ? eq(messages.root, f.root) : undefined,
      f.errorCode ? eq(messages.errorCode, f.errorCode) : undefined,
      f.since !== undefined ? gte(messages.createdAt, f.since) : undefined,
      f.until !== undefined ? lte(messages.createdAt, f.until) : undefined,
    ];
    return out.filter((x): x is SQL => x !== undefined);
  }

  listMessages(raw: MessageListInput): Page<MessageSummary> {
    const input = messageListInputSchema.parse(raw);
    const after = decodeCursor(input.cursor);
    const keyset = after
      ? or(lt(messages.createdAt, after.at), and(eq(messages.createdAt, after.at), lt(messages.id, after.id)))
      : undefined;
    const rows = this.db
      .select()
      .from(messages)
      .where(and(...this.filters(input), keyset))
      .orderBy(desc(messages.createdAt), desc(messages.id))
      .limit(input.limit + 1)
      .all();
    const items = rows.slice(0, input.limit).map((r) => toSummary(r));
    const last = items.at(-1);
    return {
      items,
      nextCursor: rows.length > input.limit && last ? encodeCursor(last.createdAt, last.id) : null,
    };
  }

  listThreads(raw: ThreadListInput): Page<ThreadSummary> {
    const input = threadListInputSchema.parse(raw);
    const after = decodeCursor(input.cursor);
    const { open, failed } = threadCounts();
    const status: Record<ThreadStatus, SQL> = {
      active: sql`${open} > 0`,
      failed: sql`${open} = 0 AND ${failed} > 0`,
      completed: sql`${open} = 0 AND ${failed} = 0`,
    };
    const rows = this.db
      .select({
        id: threads.id,
        firstAt: threads.firstAt,
        lastAt: threads.lastAt,
        messages: threads.messages,
        open,
        failed,
      })
      .from(threads)
      .where(
        and(
          after
            ? or(lt(threads.lastAt, after.at), and(eq(threads.lastAt, after.at), lt(threads.id, after.id)))
            : undefined,
          input.status ? status[input.status] : undefined,
          input.participant
            ? sql`EXISTS (SELECT 1 FROM messages m WHERE m.thread_id = "threads"."id" AND (m.to_name = ${input.participant} OR m.from_name = ${input.participant}))`
            : undefined,
        ),
      )
      .orderBy(desc(threads.lastAt), desc(threads.id))
      .limit(input.limit + 1)
      .all();
    const items = this.summarize(rows.slice(0, input.limit));
    const last = items.at(-1);
    return {
      items,
      nextCursor: rows.length > input.limit && last ? encodeCursor(last.lastAt, last.id) : null,
    };
  }

  /** Threads by id, in the order given (unknown ids left out). */
  threadSummaries(ids: string[]): ThreadSummary[] {
    if (ids.length === 0) return [];
    const { open, failed } = threadCounts();
    const rows = this.db
      .select({
        id: threads.id,
        firstAt: threads.firstAt,
        lastAt: threads.lastAt,
        messages: threads.messages,
        open,
        failed,
      })
      .from(threads)
      .where(inArray(threads.id, ids))
      .all();
    const byId = new Map(rows.map((r) => [r.id, r]));
    return this.summarize(ids.flatMap((id) => byId.get(id) ?? []));
  }

  private summarize(
    rows: { id: string; firstAt: number; lastAt: number; messages: number; open: number; failed: number }[],
  ): ThreadSummary[] {
    const people = this.participants(rows.map((r) => r.id));
    return rows.map((r): ThreadSummary => ({
      id: r.id,
      status: r.open > 0 ? 'active' : r.failed > 0 ? 'failed' : 'completed',
      participants: [...(people.get(r.id) ?? [])].sort(),
      messages: r.messages,
      failed: r.failed,
      firstAt: r.firstAt,
      lastAt: r.lastAt,
    }));
  }

  private participants(ids: string[]): Map<string, Set<string>> {
    const out = new Map<string, Set<string>>();
    if (ids.length === 0) return out;
    const rows = this.db
      .selectDistinct({ t: messages.threadId, from: messages.from, to: messages.to })
      .from(messages)
      .where(inArray(messages.threadId, ids))
      .all();
    for (const r of rows) {
      if (!r.t) continue;
      const set = out.get(r.t) ?? new Set<string>();
      out.set(r.t, set);
      if (r.from) set.add(r.from);
      if (r.to) set.add(r.to);
    }
    return out;
  }

  getMessage(id: string): MessageDetail | undefined {
    const r = this.row(id);
    if (!r) return undefined;
    const history = this.db
      .select()
      .from(transitions)
      .where(eq(transitions.messageId, id))
      .orderBy(asc(transitions.seq))
      .all();
    return {
      ...toSummary(r),
      payloadXml: r.payload,
      envelopeXml:
        r.payload && r.threadId && r.from
          ? (r.raw ??
            buildEnvelope({
              from: r.from,
              to: r.to ?? '',
              threadId: r.threadId as ThreadId,
              payloadXml: r.payload,
            }))
          : null,
      raw: r.raw,
      errorDetail: r.errorDetail,
      nextAttemptAt: r.nextAttemptAt,
      transitions: history,
    };
  }

  transitions(afterSeq: number, limit: number): Transition[] {
    return this.db
      .select()
      .from(transitions)
      .where(gt(transitions.seq, afterSeq))
      .orderBy(asc(transitions.seq))
      .limit(limit)
      .all();
  }

  /**
   * Transitions after `afterSeq` with their entry's route, in one query: what the event stream sends.
   * A discarded entry is gone, so its DISCARDED transition has no route and kind `''`.
   */
  routedTransitions(afterSeq: number, limit: number): RoutedTransition[] {
    return this.routedStatement.all(afterSeq, limit) as RoutedTransition[];
  }

  private get routedStatement(): Database.Statement {
    return (this.routed ??= this.sqlite.prepare(
      `SELECT t.seq, t.message_id AS messageId, t.thread_id AS threadId, t.state, t.attempt,
         t.error_code AS errorCode, t.detail, t.at,
         m.from_name AS "from", m.to_name AS "to", m.root, coalesce(m.kind, '') AS kind
       FROM transitions t LEFT JOIN messages m ON m.id = t.message_id
       WHERE t.seq > ? ORDER BY t.seq LIMIT ?`,
    ));
  }
  private routed: Database.Statement | undefined;

  /** The highest sequence number ever given (AUTOINCREMENT's mark: it never goes down). */
  headSeq(): number {
    const row = this.sqlite.prepare(`SELECT seq FROM sqlite_sequence WHERE name = 'transitions'`).get() as
      { seq: number } | undefined;
    return row?.seq ?? 0;
  }

  stats(now: number): {
    counts: Record<MessageState, number>;
    oldestPendingAt: number | null;
    ratePerSecond: Record<MessageState, number>;
    lastSeq: number;
  } {
    const zero = (): Record<MessageState, number> =>
      Object.fromEntries(messageStates.map((s) => [s, 0])) as Record<MessageState, number>;
    const counts = zero();
    for (const r of this.db
      .select({ state: messages.state, n: sql<number>`count(*)` })
      .from(messages)
      .groupBy(messages.state)
      .all())
      counts[r.state] = r.n;
    const rate = zero();
    const recent = this.db
      .select({ state: transitions.state, n: sql<number>`count(*)` })
      .from(transitions)
      .where(gte(transitions.at, now - 60_000))
      .groupBy(transitions.state)
      .all();
    for (const r of recent) if (r.state in rate) rate[r.state as MessageState] = r.n / 60;
    const oldest = this.db
      .select({ at: sql<number | null>`min(${messages.createdAt})` })
      .from(messages)
      .where(eq(messages.state, 'PENDING'))
      .get();
    // AUTOINCREMENT's high-water mark: never goes down, even after retention deletes the newest rows.
    return { counts, oldestPendingAt: oldest?.at ?? null, ratePerSecond: rate, lastSeq: this.headSeq() };
  }
}

/** A thread's open and failed entries, counted from the live entries. */
function threadCounts(): { open: SQL<number>; failed: SQL<number> } {
  return {
    open: sql<number>`(SELECT count(*) FROM messages m WHERE m.thread_id = "threads"."id" AND m.state IN ('PENDING','DISPATCHED'))`,
    failed: sql<number>`(SELECT count(*) FROM messages m WHERE m.thread_id = "threads"."id" AND m.state = 'FAILED')`,
  };
}
