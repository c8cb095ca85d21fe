import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Log } from '@organism/shared';
import { describe, expect, it } from 'vitest';
import { EngineEvents } from '../../pump/engine-events.ts';
import { ExtensionHost } from './extension-host.ts';
import { tractOf } from './extension-api.ts';

const quiet: Log = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  debug: () => undefined,
};

function organismWith(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'organism-ext-host-'));
  mkdirSync(join(dir, 'extensions'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

describe('ExtensionHost', () => {
  it('starts the handlers of one event in order: exact, (tract, *), (*, event), (*, *)', async () => {
    const order: string[] = [];
    (globalThis as unknown as { __order: string[] }).__order = order;
    const dir = organismWith({
      'extensions/order.mjs': `export default (ext) => {
  for (const [t, e] of [['*', '*'], ['*', 'failed'], ['thread', '*'], ['thread', 'failed'], ['thread', 'created']])
    ext.onEvent(t, e, () => { globalThis.__order.push(t + '.' + e); });
};`,
    });
    const events = new EngineEvents(quiet);
    const host = new ExtensionHost(events, quiet);
    await host.load(dir, []);
    events.emit(() => ({ type: 'thread.failed', at: 1, threadId: 't' }));
    await new Promise((r) => setTimeout(r, 50));
    expect(order).toEqual(['thread.failed', 'thread.*', '*.failed', '*.*']);
    await host.stop();
  });

  it('does not subscribe to engine events while no handler is registered', async () => {
    const events = new EngineEvents(quiet);
    const host = new ExtensionHost(events, quiet);
    await host.load(organismWith({ 'extensions/empty.mjs': 'export default () => {};' }), []);
    expect(events.active).toBe(false);
    expect(await host.list()).toEqual([
      { name: 'empty', file: 'extensions/empty.mjs', error: null, handlers: [], durable: null },
    ]);
  });

  it('refuses an unknown tract, a module outside the folder and one without a register function', async () => {
    const dir = organismWith({
      'extensions/typo.mjs': `export default (ext) => ext.onEvent('mesage', 'failed', () => {});`,
      'extensions/plain.mjs': 'export const x = 1;',
    });
    const outside = join(mkdtempSync(join(tmpdir(), 'organism-ext-outside-')), 'out.mjs');
    writeFileSync(outside, 'export default () => {};');
    const host = new ExtensionHost(new EngineEvents(quiet), quiet);
    await host.load(dir, [outside]);
    expect((await host.list()).map((e) => [e.name, e.error])).toEqual([
      ['out', `its module is outside the organism folder ${dir}`],
      ['plain', 'its module has no default export made with defineExtension (or a register function)'],
      [
        'typo',
        'unknown tract "mesage" (tracts: message, thread, listener, journal, organism, dispatch, or *)',
      ],
    ]);
  });

  it('keeps at most 1,000 events waiting per handler and counts the ones it drops', async () => {
    const dir = organismWith({
      'extensions/stuck.mjs': `export default (ext) => ext.onEvent('thread', 'created', () => new Promise(() => {}));`,
    });
    const events = new EngineEvents(quiet);
    const host = new ExtensionHost(events, quiet);
    await host.load(dir, []);
    for (let i = 0; i < 1_010; i++) events.emit(() => ({ type: 'thread.created', at: i, threadId: 't' }));
    await new Promise((r) => setTimeout(r, 20));
    expect((await host.list())[0]?.handlers[0]).toMatchObject({ dropped: 10, queued: 999, succeeded: 0 });
    await host.stop();
  });

  it('counts every failure but logs a failing handler at most once in 5 seconds', async () => {
    const lines: string[] = [];
    const log = { ...quiet, error: (_: unknown, msg: string) => void lines.push(msg) } as unknown as Log;
    const dir = organismWith({
      'extensions/thrower.mjs': `export default (ext) => ext.onEvent('thread', 'created', () => { throw new Error('no'); });`,
    });
    const events = new EngineEvents(quiet);
    const host = new ExtensionHost(events, log);
    await host.load(dir, []);
    for (let i = 0; i < 10; i++) events.emit(() => ({ type: 'thread.created', at: i, threadId: 't' }));
    await new Promise((r) => setTimeout(r, 50));
    expect((await host.list())[0]?.handlers[0]).toMatchObject({ failed: 10, lastError: { message: 'no' } });
    expect(lines).toEqual([
      'extension thrower: handler for thread.created failed on thread.created after 1 attempt(s)',
    ]);
    await host.stop();
  });

  it('adds dispatch hooks only while a handler names the dispatch tract, which * does not include', async () => {
    const added: unknown[] = [];
    let removed = 0;
    const addHooks = (hooks: unknown): (() => void) => {
      added.push(hooks);
      return () => void removed++;
    };
    const events = new EngineEvents(quiet);
    const host = new ExtensionHost(events, quiet, addHooks);
    const all = organismWith({
      'extensions/all.mjs': `export default (ext) => ext.onEvent('*', '*', () => {});`,
    });
    await host.load(all, []);
    expect(added).toHaveLength(0);
    const audit = organismWith({
      'extensions/audit.mjs': `export default (ext) => ext.onEvent('dispatch', '*', () => {});`,
    });
    await host.load(audit, []);
    expect(added).toHaveLength(1);
    // Only dispatch handlers now: nothing listens to the engine's events.
    expect(events.active).toBe(false);
    await host.load(all, []);
    expect(removed).toBe(1);
    await host.stop();
  });

  it('names every engine event by tract and event', () => {
    expect(tractOf('message.failed')).toEqual({ tract: 'message', event: 'failed' });
    expect(tractOf('journal.unavailable')).toEqual({ tract: 'journal', event: 'unavailable' });
    expect(tractOf('reload')).toEqual({ tract: 'organism', event: 'reload' });
    expect(tractOf('drain')).toEqual({ tract: 'organism', event: 'drain' });
  });
});
