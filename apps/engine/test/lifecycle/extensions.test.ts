import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { EngineEvent } from '@organism/shared';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  copyDemo,
  demoDivisionByZero,
  demoGreeting,
  startHarness,
  writeInto,
} from '../support/server-harness.ts';
import type { ServerHarness } from '../support/server-harness.ts';
import type { HandlerCounts } from '../../src/lifecycle/extensions/handler-runner.ts';
import { until } from '../support/until.ts';

// The demo, with extensions written into its `extensions/` folder. They record what they hear in a
// global the test reads: extensions run in the engine's process.
type Heard = { ext: string; key: string; type: string; attempt: number; thread?: string };
const g = globalThis as unknown as { __heard: Heard[] };

const recorder = (ext: string, registrations: string): string => `
import { defineExtension } from '@organism/engine/extension';
const heard = (key) => (ctx) => { globalThis.__heard.push({ ext: ${JSON.stringify(ext)}, key, type: ctx.event.type, attempt: ctx.attempt }); };
export default defineExtension((ext) => {
${registrations}
});
`;

let h: ServerHarness;
let dir: string;
const write = (path: string, text: string): void => writeInto(dir, path, text);
const greeting = demoGreeting;
const divide = demoDivisionByZero;

beforeAll(async () => {
  g.__heard = [];
  dir = copyDemo('organism-extensions-');
  write(
    'extensions/matcher.ts',
    recorder(
      'matcher',
      `  ext.onEvent('thread', 'completed', heard('thread.completed'));
  ext.onEvent('thread', '*', heard('thread.*'));
  ext.onEvent('*', 'completed', heard('*.completed'));
  ext.onEvent('*', '*', heard('*.*'));
  ext.onEvent('message', 'failed', heard('calculator failures'), { filter: (e) => e.listener === 'tools.calculator' });
  ext.onEvent('message', 'failed', heard('greeter failures'), { filter: (e) => e.listener === 'greeter' });`,
    ),
  );
  write(
    'features/alerts.ts',
    `import { router } from '@organism/engine/extension';
export const alerts = router((r) => {
  r.onEvent('thread', 'failed', (ctx) => { globalThis.__heard.push({ ext: 'router', key: 'thread.failed', type: ctx.event.type, attempt: ctx.attempt }); });
});
`,
  );
  write(
    'extensions/with-router.ts',
    `import { defineExtension } from '@organism/engine/extension';
import { alerts } from '../features/alerts.ts';
export default defineExtension((ext) => ext.include(alerts));
`,
  );
  write(
    'extensions/unruly.ts',
    `import { defineExtension } from '@organism/engine/extension';
export default defineExtension((ext) => {
  ext.onEvent('thread', 'created', () => { throw new Error('thrown on purpose'); });
  ext.onEvent('thread', 'created', async () => { throw new Error('rejected on purpose'); }, { retry: { maxAttempts: 2, initialDelayMs: 1 } });
  ext.onEvent('thread', 'created', (ctx) => new Promise((resolve) => ctx.signal.addEventListener('abort', resolve)), { timeoutMs: 50 });
  ext.onEvent('*', '*', () => new Promise(() => {}), { timeoutMs: 60_000 });
});
`,
  );
  write(
    'extensions/audit.ts',
    `import { defineExtension } from '@organism/engine/extension';
export default defineExtension((ext) => {
  ext.onEvent('dispatch', '*', (ctx) => {
    const e = ctx.event;
    const about = e.type === 'dispatch.thread-complete' ? e.outcome : e.delivery.to + (e.type === 'dispatch.failed' ? ' ' + e.code + (e.willRetry ? ' retry' : '') : '') + (e.type === 'dispatch.acknowledged' ? ' → ' + e.outputs.map((o) => o.to).join(',') : '');
    globalThis.__heard.push({ ext: 'audit', key: about, type: e.type, attempt: ctx.attempt, thread: e.type === 'dispatch.thread-complete' ? e.threadId : e.delivery.threadId });
  });
});
`,
  );
  write('extensions/broken.mjs', `throw new Error('cannot start');\n`);
  write('extensions/notes.md', 'not a module\n');
  h = await startHarness(join(dir, 'organism.yaml'));
});
afterAll(async () => h.close());
beforeEach(() => {
  g.__heard = [];
});

const heard = (ext: string): Heard[] => g.__heard.filter((x) => x.ext === ext);

