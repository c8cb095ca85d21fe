import type pg from 'pg';
import type { EngineMembership } from './engine-membership.ts';
import { RUNS_HERE, WRITES_CHANNEL } from './engine-membership.ts';
import { EntryChanges } from '../entry-changes.ts';
import type { EntryRow } from '../entry-record.ts';
import { applyOperatorOp, leftAlone } from '../sqlite/write-ops.ts';
import type { BatchValue, WriteOp } from '../sqlite/write-ops.ts';
import { indexedWords } from './pg-search.ts';
import { DAYS, PART } from './pg-partitions.ts';

/**
 * The most of a payload's text the word index takes: a tsvector holds at most 1 MB, and a message may be
 * larger (pump.maxMessageBytes). Words past it are not found by a text search.
 */
const MAX_INDEXED_TEXT = 256 * 1024;

/** PostgreSQL text cannot hold U+0000; refused input can. It is kept as U+FFFD. */
const noNul = (s: string | null): string | null => (s === null ? null : s.replaceAll('\u0000', '\uFFFD'));

const INSERT_ENTRIES = `INSERT INTO messages (id, thread_id, parent_id, from_name, to_name, root, kind, chain, payload, raw,
    state, attempts, error_code, error_detail, next_attempt_at, egress, created_at, updated_at, words, owner, part)
  SELECT id, thread_id, parent_id, from_name, to_name, root, kind, chain, payload, raw, state, attempts, error_code,
    error_detail, next_attempt_at, egress, created_at, updated_at,
    CASE WHEN text IS NULL THEN NULL ELSE to_tsvector('simple', text) END,
    CASE WHEN $3::text[] IS NULL OR egress OR ${RUNS_HERE('$3')} THEN $2::uuid END, ${PART('created_at')}
  FROM json_to_recordset($1::json) AS x(id uuid, thread_id uuid, parent_id uuid, from_name text, to_name text,
    root text, kind text, chain text, payload text, raw text, state text, attempts int, error_code text,
    error_detail text, next_attempt_at bigint, egress boolean, created_at bigint, updated_at bigint, text text, i int)
  ${DAYS}
  ORDER BY i`;

const UPDATE_ENTRIES = `UPDATE messages m SET state = u.state, attempts = u.attempts, error_code = u.error_code,
    error_detail = u.error_detail, next_attempt_at = u.next_attempt_at, updated_at = u.updated_at,
    owner = CASE WHEN $3::text[] IS NULL OR m.egress OR ${RUNS_HERE('$3', 'm.to_name')} THEN $2::uuid END
  FROM json_to_recordset($1::json) AS u(id uuid, state text, attempts int, error_code text, error_detail text,
    next_attempt_at bigint, updated_at bigint)
  WHERE m.id = u.id`;

// A transition's sequence number is its place in the event log, and batches of several engines commit
// in parallel, so numbers may become visible out of order. Before its first transition a batch marks
// itself as in progress (migration 0009: a lock until its commit, keyed below every number it will
// take); readers of the log stop below the lowest mark (`log_horizon()`, pg-queries.ts), so one resuming
// after a number never misses a smaller one committed later.
const MARK = `SELECT log_mark()`;
const LOG = `INSERT INTO transitions (message_id, thread_id, state, attempt, error_code, detail, at, part)
  SELECT (e->>0)::uuid, (e->>1)::uuid, e->>2, (e->>3)::int, e->>4, e->>5, (e->>6)::bigint, ${PART('(e->>6)::bigint')}
  FROM json_array_elements($1::json) WITH ORDINALITY AS x(e, i) ${DAYS} ORDER BY i`;

// A thread's first write creates it; later ones add to its counts and append the names it lacks.
const THREADS = `INSERT INTO threads AS t (id, first_at, last_at, messages, open, failed, participants)
  SELECT id, first_at, last_at, messages, open, failed, names
  FROM json_to_recordset($1::json) AS x(id uuid, first_at bigint, last_at bigint, messages int, open int,
    failed int, names text[])
  ORDER BY id
  ON CONFLICT (id) DO UPDATE SET last_at = greatest(t.last_at, excluded.last_at),
    messages = t.messages + excluded.messages, open = t.open + excluded.open, failed = t.failed + excluded.failed,
    participants = t.participants
      || ARRAY(SELECT n FROM unnest(excluded.participants) AS n WHERE n <> ALL (t.participants))`;

