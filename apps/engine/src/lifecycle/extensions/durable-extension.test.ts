import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { until } from '../../../test/support/until.ts';
import { delivery } from '../../journal/contract/fixtures.ts';
import { MemoryExtensionStore } from '../../journal/extensions/extension-store.ts';
import type { ExtensionStore } from '../../journal/extensions/extension-store.ts';
import { MemoryJournal } from '../../journal/memory/memory-journal.ts';
import { DurableExtension, READ_EVERY_MS } from './durable-extension.ts';
import type { Route } from './extension-api.ts';

const quiet = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, fatal() {} };

/** A memory store that counts what it is asked, by method. */
function counting(): { store: ExtensionStore; asked: Map<string, number> } {
  const asked = new Map<string, number>();
  const inner = new MemoryExtensionStore();
  const store = new Proxy(inner, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        asked.set(String(name), (asked.get(String(name)) ?? 0) + 1);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { store, asked };
}

/** Sends one message through the journal's hooks to its acknowledgement: three commits. */
async function oneMessage(j: MemoryJournal): Promise<void> {
  const d = delivery({ from: 'client', to: 'greeter' });
  await j.hooks.onIntent?.([d]);
  await j.hooks.onDispatched?.(d);
  await j.hooks.onAcknowledged?.(d, []);
}

describe('a durable extension', () => {
  it('asks for no due retry and no next one at a commit while none of its failures waits for a retry', async () => {
    const j = new MemoryJournal();
    const { store, asked } = counting();
    const heard: string[] = [];
    const routes: Route[] = [
      { tract: 'dispatch', event: '*', handler: (ctx) => void heard.push(ctx.event.type), options: {} },
    ];
    const ext = new DurableExtension('ledger', routes, j, store, quiet);
    await ext.start();
    await oneMessage(j);
    await oneMessage(j);
    await ext.settled();
    expect(heard.filter((t) => t === 'dispatch.acknowledged')).toHaveLength(2);
    expect(asked.get('due')).toBeUndefined();
    expect(asked.get('nextDue')).toBeUndefined();
    await ext.stop();
    await j.close();
  });

  it('reads the log at most every READ_EVERY_MS, what came meanwhile together, and counts its failures once a second while it changes none', async () => {
    const j = new MemoryJournal();
    let reads = 0;
    const journal: ConstructorParameters<typeof DurableExtension>[2] = {
      recordedTransitions: (afterSeq, limit) => {
        reads++;
        return j.recordedTransitions(afterSeq, limit);
      },
      headSeq: () => j.headSeq(),
      watchWrites: (watcher) => j.watchWrites(watcher),
    };
    const { store, asked } = counting();
    const heard: string[] = [];
    const routes: Route[] = [
      { tract: 'dispatch', event: '*', handler: (ctx) => void heard.push(ctx.event.type), options: {} },
    ];
    const ext = new DurableExtension('ledger', routes, journal, store, quiet);
    await ext.start();
    await ext.settled();
    const before = { reads, counts: asked.get('counts') ?? 0 };
    const t0 = performance.now();
    // Twenty messages 10 ms apart, three commits each: woken at each, it read the log twenty times.
    for (let i = 0; i < 20; i++) {
      await oneMessage(j);
      await new Promise((r) => setTimeout(r, 10));
    }
    await ext.settled();
    const elapsed = performance.now() - t0;
    expect(heard.filter((t) => t === 'dispatch.acknowledged')).toHaveLength(20);
    expect(reads - before.reads).toBeLessThanOrEqual(2 + Math.ceil(elapsed / READ_EVERY_MS));
    expect(reads - before.reads).toBeLessThan(20);
    expect((asked.get('counts') ?? 0) - before.counts).toBeLessThanOrEqual(1 + Math.ceil(elapsed / 1_000));
    await ext.stop();
    await j.close();
  });

  it('writes its cursor at most every quarter second, the rest once the log is quiet, and where it stops', async () => {
    const j = new MemoryJournal();
    const { store, asked } = counting();
    const routes: Route[] = [{ tract: 'dispatch', event: '*', handler: () => {}, options: {} }];
    const ext = new DurableExtension('ledger', routes, j, store, quiet);
    await ext.start();
    // The first start writes where it begins (the log's head).
    expect(asked.get('setCursor')).toBe(1);
    const t0 = performance.now();
    // Ten messages, the extension hearing each before the next: it was woken at each.
    for (let i = 0; i < 10; i++) {
      await oneMessage(j);
      await ext.settled();
    }
    const elapsed = performance.now() - t0;
    // Written once a quarter second at most (and once more just after), not at each wake.
    expect((asked.get('setCursor') ?? 0) - 1).toBeLessThanOrEqual(1 + Math.ceil(elapsed / 250));
    // With nothing new to read, the last move is written a quarter second after the write before it.
    const head = await j.headSeq();
    await until(
      'the cursor written',
      async () => ((await store.cursor('ledger')) === head ? true : undefined),
      3_000,
    );
    // Stopped right after a move: written as it stops, so a reload's successor starts there.
    await oneMessage(j);
    await ext.settled();
    await ext.stop();
    expect(await store.cursor('ledger')).toBe(await j.headSeq());
    await j.close();
  });

  it('runs a failure waiting when it starts, then stops asking once none is left waiting', async () => {
    const j = new MemoryJournal();
    const { store, asked } = counting();
    const now = Date.now();
    // A failure of a handler the extension no longer registers: its retry makes it a dead letter.
    await store.addFailure({
      id: 'f1',
      extension: 'ledger',
      handler: 'dispatch.failed#0',
      seq: 1,
      event: '{}',
      attempts: 1,
      lastError: 'boom',
      nextAt: now,
      createdAt: now,
      updatedAt: now,
    });
    const routes: Route[] = [{ tract: 'dispatch', event: 'acknowledged', handler: () => {}, options: {} }];
    const ext = new DurableExtension('ledger', routes, j, store, quiet);
    await ext.start();
    await ext.settled();
    expect(asked.get('due')).toBe(1);
    expect((await store.get('f1'))?.nextAt).toBeNull();
    expect(await ext.state()).toMatchObject({ retrying: 0, dead: 1 });
    await oneMessage(j);
    await ext.settled();
    expect(asked.get('due')).toBe(1);
    expect(asked.get('nextDue')).toBeUndefined();
    // An operator's retry gives it a fresh set of attempts: it is asked for, and run, again.
    expect(await ext.retryDead()).toBe(1);
    await ext.settled();
    expect(asked.get('due')).toBe(2);
    await ext.stop();
    await j.close();
  });
});
