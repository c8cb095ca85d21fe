import type { EngineSummary } from '@organism/shared';
import { guarded } from '../journal-outage.ts';
import type { EngineReport, Peers, SharedConfig } from '../peers.ts';
import { NOW } from './engine-membership.ts';
import type { EngineMembership } from './engine-membership.ts';
import type { OpenPostgres } from './open-postgres.ts';

/** Payloads: `<schema> <sender> config`, `… pauses`, `… restart <engine> <drainMs>`. */
const CHANNEL = 'organism_peers';
/** How often an engine looks for what a missed NOTIFY would have said. */
const POLL_MS = 1_000;

interface Seen {
  config: number | null;
  paused: string | null;
}

/**
 * Peers on PostgreSQL: revisions in `config_revisions`, this engine's report in its `engines` row, and
 * one NOTIFY per change on `organism_peers`, heard on the membership's own session. A poll every second
 * compares the newest revision, the paused listeners and this engine's restart request with what it last
 * saw, so a NOTIFY lost while a session reconnected is made up for.
 */
export class PgPeers implements Peers {
  private readonly configWatchers = new Set<() => void>();
  private readonly pauseWatchers = new Set<() => void>();
  private readonly restartWatchers = new Set<(drainMs: number) => void>();
  private seen: Seen = { config: null, paused: null };
  private restartAsked = false;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  private constructor(
    private readonly open: OpenPostgres,
    private readonly member: EngineMembership,
  ) {}

  static async start(open: OpenPostgres, member: EngineMembership): Promise<PgPeers> {
    const peers = new PgPeers(open, member);
    await member.listen(CHANNEL, (words) => peers.heard(words));
    peers.seen = (await peers.look()).seen;
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
      const { seen, restart } = await this.look();
      const before = this.seen;
      this.seen = { config: Math.max(seen.config ?? 0, before.config ?? 0) || null, paused: seen.paused };
      if ((seen.config ?? 0) > (before.config ?? 0)) fire(this.configWatchers);
      if (seen.paused !== before.paused) fire(this.pauseWatchers);
      if (restart !== null) this.restart(restart);
    } catch {
      // An outage: the journal's writes report it; the next poll tries again.
    }
  }

  private async look(): Promise<{ seen: Seen; restart: number | null }> {
    const { rows } = await this.open.pool.query<{
      config: number | null;
      paused: string | null;
      restart: number | null;
    }>(
      `SELECT (SELECT max(id)::float8 FROM config_revisions) AS config,
              (SELECT string_agg(name || ' ' || paused_at, ',' ORDER BY name) FROM paused_listeners) AS paused,
              (SELECT restart_drain_ms FROM engines WHERE id = $1) AS restart`,
      [this.self],
    );
    const r = rows[0]!;
    return { seen: { config: r.config, paused: r.paused }, restart: r.restart };
  }
}

function watch<F>(set: Set<F>, fn: F): () => void {
  set.add(fn);
  return () => void set.delete(fn);
}

function fire(set: Set<() => void>): void {
  for (const fn of set) fn();
}