describe('extensions', () => {
  it('run the handlers of exact, (tract, *), (*, event) and (*, *) matches', async () => {
    const res = await h.engine.submit(greeting(1));
    expect(res.ok).toBe(true);
    await h.engine.whenQuiet();
    const completed = await until('the matcher heard thread.completed four times', () => {
      const keys = heard('matcher')
        .filter((x) => x.type === 'thread.completed')
        .map((x) => x.key);
      return keys.length === 4 ? keys : undefined;
    });
    expect(completed.sort()).toEqual(['*.*', '*.completed', 'thread.*', 'thread.completed']);
    // (thread, *) hears thread.created too; (*, *) hears every event (received, sent, states…).
    expect(
      heard('matcher')
        .filter((x) => x.key === 'thread.*')
        .map((x) => x.type),
    ).toEqual(['thread.created', 'thread.completed']);
    expect(
      new Set(
        heard('matcher')
          .filter((x) => x.key === '*.*')
          .map((x) => x.type),
      ),
    ).toEqual(
      new Set(['thread.created', 'message.received', 'listener.state', 'message.sent', 'thread.completed']),
    );
  });

  it('apply a handler’s filter function; a router’s handlers run as the including extension’s', async () => {
    await h.engine.submit(divide);
    await h.engine.whenQuiet();
    await until('the failure was heard', () =>
      heard('matcher').some((x) => x.key === 'calculator failures') && heard('router').length > 0
        ? true
        : undefined,
    );
    expect(
      heard('matcher')
        .filter((x) => x.key.endsWith('failures'))
        .map((x) => x.key),
    ).toEqual(['calculator failures']);
    expect(heard('router')).toEqual([
      { ext: 'router', key: 'thread.failed', type: 'thread.failed', attempt: 1 },
    ]);
    const [withRouter] = (await (await h.client('viewer')).extensions.list.query()).filter(
      (e) => e.name === 'with-router',
    );
    expect(withRouter?.handlers).toEqual([
      expect.objectContaining({ tract: 'thread', event: 'failed', succeeded: 1 }),
    ]);
  });

  it('count handlers that throw, reject (and are retried) or time out, and never hold up the pump', async () => {
    const unruly = async (): Promise<HandlerCounts[]> =>
      (await (await h.client('viewer')).extensions.list.query()).find((e) => e.name === 'unruly')?.handlers ??
      [];
    const before = await unruly();
    const t0 = performance.now();
    for (let i = 0; i < 20; i++) expect((await h.engine.submit(greeting(i))).ok).toBe(true);
    await h.engine.whenQuiet();
    // A handler that never settles holds its own queue for a minute per event: the pump did not wait.
    expect(performance.now() - t0).toBeLessThan(20_000);
    const grew = (after: HandlerCounts[], i: number, key: 'failed' | 'retried' | 'timedOut'): number =>
      (after[i]?.[key] ?? 0) - (before[i]?.[key] ?? 0);
    const after = await until('every thread.created handler ran', async () => {
      const now = await unruly();
      return [0, 1, 2].every((i) => grew(now, i, 'failed') === 20) ? now : undefined;
    });
    const [thrower, rejecter, hanger, stuck] = after;
    expect(grew(after, 0, 'retried')).toBe(0);
    expect(thrower?.lastError?.message).toBe('thrown on purpose');
    expect(grew(after, 1, 'retried')).toBe(20);
    expect(rejecter?.lastError?.message).toBe('rejected on purpose');
    expect(grew(after, 2, 'timedOut')).toBe(20);
    expect(hanger?.lastError?.message).toBe('timed out after 50 ms');
    // The one that never settles holds one event, and every later one waits behind it.
    expect(stuck?.succeeded).toBe(0);
    expect(stuck?.queued).toBeGreaterThan(100);
  });

  it('hear the dispatch protocol when they name its tract: an audit sink', async () => {
    const ok = await h.engine.submit(greeting(7));
    const failed = await h.engine.submit(divide);
    if (!ok.ok || !failed.ok) throw new Error('refused');
    await h.engine.whenQuiet();
    const of = (thread: string): string[] =>
      heard('audit')
        .filter((x) => x.thread === thread)
        .map((x) => `${x.type.replace('dispatch.', '')} ${x.key}`);
    await until('the audit heard both threads end', () =>
      of(ok.threadId).some((x) => x.startsWith('thread-complete')) &&
      of(failed.threadId).some((x) => x.startsWith('thread-complete'))
        ? true
        : undefined,
    );
    // The greeter forwards to the shouter, whose reply comes back to the greeter, which answers outside
    // (egress). A handler's outputs are recorded with its acknowledgement, not as intents of their own.
    expect(of(ok.threadId)).toEqual([
      'intent greeter',
      'dispatched greeter',
      'acknowledged greeter → shouter',
      'dispatched shouter',
      'acknowledged shouter → greeter',
      'dispatched greeter',
      'acknowledged greeter → t',
      'thread-complete completed',
    ]);
    expect(of(failed.threadId)).toContain('failed tools.calculator HANDLER_ERROR');
    expect(of(failed.threadId).at(-1)).toBe('thread-complete failed');
    // (*, *) never hears the dispatch protocol.
    expect(heard('matcher').filter((x) => x.type.startsWith('dispatch.'))).toEqual([]);
  });

  it('report a module that fails to load, and run the others', async () => {
    const list = await (await h.client('viewer')).extensions.list.query();
    expect(list.map((e) => e.name)).toEqual([
      'audit',
      'broken',
      'failure-notifier',
      'matcher',
      'unruly',
      'with-router',
    ]);
    expect(list.find((e) => e.name === 'broken')).toMatchObject({
      file: 'extensions/broken.mjs',
      error: 'its module failed to load: cannot start',
      handlers: [],
    });
  });

  it('are found again on reload: one added runs, one removed stops', async () => {
    const events: EngineEvent[] = [];
    const off = h.engine.on('diagnostic', (e) => void events.push(e));
    write('extensions/late.ts', recorder('late', `  ext.onEvent('thread', 'completed', heard('late'));`));
    rmSync(join(dir, 'extensions/matcher.ts'));
    expect((await h.engine.reload('test')).ok).toBe(true);
    off();
    // The removed one heard the reload itself (it ran until then); nothing after it.
    g.__heard = [];
    const names = (await (await h.client('viewer')).extensions.list.query()).map((e) => e.name);
    expect(names).toEqual(['audit', 'broken', 'failure-notifier', 'late', 'unruly', 'with-router']);
    expect(events.map((e) => e.type === 'diagnostic' && e.code)).toEqual(['EXTENSION_FAILED']);
    await h.engine.submit(greeting(1));
    await h.engine.whenQuiet();
    await until('late heard it', () => (heard('late').length > 0 ? true : undefined));
    expect(heard('matcher')).toEqual([]);
  });
});
