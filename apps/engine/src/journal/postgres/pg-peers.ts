import type { EngineSummary } from '@organism/shared';
import { guarded } from '../journal-outage.ts';
import { EngineError } from '@organism/shared';
import type { EngineActivity, EngineReport, Peers, RestartPlan, SharedConfig } from '../peers.ts';
import { NOW } from './engine-membership.ts';
import type { EngineMembership } from './engine-membership.ts';
import type { OpenPostgres } from './open-postgres.ts';

/** Payloads: `<schema> <sender> config`, `… pauses`, `… restart <engine> <drainMs>`. */
const CHANNEL = 'organism_peers';
/** How often an engine looks for what a missed NOTIFY would have said. */
const POLL_MS = 1_000;
/** A peer's shared activity counts while its heartbeat is this recent (it shares at every poll). */
const ACTIVITY_FRESH_MS = 3 * POLL_MS;

interface Seen {
  config: number | null;
  paused: string | null;
}

/**
 * Peers on PostgreSQL: revisions in `config_revisions`, this engine's report in its `engines` row, and
 * one NOTIFY per change on `organism_peers`, heard on the membership's own session. A poll every second
 * compares the newest revision, the paused listeners and this engine's restart request with what it last
 * saw, so a NOTIFY lost while a session reconnected is made up for. At each poll the engine also writes
 * its activity (rates, routes, listeners) into its row when it changed, and reads its running peers'.
 */
export class PgPeers implements Peers {
  private readonly configWatchers = new Set<() => void>();
  private readonly pauseWatchers = new Set<() => void>();
  private readonly restartWatchers = new Set<(drainMs: number) => void>();
  private readonly orphanWatchers = new Set<(plan: RestartPlan) => void>();
  private seen: Seen = { config: null, paused: null };
  private restartAsked = false;
  private readonly activityParts = new Map<keyof EngineActivity, () => unknown>();
  /** The JSON of the activity last written, to skip writing it again unchanged. */
  private sharedActivity = '';
  private peersActivity: readonly EngineActivity[] = [];
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  private constructor(
    private readonly open: OpenPostgres,
    private readonly member: EngineMembership,
  ) {}

  static async start(open: OpenPostgres, member: EngineMembership): Promise<PgPeers> {
    const peers = new PgPeers(open, member);
    await member.listen(CHANNEL, (words) => peers.heard(words));
    const first = await peers.look();
    peers.seen = first.seen;
    peers.peersActivity = first.activity;
    peers.schedule();
    return peers;
  }

  get self(): string {
    return this.member.id;
  }

  engines(): Promise<EngineSummary[]> {
    return guarded('list the engines', () => this.member.list());
  }

  report(r: EngineReport): Promise<void> {
    const columns = {
      address: r.address,
      config_version: r.configVersion,
      config_error: r.configError,
      supervised: r.supervised,
    };
    const given = Object.entries(columns).filter(([, v]) => v !== undefined);
    if (given.length === 0) return Promise.resolve();
    const set = given.map(([column], i) => `${column} = $${i + 2}`).join(', ');
    return guarded('record this engine for its peers', async () => {
      await this.open.pool.query(`UPDATE engines SET ${set} WHERE id = $1`, [
        this.self,
        ...given.map(([, v]) => v),
      ]);
    });
  }

  shareActivity<K extends keyof EngineActivity>(part: K, fn: () => EngineActivity[K]): void {
    this.activityParts.set(part, fn);
  }

  peerActivity(): readonly EngineActivity[] {
    return this.peersActivity;
  }

  publishConfig(c: Omit<SharedConfig, 'revision' | 'engine' | 'at'>): Promise<void> {
    return guarded('share the configuration', async () => {
      const { rows } = await this.open.pool.query<{ id: number }>(
        `INSERT INTO config_revisions (version, yaml, includes, actor, engine, at)
         VALUES ($1, $2, $3, $4, $5, ${NOW}) RETURNING id::float8 AS id`,
        [c.version, c.yaml, JSON.stringify(c.includes), c.actor, this.self],
      );
      this.seen.config = Math.max(this.seen.config ?? 0, rows[0]!.id);
      await this.notify('config');
    });
  }

  latestConfig(): Promise<SharedConfig | undefined> {
    return guarded('read the shared configuration', async () => {
      const { rows } = await this.open.pool.query<{
        id: number;
        version: string;
        yaml: string;
        includes: Record<string, string>;
        actor: string;
        engine: string;
        at: number;
      }>(
        `SELECT id::float8 AS id, version, yaml, includes, actor, engine, at::float8 AS at
         FROM config_revisions ORDER BY id DESC LIMIT 1`,
      );
      const r = rows[0];
      return r && { revision: r.id, ...r };
    });
  }

  onConfig(fn: () => void): () => void {
    return watch(this.configWatchers, fn);
  }

  pausesChanged(): Promise<void> {
    return guarded('tell the other engines of a pause', () => this.notify('pauses'));
  }

  onPauses(fn: () => void): () => void {
    return watch(this.pauseWatchers, fn);
  }

