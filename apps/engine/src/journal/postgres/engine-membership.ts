import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type pg from 'pg';
import type { EngineSummary } from '@organism/shared';
import { JournalError } from '../journal-error.ts';
import type { OpenPostgres } from './open-postgres.ts';
import { takeRuns } from './pg-adopt-runs.ts';

/** The database server's clock in ms: every engine's times are compared on one clock. */
export const NOW = `(extract(epoch FROM clock_timestamp()) * 1000)::bigint`;
/** Every engine's session holds its own lock, keyed by schema and engine id, for its life. */
const LOCK_KEY = `hashtextextended($1, 0)`;
/** The channel every engine of every schema listens on; a payload is `<schema> <engine id>`. */
export const WRITES_CHANNEL = 'organism_writes';
/** Whether `to_name` is a listener the engine whose listener list is the parameter runs. */
export const RUNS_HERE = (listeners: string, to = 'to_name'): string =>
  `(${to} = ANY(${listeners}::text[]) OR ${to} LIKE 'system.%' OR ${to} IS NULL)`;
/** Rows of engines adopted longer ago than this are removed as engines join. */
const FORGET_AFTER_MS = 24 * 3_600_000;

export interface MembershipSettings {
  /** How often the engine beats and looks for dead peers (ms). Default 500. */
  heartbeatMs?: number;
  /**
   * How long an engine may go without a heartbeat before it counts as dead although its session holds
   * its lock (a hung process, a network partition). Default 15,000 ms.
   */
  leaseMs?: number;
  /**
   * The listeners this engine runs (`system.*` ones always). Unset: all of them. Entries for the others
   * are written unowned and claimed by engines that run them (pg-claims.ts).
   */
  listeners?: readonly string[];
  /**
   * After this engine's own session was lost and made again, how long it adopts only peers that stopped
   * gracefully: when the server restarted (a fail-over), every engine lost its session and lock at once,
   * and peers that have not reconnected yet would otherwise look dead. Live peers are back within a
   * heartbeat or two of the server. Default 5,000 ms.
   */
  reconnectGraceMs?: number;
}

/** What an engine took over from one that died (or from before engines were recorded: `from` null). */
export interface Adoption {
  from: string | null;
  /** The unfinished entries it now owns. */
  entries: string[];
  /** The orchestration runs it now drives. */
  runs: string[];
  /** How many of the dead engine's running orchestrations it offered to the other live engines. */
  offered: number;
  /** How many of the dead engine's unfinished entries it left unowned, for the engines that run them. */
  released: number;
}

/**
 * One engine among those sharing a PostgreSQL schema (docs/scale-out.md). It joins with a row in
 * `engines` and a session advisory lock of its own, held on a connection of its own for its life: the
 * server releases it however the engine ends, SIGKILL included. Every `heartbeatMs` it beats, and looks
 * at its peers: one whose lock is free (its session ended), whose row says it stopped, or whose heartbeat
 * is older than the lease is dead, and its unfinished entries and running orchestrations are adopted, in
 * one transaction, by whichever engine gets there first.
 *
 * Fencing: a dead engine's row says who adopted it, and every batch an engine commits first reads its own
 * row with FOR KEY SHARE (pg-writes.ts), which the adopter's FOR UPDATE waits for. A batch either commits
 * before the adoption (which then sees it) or finds itself adopted and writes nothing: an engine that lost
 * its work (a hung process, a partition) can never acknowledge it. It then learns so (`fenced`) and must
 * end; its supervisor starts a new engine that joins afresh.
 */
export class EngineMembership {
  readonly id = randomUUID();
  private readonly heartbeatMs: number;
  private readonly leaseMs: number;
  private readonly reconnectGraceMs: number;
  /** The listeners it runs, besides `system.*`; undefined: all. */
  readonly listeners: readonly string[] | undefined;
  private client: pg.Client | undefined;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private fenced = false;
  /** When this engine last had to make its session again (0: never). */
  private reconnectedAt = 0;
  private adopt: ((work: Adoption) => Promise<void>) | undefined;
  private readonly fencedWatchers = new Set<(reason: string) => void>();
  private readonly peerWatchers = new Set<() => void>();
  private readonly channels = new Map<string, Set<(words: string[]) => void>>();

