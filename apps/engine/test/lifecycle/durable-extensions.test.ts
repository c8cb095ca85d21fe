import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteJournal } from '../../src/journal/sqlite/sqlite-journal.ts';
import {
  copyDemo,
  demoDivisionByZero,
  demoGreeting,
  startHarness,
  writeInto,
} from '../support/server-harness.ts';
import type { ServerHarness } from '../support/server-harness.ts';
import { copyCrashOrganism, ENGINE_DIR, jobEnvelope } from '../support/organism-copy.ts';
import { CHILD_NODE_ARGS } from '../support/child-node-args.ts';
import { until } from '../support/until.ts';

// Durable extensions hear the dispatch protocol from the journal's event log, through a cursor of their
// own. The live `audit` extension and the durable `ledger` record the same protocol in the same words,
// so the test can hold one against the other.
type Heard = { ext: string; line: string; thread: string; seq?: number };
const g = globalThis as unknown as { __heard: Heard[]; __refuse: boolean };

const describeEvent = `(e) => e.type === 'dispatch.thread-complete' ? 'thread-complete ' + e.outcome : e.type.replace('dispatch.', '') + ' ' + e.delivery.to + (e.type === 'dispatch.failed' ? ' ' + e.code + (e.willRetry ? ' retry' : '') : '') + (e.type === 'dispatch.acknowledged' ? ' → ' + e.outputs.map((o) => o.to).join(',') : '')`;
const threadOf = `(e) => e.type === 'dispatch.thread-complete' ? e.threadId : e.delivery.threadId`;
const sink = (ext: string, options: string, extra = ''): string => `
import { defineExtension } from '@organism/engine/extension';
const about = ${describeEvent};
const thread = ${threadOf};
export default defineExtension((ext) => {
  ext.onEvent('dispatch', '*', (ctx) => {
    globalThis.__heard.push({ ext: ${JSON.stringify(ext)}, line: about(ctx.event), thread: thread(ctx.event), seq: ctx.seq });
  });${extra}
}, ${options});
`;

let h: ServerHarness;
let dir: string;
const write = (path: string, text: string): void => writeInto(dir, path, text);
const greeting = demoGreeting;
const divide = demoDivisionByZero;
const of = (ext: string, thread: string): string[] =>
  g.__heard.filter((x) => x.ext === ext && x.thread === thread).map((x) => x.line);

beforeAll(async () => {
  g.__heard = [];
  g.__refuse = false;
  dir = copyDemo('organism-durable-');
  write('extensions/audit.ts', sink('audit', '{}'));
  write('extensions/ledger.ts', sink('ledger', '{ durable: true }'));
  // Fails on acknowledgements while __refuse is set: twice, 20 ms apart, then a dead letter.
  write(
    'extensions/picky.ts',
    `import { defineExtension } from '@organism/engine/extension';
export default defineExtension((ext) => {
  ext.onEvent('dispatch', 'acknowledged', (ctx) => {
    if (globalThis.__refuse) throw new Error('the ledger is closed');
    globalThis.__heard.push({ ext: 'picky', line: 'acknowledged ' + ctx.event.delivery.to, thread: ctx.event.delivery.threadId, seq: ctx.seq });
  }, { retry: { maxAttempts: 2, initialDelayMs: 20 } });
}, { durable: true });
`,
  );
  write(
    'extensions/mixed.ts',
    `import { defineExtension } from '@organism/engine/extension';
export default defineExtension((ext) => { ext.onEvent('thread', 'failed', () => {}); }, { durable: true });
`,
  );
  h = await startHarness(join(dir, 'organism.yaml'));
});
afterAll(async () => h.close());

/**
 * A greeting sent while `picky` refuses acknowledgements: the three it hears (one a hop) fail twice
 * each and end as its dead letters, read back through the API as a viewer.
 */
async function pickyDeadLetters(n: number) {
  g.__refuse = true;
  const res = await h.engine.submit(greeting(n));
  if (!res.ok) throw new Error('refused');
  await h.engine.whenQuiet();
  const viewer = await h.client('viewer');
  const dead = await until('three dead letters', async () => {
    const list = await viewer.extensions.failures.query({ extension: 'picky' });
    return list.length === 3 && list.every((f) => f.nextAt === null) ? list : undefined;
  });
  return { res, dead };
}

