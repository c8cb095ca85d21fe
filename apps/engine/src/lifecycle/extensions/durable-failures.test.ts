import { describe, expect, it } from 'vitest';
import { delivery } from '../../journal/contract/fixtures.ts';
import { MemoryExtensionStore } from '../../journal/extensions/extension-store.ts';
import { DurableFailures } from './durable-failures.ts';
import type { DueFailure } from './durable-failures.ts';
import type { DispatchEvent } from './extension-api.ts';

const event: DispatchEvent = { type: 'dispatch.dispatched', at: 1, delivery: delivery({ to: 'greeter' }) };
const twice = { maxAttempts: 2, initialDelayMs: 0, maxDelayMs: 0 };

/** Runs every failure due now through `run`, and returns what it was handed. */
async function runDue(failures: DurableFailures, run: (due: DueFailure) => Promise<void>) {
  const handed: DueFailure[] = [];
  await failures.runDue(
    (due) => {
      handed.push(due);
      return run(due);
    },
    () => false,
  );
  return handed;
}

describe("a durable extension's failures", () => {
  it('are due again after their backoff until their attempts are spent, then dead letters an operator revives', async () => {
    const failures = new DurableFailures(new MemoryExtensionStore(), 'ledger');
    expect(await failures.add('dispatch.*#0', twice, 7, event, new Error('disk full'))).toBe(false);
    await failures.recountIfStale();
    expect(failures.counts).toEqual({ retrying: 1, dead: 0 });
    expect(await failures.nextDue()).toBeLessThanOrEqual(Date.now());

    const [due] = await runDue(failures, async ({ failure }) => {
      expect(await failures.failedAgain(failure, 2, 'still full', twice)).toBe(true);
    });
    expect(due?.event).toEqual(event);
    expect(due?.failure).toMatchObject({ seq: 7, attempts: 1, lastError: 'disk full' });
    await failures.recountIfStale();
    expect(failures.counts).toEqual({ retrying: 0, dead: 1 });
    expect(await failures.nextDue()).toBeUndefined();
    const [dead] = await failures.list(10);
    expect(dead).toMatchObject({
      seq: 7,
      type: 'dispatch.dispatched',
      attempts: 2,
      lastError: 'still full',
      nextAt: null,
    });

    expect(await failures.retryDead()).toBe(1);
    expect(failures.counts).toEqual({ retrying: 1, dead: 0 });
    const [revived] = await runDue(failures, ({ failure }) => failures.succeeded(failure));
    expect(revived?.failure.attempts).toBe(0);
    await failures.recountIfStale();
    expect(failures.counts).toEqual({ retrying: 0, dead: 0 });
    expect(await failures.list(10)).toEqual([]);
  });

  it('are dead letters at once when their policy allows one attempt, or their handler is gone (their attempts kept)', async () => {
    const failures = new DurableFailures(new MemoryExtensionStore(), 'ledger');
    expect(await failures.add('a#0', { ...twice, maxAttempts: 1 }, 1, event, 'no')).toBe(true);
    expect(await failures.add('b#0', twice, 2, event, 'no')).toBe(false);
    // Run only while some wait, as last counted: counted once this extension added them.
    await failures.recountIfStale();
    await runDue(failures, async ({ failure }) => {
      expect(await failures.failedAgain(failure, failure.attempts, 'no handler b#0')).toBe(true);
    });
    await failures.recount();
    expect(failures.counts).toEqual({ retrying: 0, dead: 2 });
    expect((await failures.list(10)).map((f) => [f.handler, f.attempts, f.lastError])).toEqual([
      ['a#0', 1, 'no'],
      ['b#0', 1, 'no handler b#0'],
    ]);
  });

  it("are counted again when this extension changed them or a second has passed, and never touch another extension's", async () => {
    const store = new MemoryExtensionStore();
    const mine = new DurableFailures(store, 'ledger');
    const theirs = new DurableFailures(store, 'audit');
    await mine.recount();
    await theirs.add('x#0', twice, 3, event, 'no');
    await theirs.add('y#0', twice, 4, event, 'no');
    const [id] = (await theirs.list(1)).map((f) => f.id);
    // Another extension's failure is no failure of this one: not retried, not discarded.
    expect(await mine.retry(id ?? '')).toBe(false);
    expect(await mine.discard(id ?? '')).toBe(false);
    await theirs.recountIfStale();
    expect(theirs.counts).toEqual({ retrying: 2, dead: 0 });
    // Unchanged by it and counted a moment ago: not counted again until a second has passed.
    await store.removeFailure(id ?? '');
    await theirs.recountIfStale();
    expect(theirs.counts.retrying).toBe(2);
    expect(await theirs.discard((await theirs.list(1))[0]?.id ?? '')).toBe(true);
    expect(theirs.counts).toEqual({ retrying: 0, dead: 0 });
  });
});
