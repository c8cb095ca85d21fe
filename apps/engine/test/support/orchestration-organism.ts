import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SYSTEM_NS } from '@organism/shared';

/**
 * The organism the orchestration tests run (system.sequence, system.buffer and gather from a handler).
 */
// An organism of small text steps and a `starter` that sends what it is given to system.sequence or
// system.buffer and records every result it receives in a global the test reads (handlers run in the
// engine's process).
const KIT = fileURLToPath(new URL('../../src/handler-kit.ts', import.meta.url));
const TEXT = `<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"><xs:element name="text" type="xs:string"/></xs:schema>`;
const RUN = `<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"><xs:element name="run"><xs:complexType><xs:sequence><xs:any processContents="skip"/></xs:sequence></xs:complexType></xs:element></xs:schema>`;
const HANDLERS = `
import { appendFileSync } from 'node:fs';
import { HandlerError } from '${KIT}';
const g = globalThis;
// In a child process (the restart tests) what happens goes to a file instead.
const note = (line) => { if (process.env.ORCH_LOG) appendFileSync(process.env.ORCH_LOG, line + '\\n'); };
const text = (ctx) => /<text>([^<]*)<\\/text>/.exec(ctx.payloadXml)?.[1] ?? '';
export const upper = (_, ctx) => \`<text>\${text(ctx).toUpperCase()}</text>\`;
export const exclaim = (_, ctx) => \`<text>\${text(ctx)}!</text>\`;
export const fail = (_, ctx) => { throw new HandlerError('cannot do ' + text(ctx), { retryable: false }); };
export const slow = async (_, ctx) => { note('slow ' + text(ctx) + ' attempt ' + ctx.attempt); await new Promise((r) => setTimeout(r, Number(text(ctx)) || 0)); return \`<text>slept</text>\`; };
export const counted = async (_, ctx) => {
  g.__inFlight = (g.__inFlight ?? 0) + 1; g.__maxInFlight = Math.max(g.__maxInFlight ?? 0, g.__inFlight);
  await new Promise((r) => setTimeout(r, 30));
  g.__inFlight--;
  if (text(ctx) === 'bad') throw new HandlerError('bad item', { retryable: false });
  return \`<text>\${text(ctx)}:\${ctx.threadId}</text>\`;
};
export const gatherer = (_, ctx) => {
  if (ctx.root.startsWith('{${SYSTEM_NS}}')) return void g.__gathered.push({ inReplyTo: ctx.inReplyTo, xml: ctx.payloadXml });
  const t = text(ctx);
  g.__asked = [
    ctx.gather('upper', t.split(',').map((x) => \`<text>\${x}</text>\`), { concurrency: 2 }),
    ctx.sequence(['upper', 'exclaim'], \`<text>\${t}</text>\`),
  ];
};
export const starter = (_, ctx) => {
  if (ctx.root === '{${SYSTEM_NS}}SystemError' || ctx.root.startsWith('{${SYSTEM_NS}}')) {
    if (process.env.ORCH_LOG) return note('result ' + ctx.payloadXml);
    g.__results.push({ root: ctx.root.slice(ctx.root.indexOf('}') + 1), xml: ctx.payloadXml, thread: ctx.threadId });
    return;
  }
  const inner = ctx.payloadXml.replace(/^<run>/, '').replace(/<\\/run>$/, '');
  ctx.forward(inner.includes('SequenceStart') ? 'system.sequence' : 'system.buffer', inner);
};
`;
const listener = (name: string, schema: string, fn: string, extra = ''): string =>
  `  - name: ${name}\n    description: ${name}\n    payload: { schema: schemas/${schema}.xsd }\n    handler: ./handlers/steps.ts#${fn}\n${extra}`;
const YAML = `name: orchestration
journal: { path: .organism/journal.sqlite }
listeners:
${listener('upper', 'text', 'upper')}${listener('exclaim', 'text', 'exclaim')}${listener('fail', 'text', 'fail')}${listener('slow', 'text', 'slow', '    timeout: 10s\n')}${listener('counted', 'text', 'counted', '    concurrency: 16\n')}${listener('starter', 'run', 'starter')}${listener('gatherer', 'text', 'gatherer')}${listener('agentGatherer', 'text', 'gatherer', '    agent: true\n    peers: [upper, exclaim]\n')}${listener('narrowGatherer', 'text', 'gatherer', '    agent: true\n    peers: [upper]\n')}`;

/** What the organism's handlers record, in this process's globals. */
export const g = globalThis as unknown as {
  __results: { root: string; xml: string; thread: string }[];
  __gathered: { inReplyTo?: string; xml: string }[];
  __asked?: string[];
  __maxInFlight?: number;
  __inFlight?: number;
};

/** Writes the organism into a folder of its own: its organism.yaml and that folder. */
export function writeOrchestrationOrganism(): { yaml: string; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'organism-orchestration-'));
  const files: Record<string, string> = {
    'organism.yaml': YAML,
    'package.json': '{ "type": "module" }\n',
    'schemas/text.xsd': TEXT,
    'schemas/run.xsd': RUN,
    'handlers/steps.ts': HANDLERS,
  };
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return { yaml: join(dir, 'organism.yaml'), dir };
}

export const s = (local: string, body: string): string =>
  `<s:${local} xmlns:s="${SYSTEM_NS}">${body}</s:${local}>`;
export const el = (local: string, body: string | number): string => `<s:${local}>${body}</s:${local}>`;
export const sequence = (steps: string[], input: string, timeoutMs?: number): string =>
  s(
    'SequenceStart',
    el('steps', steps.map((x) => el('step', x)).join('')) +
      el('payload', `<text>${input}</text>`) +
      el('returnTo', 'starter') +
      (timeoutMs ? el('stepTimeoutMs', timeoutMs) : ''),
  );
export const buffer = (o: {
  items: string[];
  collect: boolean;
  concurrency?: number;
  timeoutMs?: number;
  target?: string;
}): string =>
  s(
    'BufferStart',
    el('target', o.target ?? 'counted') +
      el('items', o.items.map((i) => el('item', `<text>${i}</text>`)).join('')) +
      el('collect', String(o.collect)) +
      (o.concurrency ? el('concurrency', o.concurrency) : '') +
      el('returnTo', 'starter') +
      (o.timeoutMs ? el('timeoutMs', o.timeoutMs) : ''),
  );
