/**
 * What a PostgreSQL server on this machine does while a bench loads it: the CPU time of all its
 * processes (/proc), and what its busy sessions wait on (pg_stat_activity sampled every 50 ms), so a
 * figure can say whether the server, the engines or the locks between them were the bound.
 */
import { readFileSync, readdirSync } from 'node:fs';
import pg from 'pg';

/** The fields of /proc/<pid>/stat after the command name (which may hold spaces); [] when it is gone. */
function stat(pid: number): string[] {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return s.slice(s.lastIndexOf(')') + 2).split(' ');
  } catch {
    return [];
  }
}

/** The server's main process (postmaster): the parent of a session's backend. */
export async function postmasterPid(url: string): Promise<number> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const { rows } = await c.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    const ppid = Number(stat(rows[0]?.pid ?? 0)[1]);
    if (!ppid) throw new Error('could not find the PostgreSQL server process');
    return ppid;
  } finally {
    await c.end();
  }
}

/**
 * CPU time used so far by the server, ms (clock ticks of 10 ms): the postmaster, its live children
 * (backends, WAL writer, checkpointer…) and the children it has reaped.
 */
export function postgresCpuMs(postmaster: number): number {
  const own = stat(postmaster);
  let ticks = Number(own[11]) + Number(own[12]) + Number(own[13]) + Number(own[14]);
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const f = stat(Number(entry));
    if (Number(f[1]) === postmaster) ticks += Number(f[11]) + Number(f[12]);
  }
  return ticks * 10;
}

/**
 * Samples the server's client sessions that are running a statement, every 50 ms, until `stop()`:
 * then how many were busy on average and their most frequent wait events, as shares of the samples
 * (CPU: waiting on nothing, i.e. running), e.g. "3.1 busy on average; Lock:advisory 41%, CPU 30%".
 */
export async function sampleWaits(url: string): Promise<{ stop(): Promise<string> }> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const counts = new Map<string, number>();
  let samples = 0;
  let ticks = 0;
  let running = true;
  const loop = (async (): Promise<void> => {
    while (running) {
      const { rows } = await c.query<{ wait: string; n: number }>(
        `SELECT coalesce(wait_event_type || ':' || wait_event, 'CPU') AS wait, count(*)::int AS n
           FROM pg_stat_activity
          WHERE backend_type = 'client backend' AND state = 'active' AND pid <> pg_backend_pid()
          GROUP BY 1`,
      );
      for (const r of rows) {
        counts.set(r.wait, (counts.get(r.wait) ?? 0) + r.n);
        samples += r.n;
      }
      ticks++;
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      await c.end();
      const top = [...counts]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 5)
        .map(([wait, n]) => `${wait} ${Math.round((n / samples) * 100)}%`)
        .join(', ');
      return `${(samples / Math.max(1, ticks)).toFixed(1)} busy on average; ${top || 'none'}`;
    },
  };
}
