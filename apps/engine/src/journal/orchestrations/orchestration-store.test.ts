import { describe, expect, it } from 'vitest';
import { storeMakers } from '../store-makers.ts';
import { MemoryOrchestrationStore, SqliteOrchestrationStore } from './orchestration-store.ts';
import { PgOrchestrationStore } from './pg-orchestration-store.ts';
import type { OrchestrationRow, OrchestrationStore } from './orchestration-store.ts';

const makers = storeMakers<OrchestrationStore>(
  () => new MemoryOrchestrationStore(),
  (open) => new SqliteOrchestrationStore(open),
  (open) => new PgOrchestrationStore(open),
);

const THREAD = '3f2b8c1e-9d4a-4b7e-8c2f-1a2b3c4d5e6f';

function run(over: Partial<OrchestrationRow>): OrchestrationRow {
  return {
    id: 'r1',
    kind: 'sequence',
    threadId: THREAD,
    spec: '{}',
    state: '{}',
    status: 'running',
    deadline: null,
    createdAt: 1_000,
    updatedAt: 1_000,
    ...over,
  };
}

describe.each(makers)('the %s orchestration store', (_name, make) => {
  it('keeps a run, updates it in place, and lists the running ones and a thread’s, oldest first', async () => {
    const store = await make();
    await store.put(run({ id: 'b', createdAt: 2_000 }));
    await store.put(run({ id: 'a', createdAt: 1_000, kind: 'buffer' }));
    await store.put(run({ id: 'c', createdAt: 3_000, threadId: 'another' }));
    await store.put(run({ id: 'b', createdAt: 2_000, status: 'done', state: '{"step":2}' }));
    expect(await store.get('b')).toMatchObject({ status: 'done', state: '{"step":2}' });
    expect(await store.get('missing')).toBeUndefined();
    expect((await store.running()).map((r) => r.id)).toEqual(['a', 'c']);
    expect((await store.ofThread(THREAD)).map((r) => r.id)).toEqual(['a', 'b']);
  });

  it('forgets runs that ended before the cutoff, never one still running', async () => {
    const store = await make();
    await store.put(run({ id: 'old-done', status: 'done', updatedAt: 1_000 }));
    await store.put(run({ id: 'new-done', status: 'done', updatedAt: 5_000 }));
    await store.put(run({ id: 'old-running', status: 'running', updatedAt: 1_000 }));
    expect(await store.prune(3_000)).toBe(1);
    expect(await store.get('old-done')).toBeUndefined();
    expect(await store.get('new-done')).toBeDefined();
    expect(await store.get('old-running')).toBeDefined();
    expect(await store.prune(3_000)).toBe(0);
  });
});
