import { spawn } from 'node:child_process';
import Database from 'better-sqlite3';
import { readFileSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buffer, el, g, s, sequence, writeOrchestrationOrganism } from '../support/orchestration-organism.ts';
import { startHarness } from '../support/server-harness.ts';
import type { ServerHarness } from '../support/server-harness.ts';
import { until } from '../support/until.ts';
import { CHILD_NODE_ARGS } from '../support/child-node-args.ts';

let h: ServerHarness;
let dir: string;

function organism(): string {
  const written = writeOrchestrationOrganism();
  dir = written.dir;
  return written.yaml;
}

/** Sends `start` through the starter and waits for `n` results in its thread. */
async function run(start: string, n = 1): Promise<{ root: string; xml: string; thread: string }[]> {
  const env = `<message xmlns="https://xml-pipeline.org/ns/envelope/v1"><meta><from>t</from><to>starter</to></meta><run xmlns="">${start}</run></message>`;
  const res = await h.engine.submit(env);
  if (!res.ok) throw new Error(`refused: ${res.error.message}`);
  return until(`${n} result(s)`, () => {
    const mine = g.__results.filter((r) => r.thread === res.threadId);
    return mine.length >= n ? mine : undefined;
  });
}

beforeAll(async () => {
  h = await startHarness(organism());
});
afterAll(async () => h.close());
beforeEach(() => {
  g.__results = [];
  g.__gathered = [];
  g.__maxInFlight = 0;
  g.__inFlight = 0;
});

describe('system.sequence', () => {
  it('runs one step, and several in order, each reply the next step’s input', async () => {
    const [one] = await run(sequence(['upper'], 'hi'));
    expect(one?.root).toBe('SequenceComplete');
    expect(one?.xml).toContain('<s:result><text>HI</text></s:result><s:steps>1</s:steps>');
    const [three] = await run(sequence(['upper', 'exclaim', 'exclaim'], 'go'));
    expect(three?.xml).toContain('<s:result><text>GO!!</text></s:result><s:steps>3</s:steps>');
    // The thread page's view of it: every step done.
    const [progress] = await h.engine.orchestrationsOf(three?.thread ?? '');
    expect(progress).toMatchObject({ kind: 'sequence', status: 'done', returnTo: 'starter' });
    expect(progress?.kind === 'sequence' && progress.steps.map((s) => `${s.name} ${s.state}`)).toEqual([
      'upper done',
      'exclaim done',
      'exclaim done',
    ]);
  });

  it('stops at a failing step with its index and reason, and refuses unknown steps before running any', async () => {
    const [failed] = await run(sequence(['upper', 'fail', 'exclaim'], 'x'));
    expect(failed?.root).toBe('SequenceError');
    expect(failed?.xml).toContain('<s:failedStep>fail</s:failedStep><s:index>1</s:index>');
    const [progress] = await h.engine.orchestrationsOf(failed?.thread ?? '');
    expect(progress?.kind === 'sequence' && progress.steps.map((s) => `${s.name} ${s.state}`)).toEqual([
      'upper done',
      'fail failed',
      'exclaim skipped',
    ]);
    // The reason is the SystemError the step's failure sent back: its code and message, not its detail.
    expect(failed?.xml).toContain('<s:reason>HANDLER_ERROR: the message could not be processed</s:reason>');
    const [unknown] = await run(sequence(['upper', 'nobody'], 'x'));
    expect(unknown?.xml).toContain(
      '<s:failedStep>nobody</s:failedStep><s:index>1</s:index><s:reason>no listener named nobody; no step was run</s:reason>',
    );
    const [system] = await run(sequence(['system.buffer'], 'x'));
    expect(system?.xml).toContain('a step cannot be a system listener');
    // A reply the next step's contract refuses ends the sequence there, with the pipeline's reason.
    const [refused] = await run(sequence(['upper', 'starter'], 'x'));
    expect(refused?.xml).toContain(
      '<s:failedStep>starter</s:failedStep><s:index>1</s:index><s:reason>starter refused it: UNKNOWN_ROUTE: listener "starter" does not accept text</s:reason>',
    );
  });

  it('ends with an error naming the step that did not answer in time', async () => {
    const [late] = await run(sequence(['upper', 'slow'], '2000', 300));
    expect(late?.root).toBe('SequenceError');
    expect(late?.xml).toContain(
      '<s:failedStep>slow</s:failedStep><s:index>1</s:index><s:reason>no answer within 300 ms</s:reason>',
    );
  });

  it('journals its hops in the caller’s thread', async () => {
    const [done] = await run(sequence(['upper', 'exclaim'], 'a'));
    const thread = await h.journal.listMessages({ limit: 50, threadId: done?.thread });
    const hop = new Map(thread.items.map((m) => [m.id, `${m.from}→${m.to}`]));
    // In the order the journal recorded them (its sequence): two hops can share a millisecond, so the
    // list's newest-first order by time cannot tell a reply from the message it answers.
    const recorded = (await h.journal.transitions(0, 100_000))
      .filter((t) => t.threadId === done?.thread && t.state === 'PENDING')
      .map((t) => hop.get(t.messageId));
    expect(recorded).toEqual([
      't→starter',
      'starter→system.sequence',
      'system.sequence→upper',
      'upper→system.sequence',
      'system.sequence→exclaim',
      'exclaim→system.sequence',
      'system.sequence→starter',
    ]);
  });
});

