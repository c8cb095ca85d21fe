import type pg from 'pg';

/** A partition's width: one day, in ms. `part` is the day's number since 1970. */
export const DAY_MS = 86_400_000;
/** Days created ahead of today, so that midnight never finds its day without partitions. */
const AHEAD = 2;
/** How long dropping a day may wait for its lock before it gives up until the next round. */
const DROP_LOCK_TIMEOUT = '250ms';
const DROP_TRIES = 4;
/** PostgreSQL's lock_not_available: a lock_timeout ran out. */
const LOCK_NOT_AVAILABLE = '55P03';
/** Threads deleted per transaction after a day is dropped. */
const THREAD_CHUNK = 5_000;
/** The partitioned tables, each with one partition per day and `<table>_kept` for part 0. */
const TABLES = ['messages', 'transitions'] as const;
/** Each partition's primary key (the partitioned table has none: a key of it would have to include `part`). */
const KEY: Record<(typeof TABLES)[number], string> = { messages: 'id', transitions: 'seq' };
/** Autovacuum for each day's partitions, as migration 0003 set it for the tables before partitions. */
const STORAGE: Record<(typeof TABLES)[number], string> = {
  messages: `autovacuum_vacuum_scale_factor = 0.01, autovacuum_vacuum_insert_scale_factor = 0.02,
    autovacuum_analyze_scale_factor = 0.005, autovacuum_vacuum_cost_limit = 2000`,
  transitions: 'autovacuum_vacuum_insert_scale_factor = 0.02, autovacuum_analyze_scale_factor = 0.01',
};

/**
 * In an INSERT … SELECT: the partition a row written at `at` (ms) goes to, its day's when the day has
 * partitions, else the kept one. The SELECT joins `DAYS` (`journal_days` is one row) as `d`.
 */
export const PART = (at: string): string =>
  `CASE WHEN ${at} / ${DAY_MS} BETWEEN d.lo AND d.hi THEN (${at} / ${DAY_MS})::int ELSE 0 END`;
export const DAYS = `CROSS JOIN (SELECT lo, hi FROM journal_days) d`;

/** `messages_p20261201`: the partition of `table` for `day`. */
export function partitionName(table: string, day: number): string {
  return `${table}_p${new Date(day * DAY_MS).toISOString().slice(0, 10).replaceAll('-', '')}`;
}

/** The day a partition's name stands for, or null for one that is not a day's (`*_kept`). */
function dayOf(table: string, name: string): number | null {
  const m = new RegExp(`^${table}_p(\\d{4})(\\d{2})(\\d{2})$`).exec(name);
  return m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / DAY_MS : null;
}

/** What retention dropped. */
export interface Retired {
  /** The days whose partitions went. */
  days: number[];
  /** The ACKED entries that went with them. */
  entries: number;
  /** The entries and transitions it moved to the kept partitions first. */
  kept: number;
  /** How long each step took, in ms: moving what stays, dropping, deleting the threads left empty. */
  ms: { keep: number; drop: number; threads: number };
}

/**
 * Retention by dropping days (migration 0011, docs/scale-out.md "Retention"). `messages` and
 * `transitions` are partitioned by `part`, the day a row was written; `journal_days` says which days
 * have partitions, and a row of any other day goes to the kept partition (part 0). Engines create each
 * day's partitions `AHEAD` days early. Once a whole day is older than the retention cutoff, retention
 * moves what it must keep (entries not ACKED before the cutoff, and every kept entry's transitions) into
 * the kept partitions and drops the day: no row is deleted, no index is shrunk, nothing is left for
 * vacuum. What is kept is pruned row by row as before (pg-writes.ts). One engine at a time does this
 * (an advisory lock); the others skip the round.
 */
export class PgPartitions {
  private readonly lockKey: string;

  constructor(
    private readonly pool: pg.Pool,
    schema: string,
    private readonly now: () => number,
  ) {
    this.lockKey = `${schema}/partitions`;
  }

  /**
   * Creates the partitions of the days from the last one with partitions (or today) to `AHEAD` days
   * from now, and says so in `journal_days`. Attaching a new partition takes no lock that stops the
   * pump's reads or writes.
   */
  async ensure(): Promise<void> {
    const today = Math.floor(this.now() / DAY_MS);
    await this.extend(today, today + AHEAD);
  }