  private constructor(
    private readonly open: OpenPostgres,
    settings: MembershipSettings,
  ) {
    this.heartbeatMs = settings.heartbeatMs ?? 500;
    this.leaseMs = settings.leaseMs ?? 15_000;
    this.reconnectGraceMs = settings.reconnectGraceMs ?? 5_000;
    this.listeners = settings.listeners;
  }

  /** Whether this engine runs deliveries to `listener`. */
  runsHere(listener: string): boolean {
    return (
      this.listeners === undefined || listener.startsWith('system.') || this.listeners.includes(listener)
    );
  }

  /** Joins the schema's engines and adopts what dead engines left (boot recovery then runs it). */
  static async join(open: OpenPostgres, settings: MembershipSettings = {}): Promise<EngineMembership> {
    const m = new EngineMembership(open, settings);
    await m.connect(true);
    await m.open.pool.query(`DELETE FROM engines WHERE adopted_at < ${NOW} - $1`, [FORGET_AFTER_MS]);
    await m.adoptDeadPeers();
    // Entries written before engines were recorded belong to no one: the first engine to look takes them.
    await m.adoptFrom(null);
    m.schedule();
    return m;
  }

  /** From now on, work adopted from dead peers is handed to `fn` (after boot recovery). */
  onAdoption(fn: (work: Adoption) => Promise<void>): void {
    this.adopt = fn;
  }

  /** Called once this engine learns another adopted its work: it must write nothing more, and end. */
  onFenced(fn: (reason: string) => void): () => void {
    this.fencedWatchers.add(fn);
    return () => void this.fencedWatchers.delete(fn);
  }

  /** Called when another engine of this schema committed writes (NOTIFY). */
  onPeerWrites(fn: () => void): () => void {
    this.peerWatchers.add(fn);
    return () => void this.peerWatchers.delete(fn);
  }

  /**
   * `fn` hears every NOTIFY on `channel` from another engine of this schema, with the payload's words
   * after the schema and the sender (payloads are `<schema> <engine id> …`).
   */
  async listen(channel: string, fn: (words: string[]) => void): Promise<void> {
    const known = this.channels.get(channel);
    if (known) {
      known.add(fn);
      return;
    }
    this.channels.set(channel, new Set([fn]));
    await this.client?.query(`LISTEN ${channel}`);
  }
  /** Every engine of the schema: running ones first, then the newest. */
  async list(): Promise<EngineSummary[]> {
    const { rows } = await this.open.pool.query<{
      id: string;
      host: string;
      pid: number;
      address: string | null;
      started_at: number;
      heartbeat_at: number;
      stopped_at: number | null;
      adopted_by: string | null;
      adopted_at: number | null;
      config_version: string | null;
      config_error: string | null;
      supervised: boolean;
      restart_drain_ms: number | null;
      listeners: string[] | null;
      expired: boolean;
    }>(
      `SELECT *, heartbeat_at < ${NOW} - $1 AS expired FROM engines
       ORDER BY (stopped_at IS NULL AND adopted_by IS NULL) DESC, started_at DESC LIMIT 200`,
      [this.leaseMs],
    );
    return rows.map((r) => ({
      id: r.id,
      host: r.host,
      pid: r.pid,
      address: r.address,
      // One whose session just ended shows running until a peer notices (within a heartbeat).
      state: r.stopped_at !== null ? 'stopped' : r.adopted_by !== null || r.expired ? 'dead' : 'running',
      startedAt: r.started_at,
      heartbeatAt: r.heartbeat_at,
      self: r.id === this.id,
      adoptedBy: r.adopted_by,
      adoptedAt: r.adopted_at,
      configVersion: r.config_version,
      configError: r.config_error,
      supervised: r.supervised,
      restarting: r.restart_drain_ms !== null,
      listeners: r.listeners,
    }));
  }

