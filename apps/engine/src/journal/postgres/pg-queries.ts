import { and, asc, count, desc, eq, gt, gte, inArray, lte, min, ne, sql } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import { afterEntry } from '../cursor.ts';
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
  RoutedTransition,
  ThreadListInput,
  ThreadSummary,
  ThroughputHistory,
  Transition,
} from '@organism/shared';
import { oldestFirst, toDelivery, toDetail, toSummary } from '../entry-record.ts';
import type { DeliveryRow, EntryRow } from '../entry-record.ts';
import type {
  FailedScope,
  FoundEntries,
  OrchestrationAnswer,
  RecordedTransition,
  UnfinishedEntry,
} from '../journal.ts';
import type { SearchPage, SearchRequest } from '../search/search-request.ts';
import type { OpenPostgres } from './open-postgres.ts';
import { entryColumns, int8, transitionColumns, listMessages, messageFilters } from './pg-message-list.ts';
import { pgRows } from './pg-rows.ts';
import { searchMessages } from './pg-search.ts';
import { listThreads, threadsInRange } from './pg-thread-list.ts';
import { journalCounts, messages, transitions } from './schema.ts';
import { isUuid, uuidPrefixRange } from './uuid-range.ts';
import { HISTORY_SECONDS, throughputHistory } from '../throughput-history.ts';
import { countsOf } from '../journal-counts.ts';

const NONE = { delivered: 0, failed: 0, rejected: 0 };

/** A transition's own columns, read from `transitions t` (routed and recorded transitions). */
const TRANSITION = sql`t.seq, t.message_id AS "messageId", t.thread_id AS "threadId", t.state, t.attempt,
  t.error_code AS "errorCode", t.detail, t.at`;
/** Its entry's route (null once the entry is gone), from `messages m`. */
const ROUTE = sql`m.from_name AS "from", m.to_name AS "to", m.root, coalesce(m.kind, '') AS kind`;

/**
 * The PostgreSQL journal's reads: the same answers, orders and cursors as sqlite-queries.ts (and
 * message-search.ts), async. Any string may come in as an id (getMessage, a filter's thread, a cursor):
 * one that is no uuid names nothing and is never sent to PostgreSQL, which would refuse it.
 */
export class PgQueries {
  /** The highest transition sequence number seen committed (see headSeq). */
  private head = 0;

  constructor(private readonly pg: OpenPostgres) {}

  async row(id: string): Promise<EntryRow | undefined> {
    if (!isUuid(id)) return undefined;
    const [r] = await this.pg.db.select(entryColumns).from(messages).where(eq(messages.id, id));
    return r;
  }

  /**
   * PENDING and DISPATCHED entries with a route, oldest first: only the columns a delivery needs, sorted
   * here rather than by PostgreSQL, whose sort would spill every payload to disk past `work_mem`. Their
   * states are not returned: the write path reads (and locks) what each batch moves.
   */
  /** The unfinished entries `owner` runs (those of `ids` only, when given), oldest first. */
  async unfinished(owner: string, ids?: readonly string[]): Promise<UnfinishedEntry[]> {
    const rows = await pgRows<DeliveryRow & Pick<EntryRow, 'nextAttemptAt'>>(
      this.pg.pool,
      sql`SELECT id, thread_id AS "threadId", parent_id AS "parentId", from_name AS "from", to_name AS "to",
            root, kind, chain, payload, attempts, next_attempt_at AS "nextAttemptAt", created_at AS "createdAt"
          FROM messages
          WHERE owner = ${owner}::uuid AND state IN ('PENDING', 'DISPATCHED') AND NOT egress AND to_name IS NOT NULL
            ${ids ? sql`AND id IN (SELECT value::uuid FROM json_array_elements_text(${JSON.stringify(ids)}::json))` : sql``}`,
    );
    rows.sort(oldestFirst);
    return rows.map((r) => ({ delivery: toDelivery(r), nextAttemptAt: r.nextAttemptAt }));
  }

  async countUnfinished(listener: string): Promise<number> {
    const [row] = await this.pg.db
      .select({ n: count() })
      .from(messages)
      .where(and(eq(messages.to, listener), inArray(messages.state, ['PENDING', 'DISPATCHED'])));
    return row?.n ?? 0;
  }

  /** Dead letters a bulk retry may take (refused input and egress have no route). */
  /** The dead letters matching `raw`: those a retry can take, or `all` (FailedScope). */
  private failedWhere(raw: MessageFilter, { all }: FailedScope): SQL | undefined {
    const filter = messageFilterSchema.parse(raw);
    const retryable = all ? [] : [eq(messages.egress, false), ne(messages.kind, 'rejected')];
    return and(...retryable, ...messageFilters({ ...filter, state: 'FAILED' }));
  }