describe('system.buffer', () => {
  it('collects every result in item order, each item on a thread of its own, under the concurrency cap', async () => {
    const items = ['a', 'b', 'c', 'd', 'e', 'f'];
    const [done] = await run(buffer({ items, collect: true, concurrency: 2 }));
    expect(done?.root).toBe('BufferComplete');
    expect(done?.xml).toContain('<s:succeeded>6</s:succeeded><s:failed>0</s:failed><s:missing>0</s:missing>');
    const results = [
      ...(done?.xml ?? '').matchAll(/<s:result index="(\d)" success="true"><text>(\w):([\w-]+)<\/text>/g),
    ];
    expect(results.map((r) => [r[1], r[2]])).toEqual(items.map((x, i) => [String(i), x]));
    // Six child threads, none of them the caller's.
    expect(new Set(results.map((r) => r[3])).size).toBe(6);
    expect(results.map((r) => r[3])).not.toContain(done?.thread);
    expect(g.__maxInFlight).toBe(2);
    const [progress] = await h.engine.orchestrationsOf(done?.thread ?? '');
    if (progress?.kind !== 'buffer') throw new Error('no buffer');
    expect(progress.items.map((i) => i.state)).toEqual(items.map(() => 'succeeded'));
    expect(progress.items.map((i) => i.thread)).toEqual(results.map((r) => r[3]));
  });

  it('marks failed items and goes on with the others (partial failure)', async () => {
    const [done] = await run(buffer({ items: ['a', 'bad', 'c'], collect: true }));
    expect(done?.xml).toContain('<s:succeeded>2</s:succeeded><s:failed>1</s:failed><s:missing>0</s:missing>');
    expect(done?.xml).toContain(
      '<s:result index="1" reason="HANDLER_ERROR: the message could not be processed" success="false"></s:result>',
    );
  });

  it('answers BufferDispatched at once without collect, and still runs every item', async () => {
    const [dispatched] = await run(buffer({ items: ['a', 'b', 'c'], collect: false }));
    expect(dispatched?.root).toBe('BufferDispatched');
    expect(dispatched?.xml).toContain('<s:items>3</s:items>');
    await h.engine.whenQuiet();
    expect(g.__maxInFlight).toBeGreaterThan(0);
    expect(g.__results).toHaveLength(1);
  });

  it('reports items not answered by the deadline as missing', async () => {
    const [done] = await run(buffer({ target: 'slow', items: ['0', '3000'], collect: true, timeoutMs: 400 }));
    expect(done?.xml).toContain('<s:succeeded>1</s:succeeded><s:failed>0</s:failed><s:missing>1</s:missing>');
    expect(done?.xml).toContain(
      '<s:result index="1" missing="true" reason="no answer within 400 ms" success="false"></s:result>',
    );
  });
});

describe('a start message that cannot run', () => {
  it('is refused with a SystemError to its sender, the reason in the dead letter', async () => {
    const [refused] = await run(buffer({ target: 'ghost', items: ['a'], collect: true }));
    expect(refused?.root).toBe('SystemError');
    const dead = await h.journal.listMessages({ limit: 5, threadId: refused?.thread, state: 'FAILED' });
    const detail = await h.journal.getMessage(dead.items[0]?.id ?? '');
    expect([detail?.to, detail?.errorCode]).toEqual(['system.buffer', 'HANDLER_ERROR']);
    expect(detail?.errorDetail).toContain('target: no listener named ghost');
    // Its contract is checked like any other: a SequenceStart without returnTo never leaves the starter,
    // whose run fails (its sender, outside, gets the SystemError).
    const invalid = s('SequenceStart', el('steps', el('step', 'upper')) + el('payload', '<text>x</text>'));
    const env = `<message xmlns="https://xml-pipeline.org/ns/envelope/v1"><meta><from>t</from><to>starter</to></meta><run xmlns="">${invalid}</run></message>`;
    const res = await h.engine.submit(env);
    if (!res.ok) throw new Error('refused');
    await h.engine.whenQuiet();
    const failed = await h.journal.listMessages({ limit: 5, threadId: res.threadId, state: 'FAILED' });
    // The refused message is recorded as refused, and the starter's run as failed.
    expect(failed.items.map((m) => [m.to, m.errorCode])).toEqual([
      ['system.sequence', 'SCHEMA_VIOLATION'],
      ['starter', 'INVALID_REPLY'],
    ]);
    const starter = await h.journal.getMessage(failed.items[1]?.id ?? '');
    expect(starter?.errorDetail).toContain('returnTo');
  });
});