// Into this engine's shard (migration 0009), states in one order, so no two batches lock rows crosswise.
const COUNTS = `INSERT INTO journal_counts AS c (state, shard, n)
  SELECT state, $2, n FROM json_to_recordset($1::json) AS x(state text, n bigint) ORDER BY state
  ON CONFLICT (state, shard) DO UPDATE SET n = c.n + excluded.n`;
/** PostgreSQL's serialization_failure, and how many times a batch runs that meets it. */
const SERIALIZATION_FAILURE = '40001';
const RUNS = 3;
/** Shards of `journal_counts`: engines rarely share one. */
const COUNT_SHARDS = 64;

// Retention of the kept partition (the days' partitions are dropped whole: pg-partitions.ts), a chunk at a
// time: ACKED entries last updated before the cutoff, with their transitions. created_at ≤ updated_at, so
// the bound on created_at changes nothing but lets the state index seek.
const PRUNE = `WITH gone AS (
    DELETE FROM messages WHERE part = 0 AND id IN (
      SELECT id FROM messages WHERE part = 0 AND state = 'ACKED' AND created_at < $1 AND updated_at < $1 LIMIT $2)
    RETURNING id, thread_id),
  log AS (DELETE FROM transitions WHERE message_id IN (SELECT id FROM gone))
  SELECT count(*) AS n, coalesce(array_agg(DISTINCT thread_id) FILTER (WHERE thread_id IS NOT NULL), '{}') AS threads
  FROM gone`;
const EMPTY = `NOT EXISTS (SELECT 1 FROM messages m WHERE m.thread_id = threads.id)`;

/**
 * Commits batches of the journal's writes (sqlite/write-ops.ts) on PostgreSQL: each batch in one
 * transaction on one connection of the pool. The engine's own row is read first (the fence of
 * engine-membership.ts: an engine whose work was adopted writes nothing), then the states its moves start
 * from, in one query that also locks those rows (FOR UPDATE); what the batch gathers (entry-changes.ts) is
 * then written with one statement per table, rows passed as JSON, each entry written or moved owned by
 * this engine. Peers hear of the commit by one NOTIFY, sent once it is committed.
 */
export class PgBatchRunner {
  batches = 0;
  /** Whether this batch marked itself in the event log yet (it adds transitions). */
  private sequenced = false;
  /** This engine's shard of `journal_counts`. */
  private readonly shard = Math.floor(Math.random() * COUNT_SHARDS);
  /** Whether this batch wrote an entry for a listener this engine does not run (left for others to claim). */
  private unowned = false;
  private readonly owner: string | null;
  /** The listeners this engine runs (besides `system.*`); null: all. */
  private readonly listeners: readonly string[] | null;

  constructor(
    private readonly pool: pg.Pool,
    private readonly member?: EngineMembership,
  ) {
    this.owner = member?.id ?? null;
    this.listeners = member?.listeners ?? null;
  }