describe('a durable extension', () => {
  it('hears the dispatch protocol from the event log exactly as a live one hears it from the pump', async () => {
    const ok = await h.engine.submit(greeting(1));
    const failed = await h.engine.submit(divide);
    if (!ok.ok || !failed.ok) throw new Error('refused');
    await h.engine.whenQuiet();
    await until('both heard both threads end', () =>
      [ok.threadId, failed.threadId].every((t) =>
        ['audit', 'ledger'].every((x) => of(x, t).some((l) => l.startsWith('thread-complete'))),
      )
        ? true
        : undefined,
    );
    expect(of('ledger', ok.threadId)).toEqual([
      'intent greeter',
      'dispatched greeter',
      'acknowledged greeter → shouter',
      'dispatched shouter',
      'acknowledged shouter → greeter',
      'dispatched greeter',
      'acknowledged greeter → t',
      'thread-complete completed',
    ]);
    expect(of('ledger', ok.threadId)).toEqual(of('audit', ok.threadId));
    expect(of('ledger', failed.threadId)).toEqual(of('audit', failed.threadId));
    expect(of('ledger', failed.threadId).at(-1)).toBe('thread-complete failed');
    // Each event carries the log's sequence number, in order.
    const seqs = g.__heard.filter((x) => x.ext === 'ledger').map((x) => x.seq ?? 0);
    expect(seqs.every((s, i) => s > 0 && (i === 0 || s >= (seqs[i - 1] ?? 0)))).toBe(true);
    const [ledger] = (await (await h.client('viewer')).extensions.list.query()).filter(
      (x) => x.name === 'ledger',
    );
    expect(ledger?.durable).toMatchObject({ retrying: 0, dead: 0 });
    expect(ledger?.durable?.cursor).toBe(ledger?.durable?.head);
    expect(ledger?.handlers[0]?.succeeded).toBe(seqs.length);
  });

  it('keeps events its handler failed on, retries them with backoff, then as dead letters an operator retries', async () => {
    const viewer = await h.client('viewer');
    const { res, dead } = await pickyDeadLetters(2);
    expect(dead.map((f) => [f.type, f.handler, f.attempts, f.lastError])).toEqual(
      dead.map(() => ['dispatch.acknowledged', 'dispatch.acknowledged#0', 2, 'the ledger is closed']),
    );
    const [picky] = (await viewer.extensions.list.query()).filter((x) => x.name === 'picky');
    expect(picky?.durable).toMatchObject({ retrying: 0, dead: 3 });
    expect(picky?.handlers[0]).toMatchObject({
      failed: 3,
      retried: 3,
      lastError: { message: 'the ledger is closed' },
    });
    // The cursor went on meanwhile: the other durable extension was never held up.
    expect(picky?.durable?.cursor).toBe(picky?.durable?.head);

    // A viewer may look but not act; an unknown failure or extension is NOT_FOUND, with its name.
    const first = dead[0];
    if (!first) throw new Error('no dead letter');
    await expect(viewer.extensions.retry.mutate({ extension: 'picky', id: first.id })).rejects.toThrow(
      /operator/,
    );
    const operator = await h.client('operator');
    const notFound = await operator.extensions.retry
      .mutate({ extension: 'picky', id: 'nope' })
      .catch((e: unknown) => e);
    expect(notFound).toBeInstanceOf(TRPCClientError);
    expect((notFound as TRPCClientError<never>).message).toBe('extension picky has no failure nope');
    await expect(viewer.extensions.failures.query({ extension: 'audit' })).rejects.toThrow(
      'extension audit is not durable',
    );
    await expect(viewer.extensions.failures.query({ extension: 'ghost' })).rejects.toThrow(
      'no extension ghost is loaded',
    );

    g.__refuse = false;
    await operator.extensions.retry.mutate({ extension: 'picky', id: first.id });
    await until('the retried one ran', () => (of('picky', res.threadId).length === 1 ? true : undefined));
    const second = dead[1];
    if (!second) throw new Error('no second dead letter');
    await operator.extensions.discard.mutate({ extension: 'picky', id: second.id });
    const left = await viewer.extensions.failures.query({ extension: 'picky' });
    expect(left.map((f) => f.id)).toEqual([dead[2]?.id]);
    // Retry all: every dead letter left runs again, and the count is in the audit log.
    expect(await operator.extensions.retryAll.mutate({ extension: 'picky' })).toEqual({ retried: 1 });
    await until('the last one ran', () => (of('picky', res.threadId).length === 2 ? true : undefined));
    await until('no failure left', async () =>
      (await viewer.extensions.failures.query({ extension: 'picky' })).length === 0 ? true : undefined,
    );
    const audit = await (await h.client('admin')).audit.list.query({ limit: 6 });
    expect(audit.items.find((a) => a.action === 'extension.retry-all')).toMatchObject({
      target: 'picky',
      detail: '{"retried":1}',
    });
    expect(audit.items.map((a) => [a.action, a.target, a.outcome])).toEqual(
      expect.arrayContaining([
        ['extension.retry', 'picky', 'ok'],
        ['extension.discard', 'picky', 'ok'],
        ['extension.retry', 'picky', 'error'],
      ]),
    );
  });

  it('lets an operator discard every dead letter at once, in the audit log with how many', async () => {
    const viewer = await h.client('viewer');
    const { dead } = await pickyDeadLetters(3);
    g.__refuse = false;
    // Paged: the next page begins after the last failure of the one before.
    const page = await viewer.extensions.failures.query({ extension: 'picky', limit: 2 });
    const last = page.at(-1);
    if (!last) throw new Error('no page');
    const cursor = { dead: last.nextAt === null, createdAt: last.createdAt, id: last.id };
    const next = await viewer.extensions.failures.query({ extension: 'picky', limit: 2, cursor });
    expect([...page, ...next].map((f) => f.id)).toEqual(dead.map((f) => f.id));
    await expect(
      viewer.extensions.failures.query({ extension: 'picky', cursor: { ...cursor, dead: 'yes' } as never }),
    ).rejects.toThrow(/dead/);
    await expect(viewer.extensions.discardAll.mutate({ extension: 'picky' })).rejects.toThrow(/operator/);
    const operator = await h.client('operator');
    await expect(operator.extensions.discardAll.mutate({ extension: 'audit' })).rejects.toThrow(
      'extension audit is not durable',
    );
    expect(await operator.extensions.discardAll.mutate({ extension: 'picky' })).toEqual({ discarded: 3 });
    expect(await viewer.extensions.failures.query({ extension: 'picky' })).toEqual([]);
    const [picky] = (await viewer.extensions.list.query()).filter((x) => x.name === 'picky');
    expect(picky?.durable).toMatchObject({ retrying: 0, dead: 0 });
    expect(await operator.extensions.discardAll.mutate({ extension: 'picky' })).toEqual({ discarded: 0 });
    const audit = await (await h.client('admin')).audit.list.query({ limit: 4 });
    expect(
      audit.items.filter((a) => a.action === 'extension.discard-all').map((a) => [a.outcome, a.detail]),
    ).toEqual([
      ['ok', '{"discarded":0}'],
      ['ok', '{"discarded":3}'],
      ['error', '{}'],
    ]);
  });

  it('refuses handlers of tracts the journal does not record, at load', async () => {
    const [mixed] = (await (await h.client('viewer')).extensions.list.query()).filter(
      (x) => x.name === 'mixed',
    );
    expect(mixed?.error).toBe(
      'a durable extension hears only the dispatch tract (what the journal records), not thread.failed',
    );
    expect(mixed?.durable).toBeNull();
  });

  it('resumes from its cursor after a restart of the engine, hearing what came while it was gone', async () => {
    await h.engine.whenQuiet();
    const [before] = (await (await h.client('viewer')).extensions.list.query()).filter(
      (x) => x.name === 'ledger',
    );
    const store = (
      h.engine as unknown as {
        extensions: { stop(): Promise<void>; load(d: string, l: string[]): Promise<void> };
      }
    ).extensions;
    // Stopped: messages flow and it hears nothing; loaded again, it reads them from its cursor.
    await store.stop();
    const res = await h.engine.submit(greeting(3));
    if (!res.ok) throw new Error('refused');
    await h.engine.whenQuiet();
    expect(of('ledger', res.threadId)).toEqual([]);
    await store.load(dir, []);
    await until('the ledger caught up', () =>
      of('ledger', res.threadId).at(-1) === 'thread-complete completed' ? true : undefined,
    );
    expect(of('ledger', res.threadId)).toHaveLength(8);
    const [after] = (await (await h.client('viewer')).extensions.list.query()).filter(
      (x) => x.name === 'ledger',
    );
    expect(after?.durable?.cursor).toBeGreaterThan(before?.durable?.cursor ?? Infinity);
  });
});