  /**
   * Creates the partitions of the days up to `last`: from the day after the last one with partitions, or
   * from `first` when there are none yet.
   */
  async extend(first: number, last: number): Promise<void> {
    await this.exclusively(async (client) => {
      const { rows } = await client.query<{ lo: number; hi: number }>('SELECT lo, hi FROM journal_days');
      const { lo, hi } = rows[0]!;
      const empty = lo > hi;
      const from = empty ? first : hi + 1;
      const to = last;
      if (from > to) return;
      await inTransaction(client, async () => {
        for (let day = from; day <= to; day++)
          for (const table of TABLES) await this.create(client, table, day);
        await client.query('UPDATE journal_days SET lo = $1, hi = $2', [empty ? from : lo, to]);
      });
    });
  }

  /**
   * Drops every day wholly before `cutoff` (ms), oldest first, after moving into the kept partitions
   * the entries that are not ACKED before the cutoff and the transitions of every kept entry. Then
   * deletes the threads left without entries. A day whose drop cannot have its lock soon is left for
   * the next round, and so are the days after it.
   */
  async retire(cutoff: number): Promise<Retired> {
    const retired: Retired = { days: [], entries: 0, kept: 0, ms: { keep: 0, drop: 0, threads: 0 } };
    const timed = async <T>(step: keyof Retired['ms'], fn: () => Promise<T>): Promise<T> => {
      const t0 = performance.now();
      try {
        return await fn();
      } finally {
        retired.ms[step] += Math.round(performance.now() - t0);
      }
    };
    const last = Math.floor(cutoff / DAY_MS) - 1;
    await this.exclusively(async (client) => {
      for (const day of await this.days(client)) {
        if (day > last) break;
        const { entries, kept } = await timed('keep', () => this.keep(client, day, cutoff));
        retired.kept += kept;
        if (!(await timed('drop', () => this.drop(client, day, entries)))) break;
        retired.days.push(day);
        retired.entries += entries;
      }
      const latest = retired.days.at(-1);
      if (latest !== undefined) await timed('threads', () => this.forgetThreads(client, latest));
    });
    return retired;
  }

