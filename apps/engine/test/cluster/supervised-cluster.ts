/**
 * Supervised engines on one PostgreSQL schema, for the cluster tests: stopping them all whatever happened,
 * and what the engines and the database say about them.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { TRPCClient } from '@trpc/client';
import type { EngineSummary } from '@organism/shared';
import type { AppRouter } from '../../src/api/app-router.ts';
import type { OpenPostgres } from '../../src/journal/postgres/open-postgres.ts';
import { BIN, healthy, signedIn, spawnOrganism, until } from '../cli/organism-process.ts';
import type { OrganismProcess } from '../cli/organism-process.ts';

/** The processes whose parent is `pid` (Linux /proc). */
export function childrenOf(pid: number): number[] {
  const kids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // pid (comm) state ppid …: comm may hold spaces and parentheses, so read after the last ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) kids.push(Number(entry));
    } catch {
      // ended meanwhile
    }
  }
  return kids;
}

/** Whether `pid` is still an `organism` process (not a pid reused since). */
export function isOrganism(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(BIN);
  } catch {
    return false;
  }
}

/**
 * Stops every process gracefully (SIGTERM; a supervisor passes it on to its engine), and kills what has
 * not ended within `graceMs`, with the engines it supervises (each in a process group of its own), and
 * any engine left behind: nothing outlives the test, whether it passed or not.
 */
export async function stopAll(procs: readonly OrganismProcess[], graceMs = 20_000): Promise<void> {
  await Promise.all(
    procs.map(async (p) => {
      const pid = p.child.pid;
      if (pid === undefined) return;
      const engines = new Set(childrenOf(pid));
      const ended = await Promise.race([p.stop().then(() => true), sleep(graceMs).then(() => false)]);
      if (!ended) {
        for (const kid of childrenOf(pid)) engines.add(kid);
        p.child.kill('SIGKILL');
        await p.exited;
      }
      for (const kid of engines) {
        if (!isOrganism(kid)) continue;
        try {
          process.kill(-kid, 'SIGKILL');
        } catch {
          process.kill(kid, 'SIGKILL');
        }
      }
    }),
  );
}

/**
 * `organism.engines` from whichever engine answers (one may be restarting), signed in as the admin; a
 * client that failed is signed in again next time.
 */
export function enginesView(urls: readonly string[]): () => Promise<EngineSummary[]> {
  const clients = new Map<string, TRPCClient<AppRouter>>();
  return async () => {
    for (const url of urls) {
      try {
        const client = clients.get(url) ?? (await signedIn(url));
        clients.set(url, client);
        return (await client.organism.engines.query()).engines;
      } catch {
        clients.delete(url);
      }
    }
    throw new Error('no engine answers');
  };
}

export interface EngineRow {
  id: string;
  pid: number;
  address: string | null;
  startedAt: number;
  stoppedAt: number | null;
  adoptedBy: string | null;
  adoptedAt: number | null;
  supervised: boolean;
}

export async function engineRows(db: OpenPostgres): Promise<EngineRow[]> {
  const { rows } = await db.pool.query<EngineRow>(
    `SELECT id, pid, address, started_at::float8 AS "startedAt", stopped_at::float8 AS "stoppedAt",
            adopted_by AS "adoptedBy", adopted_at::float8 AS "adoptedAt", supervised
     FROM engines ORDER BY started_at`,
  );
  return rows;
}

export const running = (engines: EngineSummary[]): EngineSummary[] =>
  engines.filter((e) => e.state === 'running');

/**
 * Starts a supervised engine (`organism start`) on each of `ports`, pushed onto `supervisors` as each
 * starts (the caller stops them, whatever happens): the first alone, which creates the first admin, then
 * the others together. Resolves once every one serves, says it is supervised and where it serves.
 */
export async function startSupervised(
  yaml: string,
  ports: readonly number[],
  drainMs: number,
  supervisors: OrganismProcess[],
): Promise<{ urls: string[]; engines: () => Promise<EngineSummary[]>; before: EngineSummary[] }> {
  const urls = ports.map((port) => `http://127.0.0.1:${port}`);
  const start = (port: number): OrganismProcess =>
    spawnOrganism(['start', yaml, '--port', String(port), '--drain', String(drainMs), '--quiet']);
  const [first, ...rest] = ports;
  supervisors.push(start(first!));
  await healthy(urls[0]!, supervisors[0]!);
  supervisors.push(...rest.map(start));
  await Promise.all(rest.map((_, i) => healthy(urls[i + 1]!, supervisors[i + 1]!)));
  const engines = enginesView(urls);
  // Each says where it serves and that it is supervised just after it serves.
  const before = await until(`${ports.length} supervised engines with addresses`, async () => {
    const now = running(await engines());
    return now.length === ports.length && now.every((e) => e.supervised && e.address !== null)
      ? now
      : undefined;
  });
  return { urls, engines, before };
}
