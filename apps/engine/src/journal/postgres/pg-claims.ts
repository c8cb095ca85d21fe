import type pg from 'pg';
import type { EngineMembership } from './engine-membership.ts';
import { WRITES_CHANNEL } from './engine-membership.ts';
import type { OpenPostgres } from './open-postgres.ts';
import { PolledTask } from '../polled-task.ts';

/**
 * Most entries one claim takes (one transaction): small enough that engines woken together by the same
 * NOTIFY share a backlog (a dead engine's work) rather than the first taking it all.
 */
const CLAIM_BATCH = 32;
/** How often an engine looks for unowned work a missed NOTIFY would have told it of. */
const POLL_MS = 1_000;

/** The listeners with unowned work: a walk of the small `messages_unowned` index. */
const WAITING = `SELECT DISTINCT to_name FROM messages WHERE owner IS NULL AND state IN ('PENDING', 'DISPATCHED')`;

/**
 * Takes up to $3 unowned entries for listener $2, oldest first, skipping rows another engine is claiming.
 * Its plan is pinned (pg-claims.test.ts checks it with EXPLAIN): with a backlog, an index scan of each
 * day's partition of `messages_unowned` (pg-partitions.ts), merged in `seq` order, never a bitmap scan,
 * which would lose the order and lock rows in heap order. With a few waiting, the planner may as well
 * take them from `messages_owner_unfinished` and sort them: a few rows either way.
 */
export const CLAIM = `UPDATE messages m SET owner = $1 FROM (
    SELECT id FROM messages
    WHERE owner IS NULL AND state IN ('PENDING', 'DISPATCHED') AND to_name = $2
    ORDER BY seq LIMIT $3 FOR UPDATE SKIP LOCKED
  ) c WHERE m.id = c.id RETURNING m.id`;

/** Takes the orchestration runs a dead engine's adopter offered to engine $1 (engine-membership.ts). */
const TAKE_OFFERED = `UPDATE orchestrations SET owner = $1, offered_to = NULL
  WHERE owner IS NULL AND offered_to = $1 AND status = 'running' RETURNING id`;

/**
 * How a claim's transaction plans: never a bitmap scan (it loses the index's order and locks rows in heap
 * order), and random reads costed as on an SSD, so the small unowned index is preferred to walking
 * `messages_seq` in heap order and filtering, which the default costs choose once the table is large and
 * well correlated with `seq` (measured: pg-claims.test.ts).
 */
export const CLAIM_SETTINGS = ['SET LOCAL enable_bitmapscan = off', 'SET LOCAL random_page_cost = 1.1'];

/**
 * Claims of unowned work (docs/scale-out.md, "Listeners per engine"). An engine that does not run a
 * listener writes the entries addressed to it with no owner; every engine that runs it is woken by that
 * batch's NOTIFY (`… unowned`), or finds them at its next poll, and claims them in batches, one listener
 * at a time, with `FOR UPDATE SKIP LOCKED`: each entry goes to exactly one engine. What it claimed is
 * handed to `hand`, which recovers it as boot recovery would (a retry keeps its time). At each claim it
 * also takes the orchestration runs offered to it (a dead engine's, spread over the survivors) and
 * hands them to `handRuns`.
 */
export class PgClaims {
  private readonly task = new PolledTask(() => this.claimAll(), POLL_MS);

  constructor(
    private readonly open: OpenPostgres,
    private readonly member: EngineMembership,
    private readonly hand: (ids: string[]) => Promise<void>,
    private readonly handRuns: (ids: string[]) => Promise<void>,
  ) {}

  async start(): Promise<void> {
    await this.member.listen(WRITES_CHANNEL, (words) => {
      if (words.includes('unowned')) void this.wake();
    });
    this.task.start();
    void this.wake();
  }

  close(): void {
    this.task.stop();
  }

  /** Claims now, or once more after the claim running. Resolves when nothing more was claimed. */
  wake(): Promise<void> {
    return this.task.run();
  }

  private async claimAll(): Promise<void> {
    if (this.task.isStopped || this.member.isFenced) return;
    const runs = await this.fenced((client) => client.query<{ id: string }>(TAKE_OFFERED, [this.member.id]));
    if (runs.length > 0) await this.handRuns(runs.map((r) => r.id));
    const { rows } = await this.open.pool.query<{ to_name: string | null }>(WAITING);
    for (const { to_name: listener } of rows) {
      if (listener === null || !this.member.runsHere(listener)) continue;
      for (;;) {
        if (this.task.isStopped || this.member.isFenced) return;
        const ids = await this.claim(listener);
        if (ids.length > 0) await this.hand(ids);
        if (ids.length < CLAIM_BATCH) break;
      }
    }
  }

  private async claim(listener: string): Promise<string[]> {
    const rows = await this.fenced(async (client) => {
      for (const setting of CLAIM_SETTINGS) await client.query(setting);
      return client.query<{ id: string }>(CLAIM, [this.member.id, listener, CLAIM_BATCH]);
    });
    return rows.map((r) => r.id);
  }

  /** Runs `take` in a transaction fenced like every batch: an adopted engine takes nothing. */
  private async fenced<R>(
    take: (client: pg.PoolClient) => Promise<pg.QueryResult<R & pg.QueryResultRow>>,
  ): Promise<R[]> {
    const client: pg.PoolClient = await this.open.pool.connect();
    try {
      await client.query('BEGIN');
      const me = await client.query<{ adopted_by: string | null }>(
        'SELECT adopted_by FROM engines WHERE id = $1 FOR KEY SHARE',
        [this.member.id],
      );
      if (me.rows[0]?.adopted_by !== null) {
        await client.query('ROLLBACK');
        this.member.fence(me.rows[0]?.adopted_by ?? null);
        return [];
      }
      const { rows } = await take(client);
      await client.query('COMMIT');
      return rows;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      client.release();
    }
  }
}