describe('a durable extension killed with the engine (SIGKILL)', () => {
  const CHILD = fileURLToPath(new URL('../support/engine-child.ts', import.meta.url));
  const run = (yamlPath: string, journal: string, log: string) => {
    const child = spawn(process.execPath, [...CHILD_NODE_ARGS, CHILD, yamlPath, journal], {
      cwd: ENGINE_DIR,
      env: { ...process.env, LEDGER_LOG: log, WAIT_EXTENSIONS: '1' },
    });
    child.stderr.on('data', (b: Buffer) => process.stderr.write(b));
    child.stdin.on('error', () => undefined);
    const exited = new Promise((resolve) => child.on('exit', resolve));
    return { child, exited, lines: createInterface({ input: child.stdout })[Symbol.asyncIterator]() };
  };

  it('loses no event: after the restart it hears every acknowledgement and every thread end', async () => {
    const { dir: organism, yamlPath } = copyCrashOrganism();
    const log = join(organism, 'ledger.log');
    // No import, so the copy needs no node_modules: an object with register and options does too.
    mkdirSync(join(organism, 'extensions'));
    writeFileSync(
      join(organism, 'extensions/ledger.mjs'),
      `import { appendFileSync } from 'node:fs';
export default {
  options: { durable: true },
  register(ext) {
    ext.onEvent('dispatch', '*', async (ctx) => {
      const e = ctx.event;
      appendFileSync(process.env.LEDGER_LOG, ctx.seq + ' ' + e.type + ' ' + (e.type === 'dispatch.thread-complete' ? e.threadId : e.delivery.id) + '\\n');
    });
  },
};
`,
    );
    const journal = join(organism, 'journal.sqlite');
    const first = run(yamlPath, journal, log);
    let accepted = 0;
    for await (const line of first.lines) {
      if (line.startsWith('READY'))
        for (let i = 0; i < 1500; i++) first.child.stdin.write(`${jobEnvelope(i)}\n`);
      else if (line.startsWith('ACCEPTED ') && ++accepted >= 500) {
        first.child.kill('SIGKILL');
        break;
      }
    }
    await first.exited;
    const heardBefore = readFileSync(log, 'utf8').trim().split('\n').length;

    const second = run(yamlPath, journal, log);
    second.child.stdin.end();
    for await (const line of second.lines) if (line === 'QUIET') break;
    await second.exited;

    const j = new SqliteJournal({ path: journal, durability: 'fast' });
    const rows = await j.recordedTransitions(0, 1_000_000);
    await j.close();
    const acked = new Set(rows.filter((r) => r.state === 'ACKED' && !r.egress).map((r) => r.messageId));
    const threads = new Set(rows.map((r) => r.threadId));
    const lines = readFileSync(log, 'utf8').trim().split('\n');
    const heard = (type: string): Set<string> =>
      new Set(lines.filter((l) => l.split(' ')[1] === type).map((l) => l.split(' ')[2] ?? ''));
    const acks = heard('dispatch.acknowledged');
    const ends = heard('dispatch.thread-complete');
    const missingAcks = [...acked].filter((id) => !acks.has(id));
    const missingEnds = [...threads].filter((t) => t !== null && !ends.has(t));
    console.log(
      `durable extension: ${accepted} accepted before SIGKILL, ${heardBefore} events heard by then; ` +
        `${lines.length} heard in all (${lines.length - new Set(lines).size} twice) for ${rows.length} transitions`,
    );
    expect(missingAcks).toEqual([]);
    expect(missingEnds).toEqual([]);
    expect(acked.size).toBeGreaterThan(0);
    // It was behind when the process died: the second run heard what the first did not.
    expect(heardBefore).toBeLessThan(lines.length);
  }, 120_000);
});
