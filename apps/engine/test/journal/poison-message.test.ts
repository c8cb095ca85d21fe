import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { openOperatorStore, SqliteJournal } from '../../src/journal/index.ts';
import { PostgresJournal } from '../../src/journal/postgres/postgres-journal.ts';
import type { Journal } from '../../src/journal/index.ts';
import { freshPostgres } from '../../src/journal/postgres/postgres-test.ts';

const BIN = fileURLToPath(new URL('../../bin/organism.js', import.meta.url));
const MAX_ATTEMPTS = 2;

/** An organism whose `poison` handler kills its own process, as a native fault or an OOM kill would. */
function writeOrganism(dir: string, journal: string): void {
  mkdirSync(join(dir, 'schemas'));
  writeFileSync(
    join(dir, 'schemas', 'job.xsd'),
    `<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"><xs:element name="job" type="xs:string"/></xs:schema>`,
  );
  writeFileSync(
    join(dir, 'handlers.mjs'),
    `import { appendFileSync } from 'node:fs';
const seen = new URL('./attempts.log', import.meta.url);
export function poison(_payload, ctx) {
  appendFileSync(seen, ctx.attempt + '\\n');
  process.kill(process.pid, 'SIGKILL');
}
export function healthy() {}
`,
  );
  writeFileSync(
    join(dir, 'organism.yaml'),
    `name: poison
journal: ${journal}
listeners:
  - name: poison
    description: Kills its own process.
    payload: { schema: schemas/job.xsd, root: job }
    handler: ./handlers.mjs#poison
    retry: { maxAttempts: ${MAX_ATTEMPTS}, initialDelayMs: 10, maxDelayMs: 10 }
  - name: healthy
    description: Does nothing, successfully.
    payload: { schema: schemas/job.xsd, root: job }
    handler: ./handlers.mjs#healthy
`,
  );
}

const envelope = (to: string): string =>
  `<message xmlns="https://xml-pipeline.org/ns/envelope/v1"><meta><from>producer</from><to>${to}</to></meta><job xmlns="">x</job></message>`;

/** The journal the organism names, and how the test opens it (the engine must not be running). */
function journalOf(target: 'sqlite' | 'postgres', dir: string): { yaml: string; open(): Promise<Journal> } {
  if (target === 'sqlite') {
    return {
      yaml: '{ path: journal.sqlite, durability: fast }',
      open: () =>
        Promise.resolve(new SqliteJournal({ path: join(dir, 'journal.sqlite'), durability: 'fast' })),
    };
  }
  const pg = freshPostgres('fast');
  process.env['ORGANISM_TEST_PG_URL'] = pg.url;
  return {
    yaml: `{ driver: postgres, url: '\${ORGANISM_TEST_PG_URL}', schema: ${pg.schema ?? ''}, durability: fast }`,
    open: () => PostgresJournal.open(pg),
  };
}

it.each(['sqlite', 'postgres'] as const)(
  'dead-letters a message that kills its engine, counting each redelivery, and then serves (%s)',
  async (target) => {
    const dir = mkdtempSync(join(tmpdir(), 'organism-poison-'));
    const journalAt = journalOf(target, dir);
    writeOrganism(dir, journalAt.yaml);
    // The producer's token goes into the journal before the engine holds it (no engine process to spare).
    const before = await journalAt.open();
    const { token } = await openOperatorStore(before).createToken('tests', 'tests');
    await before.close();

    const supervisor = spawn(process.execPath, [BIN, 'start', '--port', '0', '--quiet'], { cwd: dir });
    const exited = new Promise<number | null>((resolve) => supervisor.on('exit', (code) => resolve(code)));
    // Never leave a crash loop behind: past the deadline the supervisor is stopped and the test fails.
    const guard = setTimeout(() => supervisor.kill('SIGTERM'), 150_000);
    const output: string[] = [];
    supervisor.stderr.on('data', (b: Buffer) => output.push(b.toString()));
    const lines = createInterface({ input: supervisor.stdout })[Symbol.asyncIterator]();
    /** The URL of the next engine that opens its server, and what it said about recovery. */
    const nextEngine = async (): Promise<{ url: string; line: string }> => {
      for (;;) {
        const next: IteratorResult<string> = await lines.next();
        if (next.done) throw new Error(`the supervisor ended:\n${output.join('')}`);
        const line = next.value;
        output.push(`${line}\n`);
        const url = / running on (\S+)/.exec(line)?.[1];
        if (url) return { url, line };
      }
    };
    const post = (url: string, to: string): Promise<Response> =>
      fetch(`${url}/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/xml', authorization: `Bearer ${token}` },
        body: envelope(to),
      });

    try {
      const first = await nextEngine();
      // The handler may kill the engine before the 202 is written: the message is journaled either way.
      await post(first.url, 'poison').catch(() => undefined);

      // Each restart redelivers it and dies again, until its attempts are used up.
      let last = await nextEngine();
      while (!/dead-lettered/.test(last.line)) last = await nextEngine();
      expect(last.line).toContain('(1 dead-lettered)');
      expect((await fetch(`${last.url}/healthz`)).status).toBe(200);
      expect((await post(last.url, 'healthy')).status).toBe(202);
    } finally {
      clearTimeout(guard);
      supervisor.kill('SIGTERM');
    }
    expect(await exited).toBe(0);

    const seen = readFileSync(join(dir, 'attempts.log'), 'utf8').trim().split('\n').map(Number);
    // The first run's start was never committed (it died at once); every redelivery after it is counted.
    expect(seen).toEqual([1, ...Array.from({ length: MAX_ATTEMPTS }, (_, i) => i + 1)]);
    expect(output.join('').match(/engine killed by SIGKILL/g)).toHaveLength(seen.length);

    const journal = await journalAt.open();
    try {
      const [poison] = (await journal.listMessages({ root: 'job', state: 'FAILED' })).items;
      expect(poison).toMatchObject({
        to: 'poison',
        errorCode: 'REDELIVERY_EXHAUSTED',
        attempts: MAX_ATTEMPTS,
      });
      const acked = (await journal.listMessages({ root: 'job', state: 'ACKED' })).items;
      expect(acked.map((m) => m.to)).toEqual(['healthy']);
    } finally {
      await journal.close();
    }
    // About 10 s on an idle machine (four engine starts and the supervisor's backoff). Under a full
    // parallel suite on 2 cores one engine start has taken 10 s, so four take most of a minute.
  },
  180_000,
);
