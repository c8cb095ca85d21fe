import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { EngineEvent } from '@organism/shared';
import { SqliteJournal } from '../../src/journal/sqlite/sqlite-journal.ts';
import type { DispatchHooks } from '../../src/pump/dispatch-hooks.ts';
import { HandlerError } from '../../src/pump/sending-context.ts';
import { envelope, makePump } from '../support/pump-harness.ts';
import type { Harness } from '../support/pump-harness.ts';
import { fillJournal } from '../support/journal-faults.ts';

let h: Harness | undefined;
const floating: unknown[] = [];
const onUnhandled = (reason: unknown): void => void floating.push(reason);
beforeEach(() => {
  floating.length = 0;
  process.on('unhandledRejection', onUnhandled);
  vi.spyOn(console, 'error').mockImplementation(() => undefined);
});
afterEach(() => {
  process.off('unhandledRejection', onUnhandled);
  vi.restoreAllMocks();
  h?.dispose();
  h = undefined;
});

/** Resolves to 'quiet', or to 'hung' when the pump still has open threads after `ms`. */
const quietWithin = (p: Promise<void>, ms = 2_000): Promise<'quiet' | 'hung'> =>
  Promise.race([p.then(() => 'quiet' as const), sleep(ms).then(() => 'hung' as const)]);

describe('engine event subscribers', () => {
  it('catches a subscriber that throws or rejects; the pump and other subscribers go on', async () => {
    h = makePump([{ name: 'echo', root: 'ping', handler: () => '<ping/>' }]);
    h.pump.events.on('*', () => {
      throw new Error('subscriber threw');
    });
    h.pump.events.on('message.received', () => Promise.reject(new Error('subscriber rejected')));
    h.pump.events.on('*', async () => {
      await sleep(1);
      throw new Error('subscriber rejected later');
    });
    const seen: EngineEvent['type'][] = [];
    h.pump.events.on('*', (e) => void seen.push(e.type));

    const res = await h.pump.submit(envelope('<ping/>', { from: 'c', to: 'echo' }));
    expect(res.ok).toBe(true);
    expect(await quietWithin(h.pump.whenQuiet())).toBe('quiet');
    await sleep(20);

    expect(seen).toContain('message.received');
    expect(seen).toContain('thread.completed');
    expect(floating).toEqual([]);
    const logged = vi.mocked(console.error).mock.calls.map((c) => String(c[0]));
    expect(logged.some((l) => l.includes('engine event subscriber failed on message.received'))).toBe(true);
  });
});

/** Hooks whose every call fails, synchronously or with a rejected promise; onIntent works. */
function brokenHooks(how: 'throws' | 'rejects'): DispatchHooks {
  const fail = (name: string): (() => Promise<void>) => {
    return () => {
      const err = new Error(`${name} broke`);
      if (how === 'throws') throw err;
      return Promise.reject(err);
    };
  };
  const names = ['onDispatched', 'onAcknowledged', 'onFailed', 'onRejected', 'onThreadComplete'];
  // Even the hooks typed as returning nothing get a rejecting promise: a misbehaving hook may do that.
  return Object.fromEntries(names.map((n) => [n, fail(n)]));
}

describe('dispatch hooks that fail', () => {
  for (const how of ['throws', 'rejects'] as const) {
    it(`settles every thread and leaves nothing floating when each hook ${how}`, async () => {
      h = makePump([
        { name: 'echo', root: 'ping', handler: () => '<ping/>' },
        {
          name: 'fails',
          root: 'job',
          handler: () => {
            throw new HandlerError('no', { retryable: false });
          },
        },
        { name: 'retries', root: 'work', maxAttempts: 2, handler: () => Promise.reject(new Error('again')) },
      ]);
      h.pump.addHooks(brokenHooks(how));
      const results = await Promise.all([
        h.pump.submit(envelope('<ping/>', { from: 'c', to: 'echo' })),
        h.pump.submit(envelope('<job/>', { from: 'c', to: 'fails' })),
        h.pump.submit(envelope('<work/>', { from: 'c', to: 'retries' })),
        h.pump.submit('<not-xml'),
      ]);
      expect(results.map((r) => r.ok)).toEqual([true, true, true, false]);
      expect(await quietWithin(h.pump.whenQuiet())).toBe('quiet');
      await sleep(20);
      expect(floating).toEqual([]);
      expect(h.pump.stats()).toEqual({ queued: 0, inFlight: 0, openThreads: 0 });
    });
  }

  it('refuses intake with JOURNAL_UNAVAILABLE when onIntent fails, and wakes whenQuiet', async () => {
    h = makePump([{ name: 'echo', root: 'ping', handler: () => undefined }]);
    h.pump.addHooks({ onIntent: () => sleep(10).then(() => Promise.reject(new Error('disk on fire'))) });
    const submitted = h.pump.submit(envelope('<ping/>', { from: 'c', to: 'echo' }));
    const quiet = h.pump.whenQuiet();
    const res = await submitted;
    expect(res.ok || res.error.code).toBe('JOURNAL_UNAVAILABLE');
    expect(await quietWithin(quiet)).toBe('quiet');
    expect(floating).toEqual([]);
  });
});

