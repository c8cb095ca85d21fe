import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { SqliteJournal } from '../../src/journal/index.ts';
import { createEngine } from '../../src/main.ts';

/** An organism whose `flaky` handler fails its first attempt, then succeeds; it logs each start. */
function writeOrganism(dir: string): string {
  mkdirSync(join(dir, 'schemas'));
  writeFileSync(
    join(dir, 'schemas', 'job.xsd'),
    `<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"><xs:element name="job" type="xs:string"/></xs:schema>`,
  );
  writeFileSync(
    join(dir, 'handlers.mjs'),
    `import { appendFileSync } from 'node:fs';
const runs = new URL('./runs.log', import.meta.url);
export function flaky(_payload, ctx) {
  appendFileSync(runs, ctx.attempt + ' ' + Date.now() + '\\n');
  if (ctx.attempt === 1) throw new Error('not yet');
}
`,
  );
  writeFileSync(
    join(dir, 'organism.yaml'),
    `name: backoff
journal: { path: journal.sqlite, durability: fast }
listeners:
  - name: flaky
    description: Fails once.
    payload: { schema: schemas/job.xsd, root: job }
    handler: ./handlers.mjs#flaky
    retry: { maxAttempts: 3, initialDelayMs: 4s, maxDelayMs: 4s }
`,
  );
  return join(dir, 'organism.yaml');
}

const job = `<message xmlns="https://xml-pipeline.org/ns/envelope/v1"><meta><from>producer</from><to>flaky</to></meta><job xmlns="">x</job></message>`;

it('keeps a scheduled retry across a restart and never runs it before its time', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'organism-backoff-'));
  const config = writeOrganism(dir);
  const journalPath = join(dir, 'journal.sqlite');

  // Run 1: the first attempt fails and a retry is scheduled 2–4 s later; the engine stops before it.
  const first = await createEngine(config, { journalPath });
  await first.start();
  const failed = new Promise<void>((resolve) => first.on('message.failed', () => resolve()));
  const accepted = await first.submit(job);
  if (!accepted.ok) throw new Error(accepted.error.message);
  await failed;
  // The event comes before the failure is committed and its retry timer set; let both happen, so that
  // close() finds (and cancels) the timer.
  await new Promise((resolve) => setTimeout(resolve, 50));
  await first.close();

  const stored = new SqliteJournal({ path: journalPath, durability: 'fast' });
  const entry = await stored.getMessage(accepted.messageIds[0] ?? '');
  await stored.close();
  expect(entry).toMatchObject({ state: 'PENDING', attempts: 1, errorCode: 'HANDLER_ERROR' });
  const due = entry?.nextAttemptAt ?? 0;

  // Run 2, on the same file: recovery must wait for the stored time.
  const second = await createEngine(config, { journalPath });
  await second.start();
  const restartedAt = Date.now();
  expect(restartedAt).toBeLessThan(due); // otherwise this run proves nothing
  await second.whenQuiet();
  await second.close();

  const runs = readFileSync(join(dir, 'runs.log'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => l.split(' ').map(Number));
  expect(runs.map(([attempt]) => attempt)).toEqual([1, 2]);
  expect(runs[1]?.[1]).toBeGreaterThanOrEqual(due);

  const after = new SqliteJournal({ path: journalPath, durability: 'fast' });
  expect(await after.getMessage(accepted.messageIds[0] ?? '')).toMatchObject({
    state: 'ACKED',
    attempts: 2,
  });
  await after.close();
}, 20_000);
