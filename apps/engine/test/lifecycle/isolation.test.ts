import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOrganism } from '../../src/lifecycle/organism-loader.ts';
import { startHarness, writeInto } from '../support/server-harness.ts';
import type { ServerHarness } from '../support/server-harness.ts';

// Listeners whose handlers run in worker threads (`isolate: worker`): one that loops forever, one that
// exhausts its memory, one that throws, and one that works (forwarding with an id the worker chose);
// `plain` runs on the engine's thread and must keep answering meanwhile.
const KIT = fileURLToPath(new URL('../../src/handler-kit.ts', import.meta.url));
const TEXT = `<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"><xs:element name="text" type="xs:string"/></xs:schema>`;
const HANDLERS = `
import { threadId } from 'node:worker_threads';
import { HandlerError } from '${KIT}';
const text = (ctx) => /<text>([^<]*)<\\/text>/.exec(ctx.payloadXml)?.[1] ?? '';
export const loop = () => { for (;;) {} };
export const hog = () => { const keep = []; for (;;) keep.push(new Array(1e6).fill(Math.random())); };
export const refuse = () => { throw new HandlerError('no, never', { retryable: false }); };
export const work = (_, ctx) => {
  if (ctx.root === 'text' && ctx.from !== 'plain') {
    const id = ctx.forward('plain', '<text>from a worker</text>');
    return;
  }
  return \`<text>worker \${threadId} answered \${ctx.inReplyTo}</text>\`;
};
export const plain = (_, ctx) => \`<text>plain \${text(ctx)} \${ctx.messageId}</text>\`;
`;
const listener = (name: string, fn: string, extra = ''): string =>
  `  - name: ${name}\n    description: ${name}\n    payload: { schema: schemas/text.xsd }\n    handler: ./handlers/h.ts#${fn}\n${extra}`;
const ISOLATED = '    isolate: worker\n';
const YAML = `name: isolation
journal: { path: .organism/journal.sqlite }
listeners:
${listener('looper', 'loop', `${ISOLATED}    timeout: 300ms\n    retry: { maxAttempts: 2, initialDelayMs: 10 }\n`)}${listener('hog', 'hog', `${ISOLATED}    timeout: 20s\n    retry: { maxAttempts: 1 }\n`)}${listener('refuser', 'refuse', ISOLATED)}${listener('worker', 'work', ISOLATED)}${listener('plain', 'plain')}`;

let h: ServerHarness;
beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'organism-isolation-'));
  const files: Record<string, string> = {
    'organism.yaml': YAML,
    'package.json': '{ "type": "module" }\n',
    'schemas/text.xsd': TEXT,
    'handlers/h.ts': HANDLERS,
  };
  for (const [path, text] of Object.entries(files)) writeInto(dir, path, text);
  h = await startHarness(join(dir, 'organism.yaml'));
});
afterAll(async () => h.close());

const send = async (to: string, text: string): Promise<string> => {
  const res = await h.engine.submit(
    `<message xmlns="https://xml-pipeline.org/ns/envelope/v1"><meta><from>t</from><to>${to}</to></meta><text xmlns="">${text}</text></message>`,
  );
  if (!res.ok) throw new Error(res.error.message);
  return res.threadId;
};
const entries = async (threadId: string) =>
  (await h.journal.listMessages({ limit: 20, threadId })).items.reverse();

describe('isolate: worker', () => {
  it('terminates a handler that loops forever at its timeout, retries it, and keeps serving meanwhile', async () => {
    const started = Date.now();
    const looping = await send('looper', 'spin');
    // While the loop spins in its worker, the engine's own thread answers.
    const plain = await send('plain', 'meanwhile');
    await h.engine.whenQuiet();
    const [loop] = await entries(looping);
    expect(loop).toMatchObject({ to: 'looper', state: 'FAILED', errorCode: 'HANDLER_TIMEOUT', attempts: 2 });
    expect(Date.now() - started).toBeLessThan(10_000);
    const info = h.engine.listeners();
    expect(info.find((l) => l.name === 'looper')?.isolate).toBe('worker');
    expect(info.find((l) => l.name === 'plain')?.isolate).toBe('none');
    const answered = await entries(plain);
    expect(answered.map((m) => [m.to, m.state])).toEqual([
      ['plain', 'ACKED'],
      ['t', 'ACKED'],
    ]);
  });

  it('fails a handler that exhausts its memory, and the engine goes on', async () => {
    const thread = await send('hog', 'eat');
    await h.engine.whenQuiet();
    const [hog] = await entries(thread);
    expect(hog).toMatchObject({ state: 'FAILED', errorCode: 'HANDLER_ERROR' });
    const detail = await h.journal.getMessage(hog?.id ?? '');
    expect(detail?.errorDetail).toContain('ran out of memory in its worker (limit 256 MB)');
    const after = await send('plain', 'still here');
    await h.engine.whenQuiet();
    expect((await entries(after))[0]?.state).toBe('ACKED');
  }, 60_000);

  it('keeps a handler error’s retryable flag and a forward’s id across the thread boundary', async () => {
    const refused = await entries(await send('refuser', 'x'));
    await h.engine.whenQuiet();
    const [r] = await entries(refused[0]?.threadId ?? '');
    expect(r).toMatchObject({ state: 'FAILED', errorCode: 'HANDLER_ERROR', attempts: 1 });
    expect((await h.journal.getMessage(r?.id ?? ''))?.errorDetail).toContain('no, never');

    const thread = await send('worker', 'go');
    await h.engine.whenQuiet();
    const all = await entries(thread);
    // worker → plain (the forward, with the id the worker gave it) → worker (the reply) → t.
    const forward = all.find((m) => m.from === 'worker' && m.to === 'plain');
    const back = all.find((m) => m.from === 'worker' && m.to === 't');
    const answer = await h.journal.getMessage(back?.id ?? '');
    expect(answer?.payloadXml).toMatch(
      new RegExp(`^<text>worker [1-9]\\d* answered ${forward?.id ?? 'none'}</text>$`),
    );
  });
});

describe('an isolated handler that does not load', () => {
  it('is refused when the organism loads, saying why, as an in-process one is', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'organism-isolation-bad-'));
    const files: Record<string, string> = {
      'organism.yaml': `name: broken\nlisteners:\n${listener('thrower', 'never', ISOLATED).replace('h.ts', 'throws.ts')}${listener('number', 'answer', ISOLATED).replace('h.ts', 'number.ts')}`,
      'package.json': '{ "type": "module" }\n',
      'schemas/text.xsd': TEXT,
      'handlers/throws.ts': `throw new Error('no database at import');\nexport const never = () => '<text/>';\n`,
      'handlers/number.ts': 'export const answer = 42;\n',
    };
    for (const [path, text] of Object.entries(files)) writeInto(dir, path, text);
    const loaded = await loadOrganism(join(dir, 'organism.yaml'));
    if (loaded.ok) throw new Error('expected the organism to be refused');
    expect(loaded.problems.map((p) => p.message)).toEqual([
      expect.stringMatching(/^handler .*throws\.ts#never does not load in a worker: no database at import$/),
      expect.stringMatching(
        /^handler .*number\.ts#answer does not load in a worker: the module has no function export "answer"$/,
      ),
    ]);
  });
});
