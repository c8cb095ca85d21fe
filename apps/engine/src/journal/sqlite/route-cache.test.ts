import { describe, expect, it } from 'vitest';
import type { RoutedTransition } from '@organism/shared';
import { delivery, failure } from '../contract/fixtures.ts';
import type { RecordedTransition } from '../journal.ts';
import { RouteCache } from './route-cache.ts';
import { SqliteJournal } from './sqlite-journal.ts';
import { tempJournalPaths } from './temp-journal-paths.ts';

const path = tempJournalPaths('organism-routes-');

/** What the stream sends of a row read joined to its entry (recordedTransitions joins in SQL). */
const routedPart = (r: RecordedTransition): RoutedTransition => {
  const { seq, messageId, threadId, state, attempt, errorCode, detail, at, from, to, root, kind } = r;
  return { seq, messageId, threadId, state, attempt, errorCode, detail, at, from, to, root, kind };
};

/** Writes `n` deliveries, each acknowledged, one failed and discarded, and a refused input. */
async function traffic(j: SqliteJournal, n: number): Promise<void> {
  const ds = Array.from({ length: n }, (_, i) =>
    delivery({
      from: `p${i % 3}`,
      to: `l${i % 5}`,
      root: `{urn:t}r${i % 2}`,
      kind: i % 2 ? 'reply' : 'ingress',
    }),
  );
  await j.hooks.onIntent?.(ds);
  for (const d of ds.slice(1)) void j.hooks.onDispatched?.(d);
  for (const d of ds.slice(1)) void j.hooks.onAcknowledged?.(d, []);
  await j.flush();
  const [gone] = ds;
  if (gone) {
    await j.hooks.onFailed?.(gone, failure, { outputs: [] });
    await j.discard(gone.id);
  }
  j.hooks.onRejected?.({ raw: '<oops', error: { code: 'MALFORMED_XML', message: 'bad', problems: [] } });
  await j.flush();
}

describe('the event stream’s reads of transitions with their routes', () => {
  it('give what the join gives: from the routes just written, a few read by id, or many joined', async () => {
    const file = path();
    const j = new SqliteJournal({ path: file, durability: 'fast', writerThread: 'never' });
    await traffic(j, 40);
    // Every route in the cache; the discarded entry's transitions have none.
    const cached = await j.routedTransitions(0, 1_000);
    expect(cached).toEqual((await j.recordedTransitions(0, 1_000)).map(routedPart));
    expect(cached.filter((t) => t.kind === '').map((t) => t.state)).toEqual([
      'PENDING',
      'FAILED',
      'DISCARDED',
    ]);
    expect(new Set(cached.map((t) => t.to))).toEqual(new Set(['l1', 'l2', 'l3', 'l4', 'l0', null]));
    await j.close();

    // Reopened: nothing cached. A page of many entries missing is read joined (121 rows, 41 entries); a
    // page of a few is read by id.
    const again = new SqliteJournal({ path: file, durability: 'fast', writerThread: 'never' });
    expect(cached).toHaveLength(121);
    expect(await again.routedTransitions(0, 1_000)).toEqual(cached);
    expect(await again.routedTransitions(0, 10)).toEqual(cached.slice(0, 10));
    expect(await again.routedTransitions(0, 1_000)).toEqual(cached);
    // Then new entries are cached again, alongside the old read from the table.
    await traffic(again, 50);
    expect(await again.routedTransitions(0, 1_000)).toEqual(
      (await again.recordedTransitions(0, 1_000)).map(routedPart),
    );
    await again.close();
  });

  it('keeps two generations of routes: the oldest go when the young one fills again', () => {
    const routes = new RouteCache(2);
    const row = (id: string) => ({ id, from: 'a', to: id, root: 'r', kind: 'ingress' });
    for (const id of ['1', '2', '3']) routes.add(row(id));
    expect(routes.get('1')?.to).toBe('1');
    routes.add(row('4'));
    routes.add(row('5'));
    expect(routes.get('1')).toBeUndefined();
    expect(routes.get('2')).toBeUndefined();
    expect([routes.get('3')?.to, routes.get('4')?.to, routes.get('5')?.to]).toEqual(['3', '4', '5']);
    routes.drop('4');
    expect(routes.get('4')).toBeUndefined();
  });
});