  /** A batch found this engine adopted: every later write is refused, and the watchers hear why. */
  fence(adoptedBy: string | null): JournalError {
    const reason =
      `engine ${this.id} was declared dead and its work adopted` +
      (adoptedBy ? ` by engine ${adoptedBy}` : '') +
      ' (its session ended or its heartbeat was older than the lease): it must restart';
    if (!this.fenced) {
      this.fenced = true;
      for (const fn of this.fencedWatchers) fn(reason);
    }
    return new JournalError('JOURNAL_UNAVAILABLE', reason);
  }

  get schema(): string {
    return this.open.schema;
  }

  get isFenced(): boolean {
    return this.fenced;
  }

  /** Leaves: the row says it stopped (peers adopt what it left at once), and its lock is released. */
  async leave(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    await this.open.pool
      .query(`UPDATE engines SET stopped_at = ${NOW} WHERE id = $1 AND stopped_at IS NULL`, [this.id])
      .catch(() => {});
    await this.client?.end().catch(() => {});
  }

  /** Connects this engine's own session: its lock, and (first time) its row; later, it checks it still has one. */
  private async connect(first: boolean): Promise<void> {
    const client = this.open.client();
    client.on('notification', (n) => {
      const [schema, from, ...words] = (n.payload ?? '').split(' ');
      if (schema !== this.open.schema || from === this.id) return;
      if (n.channel === WRITES_CHANNEL) for (const fn of this.peerWatchers) fn();
      for (const fn of this.channels.get(n.channel) ?? []) fn(words);
    });
    client.on('end', () => {
      if (this.client === client) this.client = undefined;
    });
    await client.connect();
    try {
      await client.query(`SELECT pg_advisory_lock(${LOCK_KEY})`, [this.lockName(this.id)]);
      if (first) {
        await client.query(
          `INSERT INTO engines (id, host, pid, started_at, heartbeat_at, listeners)
           VALUES ($1, $2, $3, ${NOW}, ${NOW}, $4)`,
          [this.id, hostname(), process.pid, this.listeners ?? null],
        );
      }
      for (const channel of [WRITES_CHANNEL, ...this.channels.keys()])
        await client.query(`LISTEN ${channel}`);
    } catch (err) {
      await client.end().catch(() => {});
      throw err;
    }
    this.client = client;
  }

  private lockName(engine: string): string {
    return `${this.open.schema}/${engine}`;
  }

  private schedule(): void {
    if (this.closed || this.fenced) return;
    this.timer = setTimeout(() => {
      void this.tick().finally(() => this.schedule());
    }, this.heartbeatMs);
    this.timer.unref();
  }

  /** One heartbeat, then a look at the peers. A database outage is waited out: the next tick tries again. */
  private async tick(): Promise<void> {
    try {
      // The session ended (the server restarted, the network dropped): while it was gone a peer may have
      // adopted this engine's work, which the heartbeat below then finds.
      if (!this.client) {
        await this.connect(false);
        this.reconnectedAt = Date.now();
      }
      const beat = await this.client!.query<{ adopted_by: string | null }>(
        `UPDATE engines SET heartbeat_at = ${NOW} WHERE id = $1 RETURNING adopted_by`,
        [this.id],
      );
      const row = beat.rows[0];
      if (!row || row.adopted_by) {
        this.fence(row?.adopted_by ?? null);
        return;
      }
      if (this.adopt) await this.adoptDeadPeers();
    } catch {
      // The journal's writes report an outage; this only retries.
    }
  }

