import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { expect, inject, it } from 'vitest';
import { SqliteJournal } from '../../src/journal/index.ts';
import { PostgresJournal } from '../../src/journal/postgres/postgres-journal.ts';
import type { Journal } from '../../src/journal/index.ts';
import { freshPostgres } from '../../src/journal/postgres/postgres-test.ts';
import { CHILD_NODE_ARGS } from '../support/child-node-args.ts';

const ENGINE_DIR = fileURLToPath(new URL('../..', import.meta.url));
const CHILD = fileURLToPath(new URL('../support/engine-child.ts', import.meta.url));
const ORGANISM = fileURLToPath(new URL('../fixtures/organisms/crash/organism.yaml', import.meta.url));
const MESSAGES = 3000;
const KILL_AFTER = 1000;

/** Where the journal is: a SQLite file (its writer thread from the start, or once busy), or PostgreSQL. */
type Target = 'sqlite, writer thread auto' | 'sqlite, writer thread always' | 'postgres';

function start(
  target: Target,
  journal: string,
  log: string,
): { child: ChildProcessWithoutNullStreams; lines: AsyncIterableIterator<string> } {
  const where: NodeJS.ProcessEnv =
    target === 'postgres'
      ? { PG_URL: inject('postgresUrl'), PG_SCHEMA: journal }
      : { WRITER_THREAD: target.endsWith('always') ? 'always' : 'auto' };
  const child = spawn(process.execPath, [...CHILD_NODE_ARGS, CHILD, ORGANISM, journal], {
    cwd: ENGINE_DIR,
    env: { ...process.env, CRASH_LOG: log, ...where },
  });
  child.stderr.on('data', (b: Buffer) => process.stderr.write(b));
  // Writes still buffered for a child we killed fail with EPIPE: that is the point of the test.
  child.stdin.on('error', () => undefined);
  return { child, lines: createInterface({ input: child.stdout })[Symbol.asyncIterator]() };
}

const envelope = (i: number): string =>
  `<message xmlns="https://xml-pipeline.org/ns/envelope/v1"><meta><from>producer</from><to>front</to></meta><job xmlns="">${i + 1}</job></message>\n`;

// `always`: every commit of the first run on the journal's writer thread (an engine starts it once busy).
// `postgres`: the journal in a fresh schema of the test run's PostgreSQL, strict.
it.each(['sqlite, writer thread auto', 'sqlite, writer thread always', 'postgres'] as const)(
  'loses no accepted message when the engine is killed with SIGKILL mid-stream (%s)',
  async (target) => {
    const dir = mkdtempSync(join(tmpdir(), 'organism-crash-'));
    const pg = target === 'postgres' ? freshPostgres('strict') : undefined;
    const journalPath = pg?.schema ?? join(dir, 'journal.sqlite');
    const log = join(dir, 'invocations.log');

    // Run 1: produce a stream of messages, kill -9 once a third of them were accepted.
    const first = start(target, journalPath, log);
    const accepted = new Set<string>();
    const exited = new Promise((resolve) => first.child.on('exit', resolve));
    for await (const line of first.lines) {
      if (line.startsWith('READY')) {
        for (let i = 0; i < MESSAGES; i++) first.child.stdin.write(envelope(i));
      } else if (line.startsWith('ACCEPTED ')) {
        for (const id of line.slice(9).split(' ')) accepted.add(id);
        if (accepted.size >= KILL_AFTER) {
          first.child.kill('SIGKILL');
          break;
        }
      }
    }
    await exited;
    expect(accepted.size).toBeGreaterThanOrEqual(KILL_AFTER);

    // Run 2: nothing new; recovery must finish what the first run left.
    const second = start(target, journalPath, log);
    second.child.stdin.end();
    let recovery = '';
    for await (const line of second.lines) {
      if (line.startsWith('READY')) recovery = line.slice(6);
      if (line === 'QUIET') break;
    }
    await new Promise((resolve) => second.child.on('exit', resolve));

    const journal: Journal = pg
      ? await PostgresJournal.open(pg)
      : new SqliteJournal({ path: journalPath, durability: 'fast' });
    const states = new Map<string, number>();
    for (const id of accepted) {
      const entry = await journal.getMessage(id);
      const state = entry?.state ?? 'LOST';
      states.set(state, (states.get(state) ?? 0) + 1);
    }
    const stats = await journal.stats();
    await journal.close();

    const invocations = readFileSync(log, 'utf8').trim().split('\n');
    const perDelivery = new Map<string, number>();
    for (const line of invocations) {
      const [, id] = line.split(' ');
      if (id) perDelivery.set(id, (perDelivery.get(id) ?? 0) + 1);
    }
    const twice = [...perDelivery.values()].filter((n) => n > 1).length;
    console.log(
      `crash test (${target}): ${accepted.size} accepted before SIGKILL; after recovery ${JSON.stringify(Object.fromEntries(states))}; ` +
        `recovery ${recovery}; ${perDelivery.size} deliveries ran, ${twice} of them more than once (at-least-once)`,
    );
    expect(states.get('LOST') ?? 0).toBe(0);
    expect((states.get('ACKED') ?? 0) + (states.get('FAILED') ?? 0)).toBe(accepted.size);
    expect(stats.counts.PENDING + stats.counts.DISPATCHED).toBe(0);
  },
  120_000,
);