  /** The dead letters a bulk retry (or, `all`, a bulk discard) with `filter` takes, oldest first. */
  async failedMatching(
    raw: MessageFilter,
    opts: FailedScope & { limit?: number; after?: EntryRow } = {},
  ): Promise<EntryRow[]> {
    const q = this.pg.db
      .select(entryColumns)
      .from(messages)
      .where(and(this.failedWhere(raw, opts), afterEntry(messages, opts.after)))
      .orderBy(asc(messages.createdAt), asc(messages.id));
    return opts.limit === undefined ? await q : await q.limit(opts.limit);
  }

  async countFailedMatching(raw: MessageFilter, opts: FailedScope = {}): Promise<number> {
    const [row] = await this.pg.db.select({ n: count() }).from(messages).where(this.failedWhere(raw, opts));
    return row?.n ?? 0;
  }

  /**
   * FAILED entries grouped by recipient and error code, biggest groups first (then the most recent, then
   * by name), with how many of each are refused input, from the partial index `messages_failed_groups`;
   * then each shown group's newest entry, one index probe each, in one query.
   */
  async deadLetters(raw: DeadLettersInput): Promise<DeadLettersResult> {
    const input = deadLettersInputSchema.parse(raw);
    const where = [sql`state = 'FAILED'`];
    if (input.to) where.push(sql`to_name = ${input.to}`);
    if (input.errorCode) where.push(sql`error_code = ${input.errorCode}`);
    const rows = await pgRows<Omit<DeadLetterGroup, 'sampleId'>>(
      this.pg.pool,
      sql`SELECT to_name AS "to", error_code AS "errorCode", count(*) AS count,
            count(*) FILTER (WHERE kind = 'rejected') AS refused, min(updated_at) AS "firstAt",
            max(updated_at) AS "lastAt"
          FROM messages WHERE ${sql.join(where, sql` AND `)}
          GROUP BY to_name, error_code
          ORDER BY count DESC, "lastAt" DESC, to_name COLLATE "C" NULLS FIRST, error_code COLLATE "C" NULLS FIRST`,
    );
    const total = rows.reduce((n, r) => n + r.count, 0);
    const shown = rows.slice(0, input.limit);
    const samples = await this.newestOfEach(shown);
    return { total, groups: shown.map((g, i) => ({ ...g, sampleId: samples.get(i) ?? '' })) };
  }

  /**
   * `Journal.latestFailures`: along the partial index `messages_failed_at`, each partition's newest merged
   * (ordered by the index's own columns, which PostgreSQL walks backwards).
   */
  async latestFailures(limit: number): Promise<MessageSummary[]> {
    const rows = await this.pg.db
      .select(entryColumns)
      .from(messages)
      .where(eq(messages.state, 'FAILED'))
      .orderBy(desc(messages.updatedAt), desc(messages.id))
      .limit(limit);
    return rows.map(toSummary);
  }

  /** `Journal.answersTo`: along the small `messages_orchestration_answers` index. */
  async answersTo(forwards: readonly string[]): Promise<OrchestrationAnswer[]> {
    const ids = forwards.filter(isUuid);
    if (ids.length === 0) return [];
    const { rows } = await this.pg.pool.query<OrchestrationAnswer>(
      `SELECT id, parent_id AS "inReplyTo", root, payload AS "payloadXml" FROM messages
       WHERE parent_id = ANY($1::uuid[]) AND to_name IN ('system.sequence', 'system.buffer') AND state = 'ACKED'
       ORDER BY seq`,
      [ids],
    );
    return rows;
  }