  /** Adopts the work of every peer found dead. */
  private async adoptDeadPeers(): Promise<void> {
    const client = this.client;
    if (!client) return;
    const { rows } = await client.query<{ id: string; gone: boolean; stopped: boolean }>(
      `SELECT id, stopped_at IS NOT NULL OR heartbeat_at < ${NOW} - $2 AS gone, stopped_at IS NOT NULL AS stopped
       FROM engines WHERE adopted_by IS NULL AND id <> $1`,
      [this.id, this.leaseMs],
    );
    const settling = Date.now() - this.reconnectedAt < this.reconnectGraceMs;
    for (const peer of rows) {
      if (settling && !peer.stopped) continue;
      // Its lock is free: its session ended. Held a moment by this session, then given back.
      const locked = peer.gone
        ? false
        : (
            await client.query<{ ok: boolean }>(`SELECT pg_try_advisory_lock(${LOCK_KEY}) AS ok`, [
              this.lockName(peer.id),
            ])
          ).rows[0]?.ok === true;
      if (!peer.gone && !locked) continue;
      try {
        await this.adoptFrom(peer.id);
      } finally {
        if (locked) await client.query(`SELECT pg_advisory_unlock(${LOCK_KEY})`, [this.lockName(peer.id)]);
      }
    }
  }

  /**
   * In one transaction: marks `dead` adopted by this engine (waiting for a batch of its in flight to end)
   * and takes its unfinished entries and running orchestrations. Another engine that got there first
   * leaves nothing to take.
   */
  private async adoptFrom(dead: string | null): Promise<void> {
    const client = await this.open.pool.connect();
    let work: Adoption | undefined;
    try {
      await client.query('BEGIN');
      if (dead !== null) {
        const claim = await client.query(
          'SELECT 1 FROM engines WHERE id = $1 AND adopted_by IS NULL FOR UPDATE',
          [dead],
        );
        if (claim.rowCount === 0) {
          await client.query('COMMIT');
          return;
        }
        await client.query(`UPDATE engines SET adopted_by = $2, adopted_at = ${NOW} WHERE id = $1`, [
          dead,
          this.id,
        ]);
      }
      const from = dead === null ? 'owner IS NULL' : 'owner = $2';
      const params = dead === null ? [this.id] : [this.id, dead];
      // Running, it spreads a dead engine's entries: they are left unowned, and every engine that runs
      // their listener claims its share (pg-claims.ts). Joining, it takes those for the listeners it runs,
      // for boot recovery, and leaves the rest unowned.
      const spread = dead !== null && this.adopt !== undefined;
      const mine = this.listeners === undefined ? '' : ` AND ${RUNS_HERE(`$${params.length + 1}`)}`;
      const entries = spread
        ? { rows: [] }
        : await client.query<{ id: string }>(
            `UPDATE messages SET owner = $1 WHERE ${from} AND state IN ('PENDING', 'DISPATCHED')${mine} RETURNING id`,
            this.listeners === undefined ? params : [...params, this.listeners],
          );
      let released = 0;
      if (dead !== null && (spread || this.listeners !== undefined)) {
        const left = await client.query(
          `UPDATE messages SET owner = NULL WHERE owner = $1 AND state IN ('PENDING', 'DISPATCHED')`,
          [dead],
        );
        released = left.rowCount ?? 0;
      }
      const { runs, offered } = await takeRuns(client, {
        self: this.id,
        dead,
        spread,
        leaseMs: this.leaseMs,
      });
      // Sent at commit: the engines that run them claim the entries, and take the runs offered, at once.
      if (released + offered > 0)
        await client.query('SELECT pg_notify($1, $2)', [
          WRITES_CHANNEL,
          `${this.open.schema} ${this.id} unowned`,
        ]);
      await client.query('COMMIT');
      work = { from: dead, entries: entries.rows.map((r) => r.id), runs, released, offered };
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      client.release();
    }
    // At join, boot recovery runs what was adopted (it reads this engine's unfinished entries).
    if (
      this.adopt &&
      (work.entries.length > 0 || work.runs.length > 0 || work.released > 0 || work.offered > 0)
    )
      await this.adopt(work);
  }
}
