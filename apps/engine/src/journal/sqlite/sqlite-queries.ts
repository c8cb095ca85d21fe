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
    this.sqlite.exec(
      `DELETE FROM thread_participants WHERE NOT EXISTS (SELECT 1 FROM threads t WHERE t.id = thread_participants.thread_id)`,
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
   * Threads newest first. Status comes from the thread's own `open` and `failed` counts (kept by
   * the write statements), and active and failed threads each have a partial index. A participant filter walks the
   * participant's own threads when they are few, otherwise the threads newest first, probing
   * `thread_participants` for each; written in SQL so that SQLite takes the walk chosen here.
   */
  listThreads(raw: ThreadListInput): Page<ThreadSummary> {
    const input = threadListInputSchema.parse(raw);
    const after = decodeCursor(input.cursor);
    const where: string[] = [];
    const args: (string | number)[] = [];
    let from = 'threads t';
    const who = input.listener;
    if (who !== undefined) {
      if (this.fewThreads(who)) {
        from = 'thread_participants p CROSS JOIN threads t';
        where.push('p.name = ? AND t.id = p.thread_id');
      } else {
        where.push(
          'EXISTS (SELECT 1 FROM thread_participants p WHERE p.name = ? AND p.first_at = t.first_at AND p.thread_id = t.id)',
        );
      }
      args.push(who);
    }
    if (after) {
      where.push('t.last_at <= ? AND (t.last_at < ? OR t.id < ?)');
      args.push(after.at, after.at, after.id);
    }
    if (input.status) where.push(THREAD_STATUS[input.status]);
    const rows = this.sqlite
      .prepare(
        `SELECT t.id, t.first_at AS firstAt, t.last_at AS lastAt, t.messages, t.open, t.failed FROM ${from}
         ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
         ORDER BY t.last_at DESC, t.id DESC LIMIT ?`,
      )
      .all(...args, input.limit + 1) as ThreadCounts[];
    const page = rows.slice(0, input.limit);
    const people = this.participants(page.map((r) => r.id));
    const items = page.map((r): ThreadSummary => ({
      id: r.id,
      status: r.open > 0 ? 'active' : r.failed > 0 ? 'failed' : 'completed',
      participants: [...(people.get(r.id) ?? [])].sort(),
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
   * Whether `name` took part in few threads (at most FEW_THREADS): then reading all of them and
   * sorting is cheap, while walking every thread to find them is not. Otherwise it is in enough of
   * them that walking the threads newest first finds a page soon. Counts at most FEW_THREADS + 1 keys.
   */
  private fewThreads(name: string): boolean {
    const row = this.sqlite
      .prepare(`SELECT count(*) AS n FROM (SELECT 1 FROM thread_participants WHERE name = ? LIMIT ?)`)
      .get(name, FEW_THREADS + 1) as { n: number };
    return row.n <= FEW_THREADS;
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

/** A participant in at most this many threads has them read and sorted (see `fewThreads`). */
const FEW_THREADS = 5_000;

/** Each status as a condition on the thread's counts; active and failed match their partial indexes. */
const THREAD_STATUS: Record<ThreadStatus, string> = {
  active: 't.open > 0',
  failed: 't.open = 0 AND t.failed > 0',
  completed: 't.open = 0 AND t.failed = 0',
};

interface ThreadCounts {
  id: string;
  firstAt: number;
  lastAt: number;
  messages: number;
  open: number;
  failed: number;
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