describe('from a handler’s code', () => {
  const ask = (to: string): string =>
    `<message xmlns="https://xml-pipeline.org/ns/envelope/v1"><meta><from>t</from><to>${to}</to></meta><text xmlns="">a,b,c</text></message>`;

  it.each(['gatherer', 'agentGatherer'])(
    'gathers with ctx.gather and chains with ctx.sequence, each result naming the call it answers (%s)',
    async (to) => {
      expect((await h.engine.submit(ask(to))).ok).toBe(true);
      const got = await until('both results', () => (g.__gathered.length === 2 ? g.__gathered : undefined));
      const [gatherId, sequenceId] = g.__asked ?? [];
      const byCall = new Map(got.map((r) => [r.inReplyTo, r.xml]));
      expect(byCall.get(gatherId)).toContain('<s:succeeded>3</s:succeeded>');
      expect(byCall.get(gatherId)).toMatch(
        /<s:result index="0" success="true"><text>A<\/text><\/s:result><s:result index="1" success="true"><text>B<\/text>/,
      );
      expect(byCall.get(sequenceId)).toContain('<s:result><text>A,B,C!</text></s:result>');
    },
  );

  it('refuses an agent’s run whose sequence reaches beyond its peers, and sends nothing of it', async () => {
    const res = await h.engine.submit(ask('narrowGatherer'));
    if (!res.ok) throw new Error('refused');
    await h.engine.whenQuiet();
    const failed = await h.journal.listMessages({ limit: 5, threadId: res.threadId, state: 'FAILED' });
    expect(failed.items.map((m) => [m.to, m.errorCode])).toEqual([['narrowGatherer', 'PEER_VIOLATION']]);
    const detail = await h.journal.getMessage(failed.items[0]?.id ?? '');
    expect(detail?.errorDetail).toBe(
      'agent narrowGatherer asked system.sequence to reach "exclaim"; its peers are [upper]',
    );
    const all = await h.journal.listMessages({ limit: 10, threadId: res.threadId });
    expect(all.items.map((m) => m.to ?? '').filter((to) => to.startsWith('system.'))).toEqual([]);
    expect(g.__gathered).toEqual([]);
  });
});

describe('a restart in the middle (SIGKILL)', () => {
  const CHILD = fileURLToPath(new URL('../support/engine-child.ts', import.meta.url));
  const ENGINE = fileURLToPath(new URL('../..', import.meta.url));
  const start = (yaml: string, log: string) => {
    const child = spawn(
      process.execPath,
      [...CHILD_NODE_ARGS, CHILD, yaml, join(dirname(yaml), 'journal.sqlite')],
      {
        cwd: ENGINE,
        env: { ...process.env, ORCH_LOG: log },
      },
    );
    child.stderr.on('data', (b: Buffer) => process.stderr.write(b));
    child.stdin.on('error', () => undefined);
    const exited = new Promise((resolve) => child.on('exit', resolve));
    return { child, exited, lines: createInterface({ input: child.stdout })[Symbol.asyncIterator]() };
  };
  const envelope = (start: string): string =>
    `<message xmlns="https://xml-pipeline.org/ns/envelope/v1"><meta><from>t</from><to>starter</to></meta><run xmlns="">${start}</run></message>`;

  it.each([
    [
      'a sequence',
      sequence(['upper', 'slow', 'exclaim'], '800'),
      /^result .*<s:SequenceComplete .*<text>slept!<\/text>.*<s:steps>3<\/s:steps>/m,
    ],
    [
      'a buffer',
      buffer({ target: 'slow', items: ['800', '900', '1000'], collect: true, concurrency: 1 }),
      /^result .*<s:BufferComplete .*<s:succeeded>3<\/s:succeeded><s:failed>0<\/s:failed><s:missing>0<\/s:missing>/m,
    ],
  ])(
    'continues %s after the engine is killed mid-way, and ends it',
    async (_what, message, expected) => {
      const yaml = organism();
      const log = join(dir, 'orchestration.log');
      writeFileSync(log, '');
      const first = start(yaml, log);
      for await (const line of first.lines) {
        if (line.startsWith('READY')) first.child.stdin.write(`${envelope(message)}\n`);
        if (line.startsWith('ACCEPTED')) break;
      }
      await until('a slow step started', () =>
        readFileSync(log, 'utf8').includes('slow ') ? true : undefined,
      );
      // Kill only once the step's start is committed: a start the journal never recorded is not an
      // attempt (on a busy machine the handler can be running before its batch commits).
      const journal = new Database(join(dirname(yaml), 'journal.sqlite'), { readonly: true });
      try {
        await until('the slow step’s start committed', () =>
          journal.prepare(`SELECT 1 FROM messages WHERE to_name = 'slow' AND state = 'DISPATCHED'`).get(),
        );
      } finally {
        journal.close();
      }
      first.child.kill('SIGKILL');
      await first.exited;
      expect(readFileSync(log, 'utf8')).not.toMatch(/^result /m);

      const second = start(yaml, log);
      second.child.stdin.end();
      for await (const line of second.lines) if (line === 'QUIET') break;
      await second.exited;
      const written = readFileSync(log, 'utf8');
      expect(written).toMatch(expected);
      // The step that was running when the engine died ran again after the restart.
      expect(written).toMatch(/^slow 800 attempt 2$/m);
      expect(written.match(/^result /gm)).toHaveLength(1);
    },
    60_000,
  );
});