describe('a start that must be durable first (onDispatched returns a promise)', () => {
  it('runs the handler only once the promise resolves', async () => {
    const ran: string[] = [];
    h = makePump([{ name: 'echo', root: 'ping', handler: () => void ran.push('handler') }]);
    let release = (): void => {};
    h.pump.addHooks({
      onDispatched: () =>
        new Promise<void>((resolve) => {
          ran.push('start');
          release = () => {
            ran.push('committed');
            resolve();
          };
        }),
    });
    expect((await h.pump.submit(envelope('<ping/>', { from: 'c', to: 'echo' }))).ok).toBe(true);
    await sleep(30);
    expect(ran).toEqual(['start']);
    release();
    expect(await quietWithin(h.pump.whenQuiet())).toBe('quiet');
    expect(ran).toEqual(['start', 'committed', 'handler']);
  });

  it('never runs the handler when the start cannot be recorded, reports it, and settles the thread', async () => {
    let ran = 0;
    h = makePump([{ name: 'echo', root: 'ping', handler: () => void ran++ }]);
    h.pump.addHooks({ onDispatched: () => Promise.reject(new Error('journal down')) });
    expect((await h.pump.submit(envelope('<ping/>', { from: 'c', to: 'echo' }))).ok).toBe(true);
    expect(await quietWithin(h.pump.whenQuiet())).toBe('quiet');
    expect(ran).toBe(0);
    expect(h.rec.acked).toEqual([]);
    expect(h.rec.events).toContainEqual(expect.objectContaining({ code: 'OUTCOME_NOT_RECORDED' }));
    const logged = vi.mocked(console.error).mock.calls.map((c) => String(c[0]));
    expect(logged.some((l) => l.includes('dispatch hook onDispatched failed'))).toBe(true);
    expect(floating).toEqual([]);
  });

  it('does not wait for an observer that throws: the handler runs', async () => {
    let ran = 0;
    h = makePump([{ name: 'echo', root: 'ping', handler: () => void ran++ }]);
    h.pump.addHooks({
      onDispatched: () => {
        throw new Error('observer broke');
      },
    });
    await h.pump.submit(envelope('<ping/>', { from: 'c', to: 'echo' }));
    expect(await quietWithin(h.pump.whenQuiet())).toBe('quiet');
    expect(ran).toBe(1);
    expect(h.rec.acked).toHaveLength(1);
  });
});

describe("a fault while processing a handler's outputs", () => {
  it('fails the delivery instead of escaping the dispatcher', async () => {
    // `to` whose serialisation throws: the route step's error message is built from it.
    const evil = {
      toJSON: () => {
        throw new Error('evil address');
      },
    } as unknown as string;
    h = makePump([{ name: 'odd', root: 'job', handler: (_p, ctx) => ctx.forward(evil, '<job/>') }]);
    const res = await h.pump.submit(envelope('<job/>', { from: 'c', to: 'odd' }));
    expect(res.ok).toBe(true);
    expect(await quietWithin(h.pump.whenQuiet())).toBe('quiet');
    await sleep(20);
    expect(floating).toEqual([]);
    expect(h.rec.failed.map((f) => f.delivery.to)).toEqual(['odd']);
  });
});

describe('a journal that cannot record a failure', () => {
  it('still settles the thread (whenQuiet resolves) and keeps the entry for the next boot', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'organism-failpath-')), 'journal.sqlite');
    const journal = new SqliteJournal({ path, durability: 'fast' });
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    h = makePump([
      {
        name: 'fails',
        root: 'job',
        handler: async () => {
          await gate;
          // A detail this long needs new pages in the journal, which it no longer has.
          throw new HandlerError(`broken: ${'x'.repeat(40_000)}`, { retryable: false });
        },
      },
    ]);
    h.pump.addHooks(journal.hooks);
    const res = await h.pump.submit(envelope('<job/>', { from: 'c', to: 'fails' }));
    if (!res.ok) throw new Error(res.error.message);
    await journal.flush();

    const restore = fillJournal(journal.database.sqlite);
    release();
    expect(await quietWithin(h.pump.whenQuiet())).toBe('quiet');
    await sleep(20);
    expect(floating).toEqual([]);
    restore();
    await journal.close();

    const reopened = new SqliteJournal({ path, durability: 'fast' });
    const unfinished = await reopened.unfinished();
    expect(unfinished.map((u) => u.delivery.id)).toEqual(res.messageIds);
    await reopened.close();
  });
});
