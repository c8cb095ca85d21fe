/**
 * Several engines on one PostgreSQL journal (docs/scale-out.md, "Several engines"): starts a PostgreSQL
 * of its own (fsync on), measures its raw limits (lib/postgres-limits.ts), then for 1, 2 and 3 engines,
 * each time on a fresh schema, starts `organism run` that many times on the bench organism (strict) and
 * drives `POST /messages` with one-hop envelopes of ~1 KB over 64 keep-alive connections spread evenly
 * over the engines (closed loop). Prints, beside the PostgreSQL limits of the same run and as ratios to
 * the 1-engine figures: accepted/s (202s), end-to-end msg/s (from the first post until the last accepted
 * message is ACKED, read from the schema with plain `pg` queries: opening a PostgresJournal would join
 * the cluster), the 202's p50/p99, and the requests refused (answers other than 202, broken connections).
 * Run: cd bench && pnpm cluster. BENCH_SECONDS sets each load's duration (default 10).
 */
import { availableParallelism, loadavg } from 'node:os';
import pg from 'pg';
import { envelopeXml, num, recordXml, report } from './lib/figures.ts';
import { describeLoad, load } from './lib/http-load.ts';
import { startEngineCluster } from './lib/engine-process.ts';
import type { EngineCluster } from './lib/engine-process.ts';
import { CONNECTIONS } from './lib/limits.ts';
import { postgresCpuMs, postmasterPid, sampleWaits } from './lib/postgres-activity.ts';
import { PG_LIMIT, measurePostgresLimits } from './lib/postgres-limits.ts';
import { startBenchPostgres } from './lib/postgres-server.ts';
import { Recorder } from './lib/results.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARM_UP_SECONDS = Math.min(2, SECONDS / 2);
const ENGINE_COUNTS = [1, 2, 3] as const;
/** How long the ACKED count may stand still, accepted messages unfinished, before the run is called stuck. */
const STALL_MS = 30_000;

interface Measured {
  accepted: number;
  endToEnd: number;
}

/** Reads a schema of the journal directly: the bench must not join the cluster as an engine would. */
class SchemaReader {
  private constructor(private readonly client: pg.Client) {}

  static async open(url: string, schema: string): Promise<SchemaReader> {
    const client = new pg.Client({ connectionString: url, options: `-c search_path=${schema}` });
    await client.connect();
    return new SchemaReader(client);
  }

  async acked(): Promise<{ count: number; lastAt: number }> {
    const { rows } = await this.client.query<{ n: number; last: string | null }>(
      `SELECT count(*)::int AS n, max(updated_at) AS last FROM messages WHERE state = 'ACKED'`,
    );
    return { count: rows[0]?.n ?? 0, lastAt: Number(rows[0]?.last ?? NaN) };
  }

  /**
   * Polls until `target` entries are ACKED, or the count stood still for STALL_MS. The count, and when
   * the last one was ACKED (its `updated_at`, the engine's clock: the same machine's as this one).
   */
  async untilAcked(target: number): Promise<{ count: number; lastAt: number; stalled: boolean }> {
    let seen = await this.acked();
    let movedAt = Date.now();
    while (seen.count < target) {
      if (Date.now() - movedAt > STALL_MS) return { ...seen, stalled: true };
      await new Promise((r) => setTimeout(r, 100));
      const now = await this.acked();
      if (now.count !== seen.count) movedAt = Date.now();
      seen = now;
    }
    return { ...seen, stalled: false };
  }

  /** Entries by state, and the entries created since `since` (ms) by the pid of the engine that owns them. */
  async spread(since: number): Promise<{ states: string; byEngine: string }> {
    const states = await this.client.query<{ state: string; n: number }>(
      'SELECT state, count(*)::int AS n FROM messages GROUP BY state ORDER BY state',
    );
    const owners = await this.client.query<{ pid: number | null; n: number }>(
      `SELECT e.pid, count(*)::int AS n FROM messages m LEFT JOIN engines e ON e.id = m.owner
        WHERE m.created_at >= $1 GROUP BY e.pid ORDER BY e.pid`,
      [since],
    );
    return {
      states: states.rows.map((r) => `${r.state} ${num(r.n)}`).join(', '),
      byEngine: owners.rows.map((r) => `pid ${r.pid ?? '?'}: ${num(r.n)}`).join(', '),
    };
  }

  close(): Promise<void> {
    return this.client.end();
  }
}