  /**
   * The newest entry of each dead-letter group, by the group's index in `groups`. Named statements, so
   * PostgreSQL plans each once per connection (planning a statement per call cost more than running it):
   * one for every group with a recipient and a code, probing `messages_failed_groups` once per group
   * along a lateral join, and one per group without either (refused input without a recipient), whose
   * `IS NULL` keeps the index's order only when the ORDER BY names the index's columns.
   */
  private async newestOfEach(
    groups: readonly Pick<DeadLetterGroup, 'to' | 'errorCode'>[],
  ): Promise<Map<number, string>> {
    const samples = new Map<number, string>();
    const whole = groups.flatMap((g, i) =>
      g.to !== null && g.errorCode !== null ? [{ i, to: g.to, code: g.errorCode }] : [],
    );
    const probes: Promise<void>[] = [];
    if (whole.length > 0)
      probes.push(
        this.pg.pool
          .query<{ i: number; id: string }>({
            name: 'dead_letter_samples',
            text: `SELECT g.i::int AS i, s.id FROM unnest($1::int[], $2::text[], $3::text[]) AS g(i, to_name, error_code)
                   CROSS JOIN LATERAL (
                     SELECT id FROM messages m
                     WHERE m.state = 'FAILED' AND m.to_name = g.to_name AND m.error_code = g.error_code
                     ORDER BY m.to_name DESC, m.error_code DESC, m.updated_at DESC LIMIT 1) s`,
            values: [whole.map((g) => g.i), whole.map((g) => g.to), whole.map((g) => g.code)],
          })
          .then(({ rows }) => {
            for (const r of rows) samples.set(r.i, r.id);
          }),
      );
    groups.forEach((g, i) => {
      if (g.to !== null && g.errorCode !== null) return;
      const to = g.to === null ? 'IS NULL' : '= $1';
      const code = g.errorCode === null ? 'IS NULL' : `= $${g.to === null ? 1 : 2}`;
      probes.push(
        this.pg.pool
          .query<{ id: string }>({
            name: `dead_letter_sample_${g.to === null ? 'n' : 'v'}${g.errorCode === null ? 'n' : 'v'}`,
            text: `SELECT id FROM messages WHERE state = 'FAILED' AND to_name ${to} AND error_code ${code}
                   ORDER BY to_name DESC, error_code DESC, updated_at DESC LIMIT 1`,
            values: [g.to, g.errorCode].filter((v) => v !== null),
          })
          .then(({ rows }) => {
            if (rows[0]) samples.set(i, rows[0].id);
          }),
      );
    });
    await Promise.all(probes);
    return samples;
  }

  /**
   * Entries and threads whose id is `q`, or starts with it when `q` has 4 characters or more (any case):
   * a range on the primary keys, at most `limit` of each, by id. A `q` no uuid starts with finds nothing.
   */
  async find(q: string, limit: number): Promise<FoundEntries> {
    // Shorter than 4 characters `q` is taken as a whole id, and no uuid is that short.
    const range = q.length >= 4 ? uuidPrefixRange(q.toLowerCase()) : undefined;
    if (!range) return { messages: [], threads: [] };
    const [rows, threads] = await Promise.all([
      this.pg.db
        .select(entryColumns)
        .from(messages)
        .where(and(gte(messages.id, range.low), lte(messages.id, range.high)))
        .orderBy(asc(messages.id))
        .limit(limit),
      threadsInRange(this.pg.pool, range, limit),
    ]);
    return { messages: rows.map(toSummary), threads };
  }

  listMessages(input: MessageListInput): Promise<Page<MessageSummary>> {
    return listMessages(this.pg.db, input);
  }

  listThreads(input: ThreadListInput): Promise<Page<ThreadSummary>> {
    return listThreads(this.pg.pool, input);
  }

  async getMessage(id: string): Promise<MessageDetail | undefined> {
    if (!isUuid(id)) return undefined;
    const [r, history] = await Promise.all([
      this.row(id),
      this.pg.db
        .select(transitionColumns)
        .from(transitions)
        .where(eq(transitions.messageId, id))
        .orderBy(asc(transitions.seq)),
    ]);
    if (!r) return undefined;
    return toDetail(r, history);
  }

  /**
   * The highest sequence number below which no transition can still commit (`log_horizon()`, migration
   * 0009): batches of several engines commit in parallel, so a reader of the event log stops below the
   * oldest batch still in progress, or a transition committed after it read past its number would be
   * missed for good.
   */
  private async horizon(): Promise<number> {
    const { rows } = await this.pg.pool.query<{ h: string }>('SELECT log_horizon() AS h');
    return Number(rows[0]?.h ?? 0);
  }

  async transitions(afterSeq: number, limit: number): Promise<Transition[]> {
    const horizon = await this.horizon();
    if (horizon <= afterSeq) return [];
    return this.pg.db
      .select(transitionColumns)
      .from(transitions)
      .where(and(gt(transitions.seq, int8(Math.floor(afterSeq))), lte(transitions.seq, int8(horizon))))
      .orderBy(asc(transitions.seq))
      .limit(limit);
  }

