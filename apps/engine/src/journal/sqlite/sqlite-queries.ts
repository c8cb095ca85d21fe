import { and, asc, desc, eq, gt, gte, inArray, lt, lte, or, sql } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import type { BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import type Database from 'better-sqlite3';
import {
  messageFilterSchema,
  messageListInputSchema,
  messageStates,
  threadListInputSchema,
} from '@organism/shared';
import type {
  MessageDetail,
  MessageFilter,
  MessageListInput,
  MessageState,
  MessageSummary,
  Page,
  ThreadListInput,
  ThreadStatus,
  ThreadSummary,
  Transition,
} from '@organism/shared';
import type { ThreadId } from '@organism/shared';
import type { UnfinishedEntry } from '../journal.ts';
import { buildEnvelope } from '../../pump/envelope/build-envelope.ts';
import { decodeCursor, encodeCursor } from '../cursor.ts';
import { toDelivery, toSummary } from '../entry-record.ts';
import type { EntryRow } from '../entry-record.ts';
import { journalCounts, messages, transitions } from '../schema.ts';

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

  failedMatching(raw: MessageFilter): EntryRow[] {
    const filter = messageFilterSchema.parse(raw);
    return this.db
      .select()
      .from(messages)
      .where(
        and(
          eq(messages.state, 'FAILED'),
          eq(messages.egress, false),
          sql`${messages.kind} <> 'rejected'`,
          ...this.filters({ ...filter, state: 'FAILED' }),
        ),
      )
      .orderBy(asc(messages.createdAt))
      .all();
  }

  pruneAcked(cutoff: number): number {
    // created_at ≤ updated_at, so the bound on created_at changes nothing but lets the state index seek.
    const old = and(
      eq(messages.state, 'ACKED'),
      lt(messages.createdAt, cutoff),
      lt(messages.updatedAt, cutoff),
    );
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

  /**
   * The filter conditions. Only the leading filter (`leadingFilter`) is a plain equality; every other one
   * is written `+column = ?`, which SQLite cannot answer from an index. Without statistics SQLite guesses
   * which index to walk, and a wrong guess (all ACKED entries, then a sort) reads the whole journal;
   * this way each list walks the one index that matches fewest entries, newest first.
   */
  private filters(f: MessageFilter): SQL[] {
    const lead = leadingFilter(f);
    const is = (key: LeadingFilter, col: SQLiteColumn, value: string): SQL =>
      key === lead ? eq(col, value) : sql`+${col} = ${value}`;
    const out: (SQL | undefined)[] = [
      f.threadId ? is('threadId', messages.threadId, f.threadId) : undefined,
      f.to ? is('to', messages.to, f.to) : undefined,
      f.from ? is('from', messages.from, f.from) : undefined,
      f.participant && lead !== 'participant'
        ? sql`(+${messages.to} = ${f.participant} OR +${messages.from} = ${f.participant})`
        : undefined,
      f.state ? is('state', messages.state, f.state) : undefined,
      f.root ? is('root', messages.root, f.root) : undefined,
      f.errorCode ? is('errorCode', messages.errorCode, f.errorCode) : undefined,
      f.since !== undefined ? gte(messages.createdAt, f.since) : undefined,
      f.until !== undefined ? lte(messages.createdAt, f.until) : undefined,
    ];
    return out.filter((x): x is SQL => x !== undefined);
  }

  listMessages(raw: MessageListInput): Page<MessageSummary> {
    const { limit, cursor, ...filter } = messageListInputSchema.parse(raw);
    const after = decodeCursor(cursor);
    // Keyset: entries before the cursor's (createdAt, id), as a range on createdAt the index can seek.
    const keyset = after
      ? and(
          lte(messages.createdAt, after.at),
          or(lt(messages.createdAt, after.at), lt(messages.id, after.id)),
        )
      : undefined;
    const page = (f: MessageFilter, extra?: SQL): EntryRow[] =>
      this.db
        .select()
        .from(messages)
        .where(and(...this.filters(f), extra, keyset))
        .orderBy(desc(messages.createdAt), desc(messages.id))
        .limit(limit + 1)
        .all();
    let rows: EntryRow[];
    if (filter.participant && leadingFilter(filter) === 'participant') {
      // Either side: one page addressed to it and one sent by it (each from its own index), merged.
      const { participant: p, ...rest } = filter;
      rows = [...page({ ...rest, to: p }), ...page({ ...rest, from: p }, sql`${messages.to} IS NOT ${p}`)]
        .sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
        .slice(0, limit + 1);
    } else {
      rows = page(filter);
    }
    const items = rows.slice(0, limit).map((r) => toSummary(r));
    const last = items.at(-1);
    return {
      items,
      nextCursor: rows.length > limit && last ? encodeCursor(last.createdAt, last.id) : null,
    };
  }

  /**
   * Threads newest first. Status and participants come from the thread's own row (kept by the write
   * statements). Which rows are walked is chosen here, and written in SQL so that SQLite takes it:
   * - active: the threads of the unfinished entries (few: the queue), through the state index;
   * - a participant with few entries: the threads of those entries, through its listener indexes;
   * - otherwise the threads newest first (failed ones through their partial index), each row checked.
   * The chosen set is sorted by last activity and paged by keyset.
   */
  listThreads(raw: ThreadListInput): Page<ThreadSummary> {
    const input = threadListInputSchema.parse(raw);
    const after = decodeCursor(input.cursor);
    const who = input.listener;
    const where: string[] = [];
    const args: (string | number)[] = [];
    let from = 'threads t';
    if (input.status === 'active') {
      from = `(SELECT DISTINCT thread_id AS id FROM messages
                WHERE state IN ('PENDING', 'DISPATCHED') AND thread_id IS NOT NULL) c
              CROSS JOIN threads t ON t.id = c.id`;
    } else if (who !== undefined && this.fewEntries(who)) {
      from = `(SELECT thread_id AS id FROM messages WHERE to_name = ? AND thread_id IS NOT NULL
                UNION SELECT thread_id FROM messages WHERE from_name = ? AND thread_id IS NOT NULL) c
              CROSS JOIN threads t ON t.id = c.id`;
      args.push(who, who);
    }
    if (who !== undefined) {
      where.push(`instr(t.participants, char(31) || ? || char(31)) > 0`);
      args.push(who);
    }
    if (after) {
      where.push('t.last_at <= ? AND (t.last_at < ? OR t.id < ?)');
      args.push(after.at, after.at, after.id);
    }
    if (input.status) where.push(THREAD_STATUS[input.status]);
    const rows = this.sqlite
      .prepare(
        `SELECT t.id, t.first_at AS firstAt, t.last_at AS lastAt, t.messages, t.open, t.failed, t.participants
         FROM ${from} ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
         ORDER BY t.last_at DESC, t.id DESC LIMIT ?`,
      )
      .all(...args, input.limit + 1) as ThreadRecord[];
    const items = rows.slice(0, input.limit).map((r): ThreadSummary => ({
      id: r.id,
      status: r.open > 0 ? 'active' : r.failed > 0 ? 'failed' : 'completed',
      participants: r.participants
        .split('\u001f')
        .filter((p) => p !== '')
        .sort(),
      messages: r.messages,
      failed: r.failed,
      firstAt: r.firstAt,
      lastAt: r.lastAt,
    }));
    const last = items.at(-1);
    return {
      items,
      nextCursor: rows.length > input.limit && last ? encodeCursor(last.lastAt, last.id) : null,
    };
  }

  /**
   * Whether `name` is on either side of at most FEW_ENTRIES entries: then reading their threads and
   * sorting them is cheap, while walking every thread to find them is not. Otherwise it is in enough
   * threads that walking them newest first finds a page soon. Reads at most 2 × (FEW_ENTRIES + 1) keys.
   */
  private fewEntries(name: string): boolean {
    const count = (col: string): number =>
      (
        this.sqlite
          .prepare(`SELECT count(*) AS n FROM (SELECT 1 FROM messages WHERE ${col} = ? LIMIT ?)`)
          .get(name, FEW_ENTRIES + 1) as { n: number }
      ).n;
    return count('to_name') + count('from_name') <= FEW_ENTRIES;
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
   * Entries per state from `journal_counts` (kept by the write statements), the oldest PENDING entry from
   * `messages_state_created`, and the sequence's high-water mark: a few index reads at any size.
   */
  stats(): {
    counts: Record<MessageState, number>;
    oldestPendingAt: number | null;
    lastSeq: number;
  } {
    const counts = Object.fromEntries(messageStates.map((s) => [s, 0])) as Record<MessageState, number>;
    for (const r of this.db.select().from(journalCounts).all()) counts[r.state] = r.n;
    const oldest = this.db
      .select({ at: sql<number | null>`min(${messages.createdAt})` })
      .from(messages)
      .where(eq(messages.state, 'PENDING'))
      .get();
    // AUTOINCREMENT's high-water mark: never goes down, even after retention deletes the newest rows.
    const seq = this.sqlite.prepare(`SELECT seq FROM sqlite_sequence WHERE name = 'transitions'`).get() as
      { seq: number } | undefined;
    return { counts, oldestPendingAt: oldest?.at ?? null, lastSeq: seq?.seq ?? 0 };
  }
}

/** A participant in at most this many entries has their threads read and sorted (see `fewEntries`). */
const FEW_ENTRIES = 5_000;

/** Each status as a condition on the thread's counts; failed matches its partial index. */
const THREAD_STATUS: Record<ThreadStatus, string> = {
  active: 't.open > 0',
  failed: 't.open = 0 AND t.failed > 0',
  completed: 't.open = 0 AND t.failed = 0',
};

interface ThreadRecord {
  id: string;
  firstAt: number;
  lastAt: number;
  messages: number;
  open: number;
  failed: number;
  participants: string;
}

type LeadingFilter = 'threadId' | 'errorCode' | 'state' | 'to' | 'from' | 'participant' | 'root';

/**
 * The filter whose index a message list walks: the one that likely matches the fewest entries. A
 * thread has a handful; entries with an error code, and those not ACKED, are a small part of a healthy
 * journal; then a listener on one side, then a root. ACKED entries are most of the journal, and with
 * no filter (or only a time range) the list walks `messages_created`.
 */
function leadingFilter(f: MessageFilter): LeadingFilter | undefined {
  if (f.threadId) return 'threadId';
  if (f.errorCode) return 'errorCode';
  if (f.state && f.state !== 'ACKED') return 'state';
  if (f.to) return 'to';
  if (f.from) return 'from';
  if (f.participant) return 'participant';
  if (f.root) return 'root';
  if (f.state) return 'state';
  return undefined;
}