/** Loads the engines of `cluster` for SECONDS, waits until every accepted message is ACKED, reports. */
async function measure(count: number, cluster: EngineCluster, reader: SchemaReader): Promise<Measured> {
  const opts = {
    urls: cluster.engines.map((e) => e.url),
    path: '/messages',
    headers: { 'content-type': 'application/xml', authorization: `Bearer ${cluster.token}` },
    bodies: Array.from({ length: 1000 }, (_, i) => envelopeXml('sink', i)),
    connections: CONNECTIONS,
  };
  const warm = await load({ ...opts, seconds: WARM_UP_SECONDS });
  const before = await reader.untilAcked(warm.statuses['202'] ?? 0);
  const waits = await sampleWaits(server.url);
  const cpu0 = cluster.engines.map((e) => e.cpuMs());
  const pgCpu0 = postgresCpuMs(postmaster);
  const ownCpu0 = process.cpuUsage();
  const firstPost = Date.now();
  const r = await load({ ...opts, seconds: SECONDS });
  const cpu = cluster.engines.map((e, i) => e.cpuMs() - (cpu0[i] ?? 0));
  const pgCpu = postgresCpuMs(postmaster) - pgCpu0;
  const ownCpu = process.cpuUsage(ownCpu0);
  const waited = await waits.stop();
  const accepted = r.statuses['202'] ?? 0;
  const refused = r.requests - accepted;
  const after = await reader.untilAcked(before.count + accepted);
  const acked = after.count - before.count;
  const spread = await reader.spread(firstPost);

  console.log(`  load: ${describeLoad(r)}${refused ? `  — ${refused} NOT 202` : ''}`);
  console.log(`  accepted by engine: ${spread.byEngine}; entries now: ${spread.states}`);
  const core = (ms: number): string => `${Math.round((ms / (r.seconds * 1000)) * 100)}%`;
  const ownMs = (ownCpu.user + ownCpu.system) / 1000;
  const allMs = cpu.reduce((a, b) => a + b, 0) + pgCpu + ownMs;
  console.log(
    `  CPU while loaded, % of a core: engines ${cpu.map(core).join(', ')}; PostgreSQL ${core(pgCpu)}; this process (load generator) ${core(ownMs)}; together ${core(allMs / cores)} of the ${cores} cores`,
  );
  console.log(`  PostgreSQL sessions running a statement: ${waited}`);
  if (after.stalled)
    console.log(`  STALLED: ${acked} of ${accepted} accepted ACKED, none more for ${STALL_MS / 1000} s`);

  const key = `cluster_${count}_engines`;
  const label = `${count} engine${count > 1 ? 's' : ''}`;
  const limits = { limit: PG_LIMIT.insertBatch, also: [PG_LIMIT.claimAck, PG_LIMIT.commit] };
  const m: Measured = {
    accepted: accepted / r.seconds,
    endToEnd: (acked / (after.lastAt - firstPost)) * 1000,
  };
  report(rec, `${key}.accepted`, `${label}, accepted (202s)`, m.accepted, 'msg/s', limits);
  report(rec, `${key}.end_to_end`, `${label}, end to end (to ACKED)`, m.endToEnd, 'msg/s', limits);
  report(rec, `${key}.p50`, `  202's p50 at ${CONNECTIONS} connections`, r.latencyMs.p50, 'ms');
  report(rec, `${key}.p99`, `  202's p99`, r.latencyMs.p99, 'ms');
  report(rec, `${key}.refused`, `  refused (not 202)`, refused, 'requests');
  return m;
}

const rec = new Recorder('cluster');
const cores = availableParallelism();
const load1 = (): string => loadavg()[0]?.toFixed(2) ?? '?';
console.log(
  `cluster — 1, 2 and 3 engines on one PostgreSQL schema (strict), POST /messages over ${CONNECTIONS} keep-alive connections spread over them, ${SECONDS} s each, envelopes of ${Buffer.byteLength(envelopeXml('sink', 0))} bytes (payload ${Buffer.byteLength(recordXml(0))}), node ${process.version}`,
);
console.log(
  `machine: ${cores} cores, load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
const t0 = performance.now();
const server = await startBenchPostgres();
console.log(`postgres: started in ${((performance.now() - t0) / 1000).toFixed(1)} s (fsync on)`);
await measurePostgresLimits(rec, server.url);
const postmaster = await postmasterPid(server.url);

const measured = new Map<number, Measured>();
for (const count of ENGINE_COUNTS) {
  const schema = `cluster_${count}`;
  const cluster = await startEngineCluster(count, { url: server.url, schema, durability: 'strict' });
  const reader = await SchemaReader.open(server.url, schema);
  try {
    console.log(
      `${count} engine(s) on schema ${schema}, pids ${cluster.engines.map((e) => e.pid).join(', ')} (load average ${load1()})`,
    );
    measured.set(count, await measure(count, cluster, reader));
  } finally {
    await reader.close();
    await cluster.stop();
  }
}

const one = measured.get(1);
for (const count of ENGINE_COUNTS) {
  const m = measured.get(count);
  if (count === 1 || !m || !one) continue;
  const key = `cluster_${count}_engines`;
  report(
    rec,
    `${key}.accepted_vs_1`,
    `${count} engines ÷ 1 engine, accepted`,
    m.accepted / one.accepted,
    'ratio',
  );
  report(
    rec,
    `${key}.end_to_end_vs_1`,
    `${count} engines ÷ 1, end to end`,
    m.endToEnd / one.endToEnd,
    'ratio',
  );
}
const busy =
  (loadavg()[0] ?? 0) > cores
    ? `; a load average above ${cores} means processes outside this bench want them too`
    : '';
console.log(
  `note: every engine, PostgreSQL and the load generator run on this machine's ${cores} core(s) (load average ${load1()} now${busy})${
    cores < 4
      ? `: with ${cores} cores, more engines share the same CPU rather than add to it, so the 2- and 3-engine figures say what the engines cost each other here, not what they would reach on machines of their own. They are true figures, not errors.`
      : '.'
  }`,
);
rec.done();
