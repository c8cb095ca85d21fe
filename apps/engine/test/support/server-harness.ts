import { cpSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTRPCClient, httpBatchLink, httpSubscriptionLink, splitLink } from '@trpc/client';
import type { TRPCClient } from '@trpc/client';
import { EventSource } from 'eventsource';
import type { AppRouter } from '../../src/api/app-router.ts';
import type { Engine } from '../../src/engine.ts';
import { openJournal } from '../../src/journal/index.ts';
import type { Journal, OperatorStore } from '../../src/journal/index.ts';
import { createEngine } from '../../src/main.ts';
import { startServer } from '../../src/server/http-server.ts';
import type { RunningServer } from '../../src/server/http-server.ts';

export const DEMO = fileURLToPath(new URL('../../../../examples/demo/organism.yaml', import.meta.url));
export const PASSWORD = 'correct horse battery';

/**
 * A private copy of the demo organism in a temp folder (`prefix` names it), without its journal, sharing
 * its node_modules (handlers and extensions import @organism/engine): for tests that change its files.
 */
export function copyDemo(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  cpSync(dirname(DEMO), dir, {
    recursive: true,
    filter: (src) => !src.includes('node_modules') && !src.includes('.organism'),
  });
  symlinkSync(join(dirname(DEMO), 'node_modules'), join(dir, 'node_modules'));
  return dir;
}

/** Writes `text` at `path` inside an organism folder, making the folders it needs. */
export function writeInto(dir: string, path: string, text: string): void {
  mkdirSync(dirname(join(dir, path)), { recursive: true });
  writeFileSync(join(dir, path), text);
}

/** An envelope for the demo's greeter, its name numbered. */
export const demoGreeting = (n: number): string =>
  `<message xmlns="https://xml-pipeline.org/ns/envelope/v1"><meta><from>t</from><to>greeter</to></meta><greeting xmlns=""><name>v${n}</name></greeting></message>`;

/** An envelope the demo's calculator fails on (a division by zero): a dead letter. */
export const demoDivisionByZero = `<message xmlns="https://xml-pipeline.org/ns/envelope/v1"><meta><from>t</from><to>tools.calculator</to></meta><calculate xmlns=""><a>1</a><op>div</op><b>0</b></calculate></message>`;

export interface ServerHarness {
  engine: Engine;
  /** The engine's journal, for tests that look beneath the facade (the engine owns and closes it). */
  journal: Journal;
  store: OperatorStore;
  server: RunningServer;
  url: string;
  token: string;
  /** The temp SQLite file the engine's journal lives in (unused when the test gave its journal). */
  journalPath: string;
  /** A tRPC client signed in as `name` (admin, operator or viewer exist), or anonymous. */
  client(name?: 'admin' | 'operator' | 'viewer'): Promise<TRPCClient<AppRouter>>;
  close(): Promise<void>;
}

/**
 * The real engine and server on port 0, with a temp SQLite journal (or the `journal` given), three users
 * and an API token. `joining`: the journal is shared with a harness that made the users already.
 */
export async function startHarness(
  organism = DEMO,
  given?: Journal,
  opts: { joining?: boolean } = {},
): Promise<ServerHarness> {
  const journalPath = join(mkdtempSync(join(tmpdir(), 'organism-server-')), 'journal.sqlite');
  const journal = given ?? openJournal({ path: journalPath, durability: 'fast' });
  const engine = await createEngine(organism, { journal });
  await engine.start();
  const store = engine.openOperatorStore();
  if (!opts.joining)
    for (const role of ['admin', 'operator', 'viewer'] as const) await store.createUser(role, role, PASSWORD);
  const { token } = await store.createToken('tests', 'admin');
  const server = await startServer(engine, store, { host: '127.0.0.1', port: 0 });
  const url = server.url;
  const client = async (name?: 'admin' | 'operator' | 'viewer'): Promise<TRPCClient<AppRouter>> => {
    let cookie = '';
    const withCookie = (input: string | URL | Request, init?: RequestInit): Promise<Response> =>
      fetch(input, {
        ...init,
        headers: { ...(init?.headers as Record<string, string> | undefined), ...(cookie ? { cookie } : {}) },
      });
    const c = createTRPCClient<AppRouter>({
      links: [
        splitLink({
          condition: (op) => op.type === 'subscription',
          true: httpSubscriptionLink({
            url: `${url}/trpc`,
            EventSource,
            eventSourceOptions: () => ({ fetch: withCookie }),
          }),
          false: httpBatchLink({
            url: `${url}/trpc`,
            fetch: async (input, init) => {
              const res = await withCookie(input as string | URL | Request, init);
              const set = res.headers.get('set-cookie');
              if (set) cookie = set.split(';')[0] ?? '';
              return res;
            },
          }),
        }),
      ],
    });
    if (name) await c.auth.login.mutate({ name, password: PASSWORD });
    return c;
  };
  return {
    engine,
    journal,
    store,
    server,
    url,
    token,
    journalPath,
    client,
    close: async () => {
      await engine.drain(2_000);
      await server.close();
      await engine.close();
    },
  };
}

/** POST /messages with the harness token (or the given headers). */
export function post(
  h: Pick<ServerHarness, 'url' | 'token'>,
  body: string,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(`${h.url}/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/xml', authorization: `Bearer ${h.token}`, ...headers },
    body,
  });
}