  /**
   * Commits `ops`; resolves with the batch's value (`BatchValue`). A batch that ran
   * into retention moving one of its entries to the kept partition at that very moment (PostgreSQL's
   * serialization failure: "already moved to another partition") runs again, whole.
   */
  async run(ops: readonly WriteOp[]): Promise<BatchValue | undefined> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.runOnce(ops);
      } catch (err) {
        if ((err as { code?: string }).code !== SERIALIZATION_FAILURE || attempt === RUNS) throw err;
      }
    }
  }

  private async runOnce(ops: readonly WriteOp[]): Promise<BatchValue | undefined> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      this.sequenced = false;
      this.unowned = false;
      if (this.member) await this.fence(client, this.member);
      const value = await this.apply(client, ops);
      await client.query('COMMIT');
      this.batches++;
      // After the commit, not in its transaction: a transaction that notifies holds PostgreSQL's one
      // notify-queue lock from its commit's start to its end, fsync included, which would make the
      // engines' batches commit one at a time again. Lost with a crash right here, it is made up for by
      // the peers' polls (a second).
      if (this.sequenced && this.member)
        await client
          .query('SELECT pg_notify($1, $2)', [
            WRITES_CHANNEL,
            `${this.member.schema} ${this.member.id}${this.unowned ? ' unowned' : ''}`,
          ])
          .catch((e: unknown) => {
            broken = e instanceof Error ? e : new Error(String(e));
          });
      return value;
    } catch (err) {
      await client.query('ROLLBACK').catch((e: unknown) => {
        // The connection is gone: the pool must not hand it out again.
        broken = e instanceof Error ? e : new Error(String(e));
      });
      throw err;
    } finally {
      client.release(broken);
    }
  }

  private async apply(client: pg.PoolClient, ops: readonly WriteOp[]): Promise<BatchValue | undefined> {
    const states = await this.statesOf(client, ops);
    const changes = new EntryChanges((id) => states.get(id));
    let value: BatchValue | undefined;
    for (const op of ops) {
      switch (op[0]) {
        case 'add': {
          const [, row, attempt] = op;
          if (changes.rows.has(row.id)) await this.write(client, changes);
          changes.insertRow(row);
          changes.logOnly(row.id, row.threadId, row.state, attempt, row.updatedAt, null);
          break;
        }
        case 'insert':
          if (changes.rows.has(op[1].id)) await this.write(client, changes);
          changes.insertRow(op[1]);
          break;
        case 'move':
          changes.move(op[1], op[2], op[3], op[4], op[5], op[6], op[7]);
          break;
        case 'log':
          changes.logOnly(op[1], op[2], op[3], op[4], op[5], op[6]);
          break;
        case 'known':
          // The states are read at the start of every batch.
          break;
        case 'delete':
          await this.write(client, changes);
          await this.delete(client, changes, op[1]);
          states.delete(op[1]);
          break;
        case 'retry':
        case 'discard': {
          // The entry's row is locked since the batch began (statesOf): another engine's action on it
          // waits for this commit, then finds it no longer FAILED.
          const { done, removed } = applyOperatorOp(op, changes, async (id) => {
            await this.write(client, changes);
            await this.delete(client, changes, id);
            states.delete(id);
          });
          await removed;
          if (!done) value = leftAlone(value, op[1]);
          break;
        }
        case 'prune':
          await this.write(client, changes);
          value = await this.prune(client, changes, op[1], op[2]);
          break;
        case 'probe':
          // A real write that changes nothing: it fails as real writes do (read-only server, full disk).
          await client.query(`UPDATE journal_counts SET n = n WHERE state = 'PENDING' AND shard = 0`);
          break;
      }
    }
    await this.write(client, changes);
    const counts = changes.takeCounts();
    if (counts.length > 0)
      await client.query(COUNTS, [JSON.stringify(counts.map(([state, n]) => ({ state, n }))), this.shard]);
    return value;
  }

  /** Refuses the batch if this engine's work was adopted; holds its row (KEY SHARE) until the commit. */
  private async fence(client: pg.PoolClient, member: EngineMembership): Promise<void> {
    if (member.isFenced) throw member.fence(null);
    const { rows } = await client.query<{ adopted_by: string | null }>(
      'SELECT adopted_by FROM engines WHERE id = $1 FOR KEY SHARE',
      [member.id],
    );
    const row = rows[0];
    if (!row || row.adopted_by !== null) throw member.fence(row?.adopted_by ?? null);
  }

  /** The states of the entries this batch moves that it does not create, read and locked in one query. */
  private async statesOf(client: pg.PoolClient, ops: readonly WriteOp[]): Promise<Map<string, string>> {
    const created = new Set<string>();
    const moved = new Set<string>();
    for (const op of ops) {
      if (op[0] === 'add' || op[0] === 'insert') created.add(op[1].id);
      else if ((op[0] === 'move' || op[0] === 'retry' || op[0] === 'discard') && !created.has(op[1]))
        moved.add(op[1]);
    }
    const states = new Map<string, string>();
    if (moved.size === 0) return states;
    const { rows } = await client.query<{ id: string; state: string }>(
      'SELECT id, state FROM messages WHERE id = ANY($1::uuid[]) FOR UPDATE',
      [[...moved]],
    );
    for (const r of rows) states.set(r.id, r.state);
    return states;
  }

  /** Writes what `changes` gathered: one statement per table. */
  private async write(client: pg.PoolClient, changes: EntryChanges): Promise<void> {
    if (!changes.dirty) return;
    const { rows, updates, transitions, threads } = changes.take();
    if (rows.size > 0) {
      await client.query(INSERT_ENTRIES, [
        JSON.stringify([...rows.values()].map(entryJson)),
        this.owner,
        this.listeners,
      ]);
      const member = this.member;
      if (
        member?.listeners &&
        [...rows.values()].some((r) => !r.egress && r.to !== null && !member.runsHere(r.to))
      )
        this.unowned = true;
    }
    if (updates.size > 0) {
      const list = [...updates].map(([id, u]) => ({
        id,
        state: u.state,
        attempts: u.attempts,
        error_code: u.errorCode,
        error_detail: noNul(u.errorDetail),
        next_attempt_at: u.nextAttemptAt,
        updated_at: u.updatedAt,
      }));
      await client.query(UPDATE_ENTRIES, [JSON.stringify(list), this.owner, this.listeners]);
    }
    if (transitions.length > 0) {
      if (!this.sequenced) {
        await client.query(MARK);
        this.sequenced = true;
      }
      await client.query(LOG, [
        JSON.stringify(transitions.map((t) => t.map((v) => (typeof v === 'string' ? noNul(v) : v)))),
      ]);
    }
    if (threads.size > 0) {
      const list = [...threads].map(([id, t]) => ({
        id,
        first_at: t.firstAt,
        last_at: t.lastAt,
        messages: t.messages,
        open: t.open,
        failed: t.failed,
        names: t.names,
      }));
      await client.query(THREADS, [JSON.stringify(list)]);
    }
  }

  /** Deletes an entry (a discarded dead letter); its transitions stay. */
  private async delete(client: pg.PoolClient, changes: EntryChanges, id: string): Promise<void> {
    const { rows } = await client.query<{ state: string; kind: string; thread_id: string | null }>(
      'DELETE FROM messages WHERE id = $1 RETURNING state, kind, thread_id',
      [id],
    );
    const gone = rows[0];
    if (!gone) return;
    const { open, failed } = changes.deleted(id, gone.state, gone.kind);
    if (gone.thread_id) {
      await client.query('UPDATE threads SET open = open + $1, failed = failed + $2 WHERE id = $3', [
        open,
        failed,
        gone.thread_id,
      ]);
    }
  }

  /**
   * Deletes up to `limit` ACKED entries last updated before `cutoff` (ms), with their transitions, and
   * the threads they leave without entries; the last chunk (fewer than `limit`) sweeps every thread left
   * without entries (a discarded dead letter's).
   */
  private async prune(
    client: pg.PoolClient,
    changes: EntryChanges,
    cutoff: number,
    limit: number,
  ): Promise<number> {
    const { rows } = await client.query<{ n: number; threads: string[] }>(PRUNE, [cutoff, limit]);
    const { n, threads } = rows[0]!;
    if (n < limit) await client.query(`DELETE FROM threads WHERE ${EMPTY}`);
    else await client.query(`DELETE FROM threads WHERE id = ANY($1::uuid[]) AND ${EMPTY}`, [threads]);
    changes.counted('ACKED', -n);
    return n;
  }
}

function entryJson(r: EntryRow, i: number): Record<string, unknown> {
  return {
    id: r.id,
    thread_id: r.threadId,
    parent_id: r.parentId,
    from_name: r.from,
    to_name: r.to,
    root: r.root,
    kind: r.kind,
    chain: r.chain,
    payload: noNul(r.payload),
    raw: noNul(r.raw),
    state: r.state,
    attempts: r.attempts,
    error_code: r.errorCode,
    error_detail: noNul(r.errorDetail),
    next_attempt_at: r.nextAttemptAt,
    egress: r.egress,
    created_at: r.createdAt,
    updated_at: r.updatedAt,
    text: r.payload === null ? null : indexedWords(r.payload).slice(0, MAX_INDEXED_TEXT),
    i,
  };
}
