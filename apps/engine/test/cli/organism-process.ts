/**
 * Real `organism` processes for the CLI and supervisor tests: a private copy of the echo organism on a
 * free port, the command spawned with node, and a tRPC client for its API.
 */
import { execFile, spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTRPCClient, httpBatchLink } from '@trpc/client';
import type { TRPCClient } from '@trpc/client';
import type { AppRouter } from '../../src/api/app-router.ts';
import { freePort } from '../support/organism-copy.ts';
import { until } from '../support/until.ts';

export { until };

export const BIN = fileURLToPath(new URL('../../bin/organism.js', import.meta.url));
export const REPO = fileURLToPath(new URL('../../../..', import.meta.url));
const ECHO = fileURLToPath(new URL('../fixtures/organisms/echo', import.meta.url));
export const ADMIN = { name: 'root', password: 'cli-test-password' };

export interface EchoCopy {
  dir: string;
  yaml: string;
  url: string;
  journal: string;
}

/** A copy of the echo organism in a temp folder, serving on a free port, with its own journal. */
export async function echoOrganism(): Promise<EchoCopy> {
  const dir = mkdtempSync(join(tmpdir(), 'organism-cli-'));
  cpSync(ECHO, dir, { recursive: true });
  const port = await freePort();
  const yaml = join(dir, 'organism.yaml');
  writeFileSync(
    yaml,
    readFileSync(yaml, 'utf8').replace('name: echo', `name: echo\nserver:\n  port: ${port}`),
  );
  return { dir, yaml, url: `http://127.0.0.1:${port}`, journal: join(dir, '.organism/journal.sqlite') };
}

export interface OrganismProcess {
  child: ChildProcessWithoutNullStreams;
  /** Everything it printed so far, stdout and stderr. */
  output(): string;
  exited: Promise<number | null>;
  /** Sends SIGTERM (unless it has ended) and waits for the exit. */
  stop(): Promise<void>;
}

/** Spawns `organism …` (node bin/organism.js) with the admin's credentials for a first start. */
export function spawnOrganism(
  args: string[],
  opts: { cwd?: string; env?: Record<string, string> } = {},
): OrganismProcess {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: opts.cwd ?? REPO,
    env: {
      ...process.env,
      ORGANISM_ADMIN_USER: ADMIN.name,
      ORGANISM_ADMIN_PASSWORD: ADMIN.password,
      ...opts.env,
    },
  });
  let out = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr.on('data', (b: Buffer) => (out += b.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    output: () => out,
    exited,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Runs a short `organism …` command from the test's folder; its exit code and everything it printed. */
export async function organism(...args: string[]): Promise<{ code: number; out: string }> {
  const r = await runOrganism(args, process.cwd());
  return { code: r.code, out: r.stdout + r.stderr };
}

/** Runs a short `organism …` command to its end. */
export function runOrganism(
  args: string[],
  cwd = REPO,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd }, (err, stdout, stderr) => {
      const code = err ? ((err as { code?: number }).code ?? 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Waits until the engine at `url` answers /healthz with 200, or fails with what the process printed. */
export async function healthy(url: string, p: OrganismProcess): Promise<void> {
  await until('the engine', async () => ((await fetch(`${url}/healthz`)).ok ? true : undefined)).catch(
    (err: unknown) => {
      throw new Error(`${String(err)}\n${p.output()}`);
    },
  );
}

/** A tRPC client for the engine at `url`, signed in as `user`. */
export async function signedIn(
  url: string,
  user: { name: string; password: string } = ADMIN,
): Promise<TRPCClient<AppRouter>> {
  let cookie = '';
  const client = createTRPCClient<AppRouter>({
    links: [
      httpBatchLink({
        url: `${url}/trpc`,
        fetch: async (input, init) => {
          const res = await fetch(input as string | URL | Request, {
            ...(init as RequestInit),
            headers: { ...(init?.headers as Record<string, string>), ...(cookie ? { cookie } : {}) },
          });
          const set = res.headers.get('set-cookie');
          if (set) cookie = set.split(';')[0] ?? '';
          return res;
        },
      }),
    ],
  });
  await client.auth.login.mutate(user);
  return client;
}

/** POST /messages of a ping to the echo listener with `token`; resolves to the status code. */
export async function postPing(url: string, token: string, to = 'echo'): Promise<number> {
  const res = await fetch(`${url}/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/xml', authorization: `Bearer ${token}` },
    body: `<message xmlns="https://xml-pipeline.org/ns/envelope/v1"><meta><from>test</from><to>${to}</to></meta><ping xmlns="">hi</ping></message>`,
  });
  await res.body?.cancel();
  return res.status;
}

/** `organism token create NAME` in the organism's folder; the token and its id from what it prints. */
export async function createToken(org: EchoCopy, name: string): Promise<{ id: string; token: string }> {
  const res = await runOrganism(['token', 'create', name], org.dir);
  if (res.code !== 0 || res.stderr !== '')
    throw new Error(`token create failed (${res.code}): ${res.stderr}`);
  const m = /^token (\S+) for .*\n(org_\S+)$/m.exec(res.stdout);
  if (!m?.[1] || !m[2]) throw new Error(`no token in: ${res.stdout}`);
  return { id: m[1], token: m[2] };
}