  /** The days that have partitions, oldest first. */
  private async days(client: pg.PoolClient): Promise<number[]> {
    const { rows } = await client.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
       WHERE i.inhparent = 'messages'::regclass`,
    );
    return rows
      .map((r) => dayOf('messages', r.name))
      .filter((d): d is number => d !== null)
      .sort((a, b) => a - b);
  }

  /**
   * One partition of `table` for `day`, with its primary key and the table's indexes, named after the
   * table's (`messages_p…_unowned`).
   */
  private async create(client: pg.PoolClient, table: (typeof TABLES)[number], day: number): Promise<void> {
    const name = partitionName(table, day);
    const exists = await client.query('SELECT 1 FROM pg_class WHERE oid = to_regclass($1)', [name]);
    if (exists.rowCount) return;
    await client.query(
      `CREATE TABLE ${name} (LIKE ${table} INCLUDING DEFAULTS, PRIMARY KEY (${KEY[table]})) WITH (${STORAGE[table]})`,
    );
    await client.query(
      `ALTER TABLE ${table} ATTACH PARTITION ${name} FOR VALUES FROM (${day}) TO (${day + 1})`,
    );
    const { rows } = await client.query<{ index: string; parent: string }>(
      `SELECT c.relname AS index, p.relname AS parent
       FROM pg_index x JOIN pg_class c ON c.oid = x.indexrelid
         JOIN pg_inherits i ON i.inhrelid = x.indexrelid JOIN pg_class p ON p.oid = i.inhparent
       WHERE x.indrelid = $1::regclass`,
      [name],
    );
    for (const r of rows)
      await client.query(`ALTER INDEX ${r.index} RENAME TO ${name}_${r.parent.slice(table.length + 1)}`);
  }

  /**
   * Stops new rows going to `day` (they go to the kept partition) and moves what it must keep into the
   * kept partitions: row locks only, so the pump goes on meanwhile. Returns how many entries stay to be
   * dropped (all ACKED before the cutoff: nothing changes them any more) and how many rows it moved.
   */
  private async keep(
    client: pg.PoolClient,
    day: number,
    cutoff: number,
  ): Promise<{ entries: number; kept: number }> {
    await client.query('UPDATE journal_days SET lo = greatest(lo, $1)', [day + 1]);
    return inTransaction(client, async () => {
      const entries = await client.query(
        `UPDATE messages SET part = 0 WHERE part = $1 AND NOT (state = 'ACKED' AND updated_at < $2)`,
        [day, cutoff],
      );
      const log = await client.query(
        `UPDATE transitions t SET part = 0 FROM messages m
         WHERE t.part = $1 AND m.part = 0 AND m.id = t.message_id`,
        [day],
      );
      const { rows } = await client.query<{ n: number }>(
        `SELECT count(*) AS n FROM ${partitionName('messages', day)}`,
      );
      return { entries: rows[0]!.n, kept: (entries.rowCount ?? 0) + (log.rowCount ?? 0) };
    });
  }

  /**
   * Drops `day`'s partitions and takes its `entries` from the ACKED count, in one transaction, unless
   * an entry not ACKED came in meanwhile (then the next round keeps it first). The drop needs the
   * tables' exclusive lock for a moment: it waits at most DROP_LOCK_TIMEOUT for it (the queries behind
   * it wait too), a few times, then leaves the day for the next round. Returns whether it dropped.
   */
  private async drop(client: pg.PoolClient, day: number, entries: number): Promise<boolean> {
    const [m, t] = [partitionName('messages', day), partitionName('transitions', day)];
    for (let attempt = 1; attempt <= DROP_TRIES; attempt++) {
      try {
        return await inTransaction(client, async () => {
          await client.query(`SET LOCAL lock_timeout = '${DROP_LOCK_TIMEOUT}'`);
          await client.query(`LOCK TABLE messages, transitions IN ACCESS EXCLUSIVE MODE`);
          const late = await client.query(`SELECT 1 FROM ${m} WHERE state <> 'ACKED' LIMIT 1`);
          if (late.rowCount) return false;
          await client.query(`DROP TABLE ${m}, ${t}`);
          if (entries > 0)
            await client.query(
              `INSERT INTO journal_counts AS c (state, shard, n) VALUES ('ACKED', 0, $1)
               ON CONFLICT (state, shard) DO UPDATE SET n = c.n + excluded.n`,
              [-entries],
            );
          return true;
        });
      } catch (err) {
        if ((err as { code?: string }).code !== LOCK_NOT_AVAILABLE) throw err;
        await new Promise((r) => setTimeout(r, 200 * attempt));
      }
    }
    return false;
  }

  /**
   * Deletes the threads left without entries once the days up to `day` are gone: those whose last
   * entry was written before the day's end and that have none kept. A chunk per transaction.
   */
  private async forgetThreads(client: pg.PoolClient, day: number): Promise<void> {
    for (;;) {
      const { rowCount } = await client.query(
        `DELETE FROM threads WHERE id IN (
           SELECT id FROM threads t WHERE t.last_at < $1
             AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.thread_id = t.id AND m.part <= ${day})
           LIMIT ${THREAD_CHUNK})`,
        [(day + 1) * DAY_MS],
      );
      if ((rowCount ?? 0) < THREAD_CHUNK) return;
    }
  }

  /** Runs `fn` on a connection of its own while holding the schema's partition lock; skips if another has it. */
  private async exclusively(fn: (client: pg.PoolClient) => Promise<void>): Promise<void> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      const { rows } = await client.query<{ ok: boolean }>(
        'SELECT pg_try_advisory_lock(hashtext($1)) AS ok',
        [this.lockKey],
      );
      if (!rows[0]!.ok) return;
      try {
        await fn(client);
      } finally {
        await client.query('SELECT pg_advisory_unlock(hashtext($1))', [this.lockKey]).catch((e: unknown) => {
          broken = e instanceof Error ? e : new Error(String(e));
        });
      }
    } finally {
      client.release(broken);
    }
  }
}

/** Runs `fn` in a transaction on `client`: committed when it returns, rolled back when it throws. */
async function inTransaction<T>(client: pg.PoolClient, fn: () => Promise<T>): Promise<T> {
  await client.query('BEGIN');
  try {
    const value = await fn();
    await client.query('COMMIT');
    return value;
  } catch (err) {
    await client.query('ROLLBACK');
    throw err;
  }
}
