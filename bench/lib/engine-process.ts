/**
 * The engine as a user runs it, in a process of its own: `organism run <organism.yaml> --port P --quiet`
 * on a copy of examples/bench (organism.yaml, schemas, handlers) in a temp folder, its journal there and
 * the durability asked for, with a producer token made by
 * `organism token create` and an admin from ORGANISM_ADMIN_USER / ORGANISM_ADMIN_PASSWORD; or several
 * such engines sharing one PostgreSQL journal (`startEngineCluster`).
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ENGINE_NODE_FLAGS } from '../../apps/engine/src/lifecycle/engine-node-flags.ts';
import { cpuMs, rssMb } from './proc-stat.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = join(ROOT, 'apps/engine/bin/organism.js');
const BENCH_ORGANISM = join(ROOT, 'examples/bench');
export const ADMIN = { name: 'bench-admin', password: 'bench-password-1234' };

export interface EngineProcess {
  pid: number;
  url: string;
  /** `Bearer …` value for POST /messages. */
  token: string;
  journalPath: string;
  /** Resident memory of the engine process, MB (VmRSS). */
  rssMb(): number;
  /** CPU time the engine process has used so far, ms (user + system). */
  cpuMs(): number;
  /** CPU time of the engine's own thread (the event loop's), ms: the rest is its workers and V8's. */
  threadCpuMs(): number;
  /** SIGTERM (the engine drains and checkpoints), waits for the exit, removes the temp folder. */
  stop(): Promise<void>;
}

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export async function startEngineProcess(durability: 'strict' | 'fast'): Promise<EngineProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'organism-bench-engine-'));
  const journalPath = join(dir, 'journal.sqlite');
  const config = copyBenchOrganism(dir, `journal:\n  path: ${journalPath}\n  durability: ${durability}`);
  const token = createToken(config, process.env);
  const engine = await spawnEngine(config, process.env);
  return {
    ...engine,
    token,
    journalPath,
    stop: async () => {
      await engine.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** One of the engines of an `EngineCluster`. */
export interface ClusterEngine {
  pid: number;
  url: string;
  rssMb(): number;
  cpuMs(): number;
  threadCpuMs(): number;
}

export interface EngineCluster {
  engines: ClusterEngine[];
  /** `Bearer …` value for POST /messages, good on every engine (tokens live in the database). */
  token: string;
  /** SIGTERM to every engine at once, waits for them all, removes the temp folder. */
  stop(): Promise<void>;
}

/**
 * `count` engines sharing one PostgreSQL journal (docs/scale-out.md, "Several engines"): the bench
 * organism with `journal: { driver: postgres, url, schema, durability }`, the URL passed to the engines
 * in ORGANISM_BENCH_PG_URL. The first starts alone until it answers, so it creates and migrates the
 * schema and makes the admin; then the token is made and the others start together.
 */
export async function startEngineCluster(
  count: number,
  journal: { url: string; schema: string; durability: 'strict' | 'fast' },
): Promise<EngineCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'organism-bench-cluster-'));
  const config = copyBenchOrganism(
    dir,
    `journal:\n  driver: postgres\n  url: \${ORGANISM_BENCH_PG_URL}\n  schema: ${journal.schema}\n  durability: ${journal.durability}`,
  );
  const env = { ...process.env, ORGANISM_BENCH_PG_URL: journal.url };
  const engines: SpawnedEngine[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(engines.map((e) => e.stop()));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    engines.push(await spawnEngine(config, env));
    const token = createToken(config, env);
    engines.push(...(await Promise.all(Array.from({ length: count - 1 }, () => spawnEngine(config, env)))));
    return { engines, token, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/**
 * A copy of examples/bench (organism.yaml, schemas, handlers) in `dir`, its `journal:` block (the path
 * line under it) replaced by `journal`; the copied organism.yaml's path.
 */
export function copyBenchOrganism(dir: string, journal: string): string {
  const original = readFileSync(join(BENCH_ORGANISM, 'organism.yaml'), 'utf8');
  const yaml = original.replace(/^journal:\n {2}path: .*$/m, () => journal);
  if (yaml === original) throw new Error('examples/bench/organism.yaml changed shape');
  // The handlers import only types from @organism/engine, so they run from anywhere as ES modules.
  for (const sub of ['schemas', 'handlers'])
    cpSync(join(BENCH_ORGANISM, sub), join(dir, sub), { recursive: true });
  writeFileSync(join(dir, 'package.json'), '{ "private": true, "type": "module" }\n');
  const config = join(dir, 'organism.yaml');
  writeFileSync(config, yaml);
  return config;
}

/** `organism token create bench`: the token it prints. */
function createToken(config: string, env: NodeJS.ProcessEnv): string {
  const created = spawnSync(process.execPath, [CLI, 'token', 'create', 'bench', '-c', config], {
    encoding: 'utf8',
    env,
  });
  const token = /org_[\w-]+/.exec(created.stdout)?.[0];
  if (!token) throw new Error(`organism token create: ${created.stdout}${created.stderr}`);
  return token;
}

interface SpawnedEngine extends ClusterEngine {
  /** SIGTERM (the engine drains and checkpoints), then SIGKILL after 30 s; waits for the exit. */
  stop(): Promise<void>;
}

/**
 * `organism run <config>` on a free port, once it answers /healthz, with the Node flags `organism start`
 * gives the engines it supervises (lifecycle/engine-node-flags.ts): what a user of `organism start` runs.
 */
async function spawnEngine(config: string, env: NodeJS.ProcessEnv): Promise<SpawnedEngine> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    process.execPath,
    [
      ...ENGINE_NODE_FLAGS,
      // For profiling the engine as it runs, e.g. BENCH_ENGINE_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/p".
      ...(process.env.BENCH_ENGINE_NODE_ARGS?.split(' ').filter(Boolean) ?? []),
      CLI,
      'run',
      config,
      '--port',
      String(port),
      '--quiet',
      '--log-level',
      'warn',
    ],
    {
      // Its log (warnings and errors only) goes to this process's stderr.
      stdio: ['ignore', process.stderr, 'inherit'],
      env: { ...env, ORGANISM_ADMIN_USER: ADMIN.name, ORGANISM_ADMIN_PASSWORD: ADMIN.password },
    },
  );
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const kill = (): void => {
    if (child.exitCode === null) child.kill('SIGKILL');
  };
  process.once('exit', kill);
  const stop = async (): Promise<void> => {
    child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 30_000))]);
    kill();
    await exited;
    process.off('exit', kill);
  };
  const url = `http://127.0.0.1:${port}`;
  const t0 = Date.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the engine exited (${child.exitCode}) before it answered`);
    if (Date.now() - t0 > 60_000) throw new Error('the engine did not answer /healthz within 60 s');
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const pid = child.pid as number;
  return {
    pid,
    url,
    rssMb: () => rssMb(pid),
    cpuMs: () => cpuMs(pid),
    threadCpuMs: () => cpuMs(pid, pid),
    stop,
  };
}

/** Signs in as the bench's admin; the session cookie (`name=value`). */
export async function signIn(url: string): Promise<string> {
  const res = await fetch(`${url}/trpc/auth.login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: ADMIN.name, password: ADMIN.password }),
  });
  const cookie = res.headers.get('set-cookie')?.split(';')[0];
  if (!res.ok || !cookie) throw new Error(`auth.login answered ${res.status}: ${await res.text()}`);
  return cookie;
}