  beginRestart(drainMs: number): Promise<RestartPlan> {
    return guarded('record the rolling restart', async () => {
      const { rows } = await this.open.pool.query<RestartPlan>(
        `INSERT INTO rolling_restarts (leader, drain_ms, started_at) VALUES ($1, $2, ${NOW})
         ON CONFLICT DO NOTHING
         RETURNING id::float8 AS id, leader, drain_ms AS "drainMs", started_at::float8 AS "startedAt"`,
        [this.self, drainMs],
      );
      if (!rows[0])
        throw new EngineError(
          'CONFLICT',
          'restart refused: a rolling restart is already under way; wait for it to end',
        );
      return rows[0];
    });
  }

  endRestart(id: number, outcome: string): Promise<void> {
    return guarded('record the end of the rolling restart', async () => {
      await this.open.pool.query(
        `UPDATE rolling_restarts SET ended_at = ${NOW}, outcome = $2 WHERE id = $1`,
        [id, outcome],
      );
    });
  }

  onRestartOrphaned(fn: (plan: RestartPlan) => void): () => void {
    return watch(this.orphanWatchers, fn);
  }

  requestRestart(engine: string, drainMs: number): Promise<void> {
    return guarded(`ask engine ${engine} to restart`, async () => {
      await this.open.pool.query('UPDATE engines SET restart_drain_ms = $2 WHERE id = $1', [engine, drainMs]);
      await this.notify(`restart ${engine} ${drainMs}`);
    });
  }

  onRestartRequested(fn: (drainMs: number) => void): () => void {
    return watch(this.restartWatchers, fn);
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
  }

  private async notify(words: string): Promise<void> {
    await this.open.pool.query('SELECT pg_notify($1, $2)', [
      CHANNEL,
      `${this.open.schema} ${this.self} ${words}`,
    ]);
  }

  private heard(words: string[]): void {
    const [what, engine, drainMs] = words;
    if (what === 'config') fire(this.configWatchers);
    else if (what === 'pauses') fire(this.pauseWatchers);
    else if (what === 'restart' && engine === this.self) this.restart(Number(drainMs));
  }

  private restart(drainMs: number): void {
    if (this.restartAsked || !Number.isFinite(drainMs)) return;
    this.restartAsked = true;
    for (const fn of this.restartWatchers) fn(drainMs);
  }

  private schedule(): void {
    if (this.closed) return;
    this.timer = setTimeout(() => void this.poll().finally(() => this.schedule()), POLL_MS);
    this.timer.unref();
  }

  private async poll(): Promise<void> {
    try {
      await this.shareOwnActivity();
      const { seen, restart, activity } = await this.look();
      this.peersActivity = activity;
      const before = this.seen;
      this.seen = { config: Math.max(seen.config ?? 0, before.config ?? 0) || null, paused: seen.paused };
      if ((seen.config ?? 0) > (before.config ?? 0)) fire(this.configWatchers);
      if (seen.paused !== before.paused) fire(this.pauseWatchers);
      if (restart !== null) this.restart(restart);
      if (this.orphanWatchers.size > 0) await this.adoptOrphanedRestart();
    } catch {
      // An outage: the journal's writes report it; the next poll tries again.
    }
  }

  /**
   * Takes over the rolling restart under way if its leader died or stopped (not by its own restart: a
   * leader records the end before it restarts itself), unless another engine got there first.
   */
  private async adoptOrphanedRestart(): Promise<void> {
    const { rows } = await this.open.pool.query<RestartPlan>(
      `UPDATE rolling_restarts r SET leader = $1
       WHERE r.ended_at IS NULL AND r.leader <> $1
         AND NOT EXISTS (SELECT 1 FROM engines e WHERE e.id = r.leader AND e.adopted_by IS NULL AND e.stopped_at IS NULL)
       RETURNING r.id::float8 AS id, r.leader, r.drain_ms AS "drainMs", r.started_at::float8 AS "startedAt"`,
      [this.self],
    );
    const plan = rows[0];
    if (plan) for (const fn of this.orphanWatchers) fn(plan);
  }

  private async shareOwnActivity(): Promise<void> {
    if (this.activityParts.size === 0) return;
    const json = JSON.stringify(
      Object.fromEntries([...this.activityParts].map(([part, fn]) => [part, fn()])),
    );
    if (json === this.sharedActivity) return;
    await this.open.pool.query('UPDATE engines SET activity = $2::jsonb WHERE id = $1', [this.self, json]);
    this.sharedActivity = json;
  }

  private async look(): Promise<{ seen: Seen; restart: number | null; activity: EngineActivity[] }> {
    const { rows } = await this.open.pool.query<{
      config: number | null;
      paused: string | null;
      restart: number | null;
      activity: EngineActivity[];
    }>(
      `SELECT (SELECT max(id)::float8 FROM config_revisions) AS config,
              (SELECT string_agg(name || ' ' || paused_at, ',' ORDER BY name) FROM paused_listeners) AS paused,
              (SELECT restart_drain_ms FROM engines WHERE id = $1) AS restart,
              (SELECT coalesce(json_agg(activity), '[]') FROM engines
               WHERE id <> $1 AND activity IS NOT NULL AND stopped_at IS NULL AND adopted_by IS NULL
                 AND heartbeat_at > ${NOW} - $2) AS activity`,
      [this.self, ACTIVITY_FRESH_MS],
    );
    const r = rows[0]!;
    return { seen: { config: r.config, paused: r.paused }, restart: r.restart, activity: r.activity };
  }
}

function watch<F>(set: Set<F>, fn: F): () => void {
  set.add(fn);
  return () => void set.delete(fn);
}

function fire(set: Set<() => void>): void {
  for (const fn of set) fn();
}