  /**
   * Transitions after `afterSeq` with their entry's route, in one query: what the event stream sends.
   * A discarded or pruned entry is gone, so its transitions have no route and kind `''`.
   */
  async routedTransitions(afterSeq: number, limit: number): Promise<RoutedTransition[]> {
    const horizon = await this.horizon();
    if (horizon <= afterSeq) return [];
    return pgRows<RoutedTransition>(
      this.pg.pool,
      sql`SELECT ${TRANSITION}, ${ROUTE}
          FROM transitions t LEFT JOIN messages m ON m.id = t.message_id
          WHERE t.seq > ${int8(Math.floor(afterSeq))} AND t.seq <= ${int8(horizon)} ORDER BY t.seq LIMIT ${limit}`,
    );
  }

  /** Transitions after `afterSeq` with their entry's route, parent and payload and their thread's counts. */
  async recordedTransitions(afterSeq: number, limit: number): Promise<RecordedTransition[]> {
    const horizon = await this.horizon();
    if (horizon <= afterSeq) return [];
    return pgRows<RecordedTransition>(
      this.pg.pool,
      sql`SELECT ${TRANSITION}, ${ROUTE}, m.parent_id AS "parentId", m.payload AS "payloadXml",
            coalesce(m.egress, false) AS egress, th.open AS "threadOpen", th.failed AS "threadFailed"
          FROM transitions t LEFT JOIN messages m ON m.id = t.message_id LEFT JOIN threads th ON th.id = t.thread_id
          WHERE t.seq > ${int8(Math.floor(afterSeq))} AND t.seq <= ${int8(horizon)} ORDER BY t.seq LIMIT ${limit}`,
    );
  }

  /**
   * The highest sequence number committed below the horizon (no smaller one can still commit), and
   * never less than one this object returned before. Not the identity sequence's `last_value` alone: that
   * counts numbers given to batches not yet committed, and a reader that started there would skip their
   * transitions once they commit. `max(seq)` is one probe of the primary key; it would fall back if
   * retention pruned the newest transitions, hence the mark.
   */
  async headSeq(): Promise<number> {
    const horizon = await this.horizon();
    const [row] = await pgRows<{ n: number | null }>(
      this.pg.pool,
      sql`SELECT max(seq) AS n FROM transitions WHERE seq <= ${int8(horizon)}`,
    );
    this.head = Math.max(this.head, row?.n ?? 0);
    return this.head;
  }

  /**
   * Entries per state from `journal_counts` (kept by the write path), the oldest PENDING entry from
   * `messages_state_created`, and the head of the event log: a few index reads at any size.
   */
  async stats(): Promise<{
    counts: Record<MessageState, number>;
    refused: number;
    oldestPendingAt: number | null;
    lastSeq: number;
  }> {
    const [rows, oldest, lastSeq] = await Promise.all([
      this.pg.db.select().from(journalCounts),
      this.pg.db
        .select({ at: min(messages.createdAt) })
        .from(messages)
        .where(eq(messages.state, 'PENDING')),
      this.headSeq(),
    ]);
    // One row per state and shard (migration 0009): each engine counts into a shard of its own.
    const { counts, refused } = countsOf(rows);
    return { counts, refused, oldestPendingAt: oldest[0]?.at ?? null, lastSeq };
  }

  /**
   * Outcomes per second over the five minutes before `now`'s second, counted from the event log (the
   * `transitions_at` index), so every engine sharing the schema is counted, not only this one. Engines'
   * clocks are their own: a transition is counted in the second its engine wrote it.
   */
  async throughput(now: number): Promise<ThroughputHistory> {
    const end = Math.floor(now / 1000) - 1;
    const start = end - HISTORY_SECONDS + 1;
    const rows = await pgRows<{ s: number; delivered: number; failed: number; rejected: number }>(
      this.pg.pool,
      sql`SELECT (at / 1000)::float8 AS s,
                 count(*) FILTER (WHERE state = 'ACKED')::float8 AS delivered,
                 count(*) FILTER (WHERE state = 'FAILED' AND attempt > 0)::float8 AS failed,
                 count(*) FILTER (WHERE state = 'FAILED' AND attempt = 0)::float8 AS rejected
          FROM transitions WHERE at >= ${start * 1000} AND at < ${(end + 1) * 1000} AND state IN ('ACKED', 'FAILED')
          GROUP BY 1`,
    );
    const bySecond = new Map(rows.map((r) => [r.s, r]));
    return throughputHistory(now, start, (second) => bySecond.get(second) ?? NONE);
  }

  /** `Journal.search`: see pg-search.ts. */
  search(req: SearchRequest): Promise<SearchPage> {
    return searchMessages(this.pg.db, req);
  }
}
