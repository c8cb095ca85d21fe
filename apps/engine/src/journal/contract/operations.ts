/** The journal contract's operations: an operator's actions on dead letters, and retention. */
import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import type { Journal } from '../journal.ts';
import { clock, delivery, failure } from './fixtures.ts';

export function operationsContract(fresh: () => Promise<Journal>): void {
  it('retries a dead letter and refuses what is not one', async () => {
    const j = await fresh();
    const d = delivery();
    await j.hooks.onIntent?.([d]);
    void j.hooks.onDispatched?.(d);
    await expect(j.retry(d.id)).rejects.toMatchObject({ code: 'NOT_RETRYABLE' });
    await j.hooks.onFailed?.(d, failure, { outputs: [] });
    const again = await j.retry(d.id);
    expect(again).toMatchObject({ id: d.id, attempt: 2, to: 'greeter' });
    expect(await j.getMessage(d.id)).toMatchObject({ state: 'PENDING', attempts: 1 });
    // A PENDING is logged with the attempt it waits for: the retry's, as its delivery carries it.
    void j.hooks.onDispatched?.(again);
    await j.hooks.onFailed?.(again, failure, { retryAt: clock + 1_000, outputs: [] });
    const logged = (await j.getMessage(d.id))?.transitions.map((t) => `${t.state}:${t.attempt}`);
    expect(logged).toEqual([
      'PENDING:1',
      'DISPATCHED:1',
      'FAILED:1',
      'PENDING:2',
      'DISPATCHED:2',
      'FAILED:2',
      'PENDING:3',
    ]);
    expect(await j.getMessage(d.id)).toMatchObject({ state: 'PENDING', attempts: 2 });
    const [back] = await j.unfinished();
    expect(back?.delivery).toMatchObject({ id: d.id, attempt: 3 });
    await expect(j.retry(randomUUID())).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await j.close();
  });

  it('says who retried or discarded a dead letter on its transition, never on the entry', async () => {
    const j = await fresh();
    const [one, two, three, four] = [delivery(), delivery(), delivery(), delivery()];
    await j.hooks.onIntent?.([one, two, three, four]);
    for (const d of [one, two, three, four]) await j.hooks.onFailed?.(d, failure, { outputs: [] });
    const last = async (id: string) =>
      (await j.transitions(0, 1_000)).filter((t) => t.messageId === id).at(-1);
    await j.retry(one.id, 'retried by jane');
    expect(await last(one.id)).toMatchObject({
      state: 'PENDING',
      errorCode: null,
      detail: 'retried by jane',
    });
    expect(await j.getMessage(one.id)).toMatchObject({
      state: 'PENDING',
      errorCode: null,
      errorDetail: null,
    });
    await j.discard(two.id, 'discarded by jane');
    expect(await last(two.id)).toMatchObject({ state: 'DISCARDED', detail: 'discarded by jane' });
    const many = await j.retryMany(
      { to: three.to },
      { dryRun: false, note: 'retried by ann in a bulk retry' },
    );
    expect(many.deliveries.map((d) => d.id)).toEqual([three.id, four.id]);
    expect(await last(four.id)).toMatchObject({ state: 'PENDING', detail: 'retried by ann in a bulk retry' });
    for (const d of many.deliveries) {
      void j.hooks.onDispatched?.(d);
      await j.hooks.onFailed?.(d, failure, { outputs: [] });
    }
    // Without a note, nothing is said.
    await j.retry(four.id);
    expect(await last(four.id)).toMatchObject({ state: 'PENDING', detail: null });
    await j.discardMany({}, { dryRun: false, note: 'discarded by ann in a bulk discard' });
    const discarded = { state: 'DISCARDED', detail: 'discarded by ann in a bulk discard' };
    expect(await last(three.id)).toMatchObject(discarded);
    await j.close();
  });

  it('retries or discards a dead letter once when operators act on it at the same time', async () => {
    const j = await fresh();
    const [a, b] = [delivery(), delivery()];
    const many = Array.from({ length: 6 }, () => delivery());
    await j.hooks.onIntent?.([a, b, ...many]);
    for (const d of [a, b, ...many]) await j.hooks.onFailed?.(d, failure, { outputs: [] });
    const discardedOf = async (id: string) =>
      (await j.transitions(0, 1_000)).filter((t) => t.messageId === id && t.state === 'DISCARDED').length;
    // Two retries and a discard of one dead letter: one acts, the others are refused. A second retry
    // would deliver it twice; a discard after a retry would delete what is being delivered.
    const onA = await Promise.allSettled([j.retry(a.id), j.retry(a.id), j.discard(a.id)]);
    expect(onA.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    // A retry refused is NOT_RETRYABLE (NOT_FOUND once discarded); a discard refused, CONFLICT.
    onA.forEach((r, i) => {
      if (r.status === 'rejected')
        expect(i < 2 ? ['NOT_RETRYABLE', 'NOT_FOUND'] : ['CONFLICT']).toContain(
          (r.reason as { code?: string }).code,
        );
    });
    const retried = onA[2].status === 'rejected';
    expect((await j.getMessage(a.id))?.state).toBe(retried ? 'PENDING' : undefined);
    expect(await discardedOf(a.id)).toBe(retried ? 0 : 1);
    // Two discards of one: one removes it and logs it, the other is refused.
    const onB = await Promise.allSettled([j.discard(b.id), j.discard(b.id)]);
    expect(onB.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(await discardedOf(b.id)).toBe(1);
    // Bulk actions at once over the same dead letters take each once between them.
    const ids = new Set(many.map((d) => d.id));
    const [r1, r2, d1] = await Promise.all([
      j.retryMany({}, { dryRun: false }),
      j.retryMany({}, { dryRun: false }),
      j.discardMany({}, { dryRun: false }),
    ]);
    const taken = [...r1.deliveries, ...r2.deliveries].map((d) => d.id);
    expect(new Set(taken).size).toBe(taken.length);
    expect(taken.length + d1.count).toBe(ids.size);
    for (const id of taken) expect(await j.getMessage(id)).toMatchObject({ state: 'PENDING' });
    let discarded = 0;
    for (const id of ids) discarded += await discardedOf(id);
    expect(discarded).toBe(d1.count);
    await j.close();
  });

  it('hands the dead letters a bulk retry takes on once they are committed PENDING', async () => {
    const j = await fresh();
    const ds = Array.from({ length: 7 }, () => delivery());
    await j.hooks.onIntent?.(ds);
    for (const d of ds) await j.hooks.onFailed?.(d, failure, { outputs: [] });
    const handed: string[][] = [];
    const done = await j.retryMany({}, { dryRun: false }, async (chunk) => {
      handed.push(chunk.map((d) => d.id));
      // What is handed on is committed PENDING already; failing one again now must not bring it back
      // into this retry.
      for (const d of chunk) expect(await j.getMessage(d.id)).toMatchObject({ state: 'PENDING' });
      await j.hooks.onFailed?.({ ...chunk[0]!, attempt: chunk[0]!.attempt }, failure, { outputs: [] });
    });
    expect(done.count).toBe(7);
    expect(handed.flat()).toEqual(ds.map((d) => d.id));
    expect((await j.stats()).counts).toMatchObject({ PENDING: 7 - handed.length, FAILED: handed.length });
    await j.close();
  });

  it('previews a bulk retry on a dry run and changes nothing', async () => {
    const j = await fresh();
    const ds = Array.from({ length: 12 }, (_, i) => delivery({ to: i % 3 === 0 ? 'other' : 'greeter' }));
    await j.hooks.onIntent?.(ds);
    for (const d of ds) await j.hooks.onFailed?.(d, failure, { outputs: [] });
    const dry = await j.retryMany({ to: 'greeter' }, { dryRun: true });
    expect(dry.count).toBe(8);
    expect(dry.sample).toHaveLength(5);
    expect(dry.sample.map((m) => m.id)).toEqual(
      ds
        .filter((d) => d.to === 'greeter')
        .slice(0, 5)
        .map((d) => d.id),
    );
    expect(dry.deliveries).toEqual([]);
    expect((await j.stats()).counts.FAILED).toBe(12);
    const done = await j.retryMany({ to: 'greeter' }, { dryRun: false });
    expect(done.deliveries).toHaveLength(8);
    expect((await j.stats()).counts).toMatchObject({ FAILED: 4, PENDING: 8 });
    await j.close();
  });

  it("retries a listener's failed deliveries, not the messages it sent", async () => {
    const j = await fresh();
    const toGreeter = delivery();
    const fromGreeter = delivery({ from: 'greeter', to: 'shouter' });
    await j.hooks.onIntent?.([toGreeter, fromGreeter]);
    for (const d of [toGreeter, fromGreeter]) await j.hooks.onFailed?.(d, failure, { outputs: [] });
    const done = await j.retryMany({ to: 'greeter' }, { dryRun: false });
    expect(done.deliveries.map((d) => d.id)).toEqual([toGreeter.id]);
    expect(await j.getMessage(fromGreeter.id)).toMatchObject({ state: 'FAILED' });
    const both = await j.retryMany({ participant: 'greeter', state: 'FAILED' }, { dryRun: true });
    expect(both.sample.map((m) => m.id)).toEqual([fromGreeter.id]);
    // A key the filter does not know (the retired `listener`) is refused, never read as "everything".
    await expect(
      j.retryMany({ listener: 'greeter' } as Parameters<Journal['retryMany']>[0], { dryRun: false }),
    ).rejects.toThrow(/listener/);
    await expect(
      j.listMessages({ listener: 'greeter' } as Parameters<Journal['listMessages']>[0]),
    ).rejects.toThrow(/listener/);
    expect(await j.getMessage(fromGreeter.id)).toMatchObject({ state: 'FAILED' });
    await j.close();
  });

  it('discards a dead letter for good and logs it', async () => {
    const j = await fresh();
    const d = delivery();
    await j.hooks.onIntent?.([d]);
    await expect(j.discard(d.id)).rejects.toMatchObject({
      code: 'CONFLICT',
      message: `message ${d.id.slice(0, 8)} is PENDING now, not a dead letter: it is on its way to its listener`,
    });
    await j.hooks.onFailed?.(d, failure, { outputs: [] });
    await j.discard(d.id);
    expect(await j.getMessage(d.id)).toBeUndefined();
    const log = await j.transitions(0, 100);
    expect(log.at(-1)).toMatchObject({ messageId: d.id, state: 'DISCARDED' });
    await j.close();
  });

  it('discards many dead letters, refused input too, after a dry run that changes nothing', async () => {
    const j = await fresh();
    const toGreeter = [delivery(), delivery(), delivery()];
    const elsewhere = delivery({ to: 'shouter' });
    const pending = delivery();
    await j.hooks.onIntent?.([...toGreeter, elsewhere, pending]);
    for (const d of [...toGreeter, elsewhere]) await j.hooks.onFailed?.(d, failure, { outputs: [] });
    j.hooks.onRejected?.({
      raw: '<greeting><nom/></greeting>',
      to: 'greeter',
      error: { code: 'SCHEMA_VIOLATION', message: 'bad', problems: [] },
    });
    await j.flush();
    const dry = await j.discardMany({ to: 'greeter' }, { dryRun: true });
    expect(dry.count).toBe(4);
    expect(dry.sample.map((m) => m.id).slice(0, 3)).toEqual(toGreeter.map((d) => d.id));
    expect((await j.stats()).counts.FAILED).toBe(5);

    // Refused input alone, then the rest: each leaves what it did not match.
    const refused = await j.discardMany({ to: 'greeter', refused: true }, { dryRun: false });
    expect(refused.count).toBe(1);
    expect((await j.stats()).refused).toBe(0);
    const done = await j.discardMany({ to: 'greeter' }, { dryRun: false });
    expect(done.count).toBe(3);
    for (const d of toGreeter) expect(await j.getMessage(d.id)).toBeUndefined();
    expect(await j.getMessage(elsewhere.id)).toMatchObject({ state: 'FAILED' });
    expect(await j.getMessage(pending.id)).toMatchObject({ state: 'PENDING' });
    expect((await j.stats()).counts).toMatchObject({ FAILED: 1, PENDING: 1 });
    const log = await j.transitions(0, 100);
    expect(log.filter((t) => t.state === 'DISCARDED')).toHaveLength(4);
    expect((await j.discardMany({ to: 'greeter' }, { dryRun: false })).count).toBe(0);
    await j.close();
  });

  it('takes with `to: null` only the dead letters addressed to no one, in a list and a bulk discard', async () => {
    const j = await fresh();
    const error = { code: 'MALFORMED_XML' as const, message: 'bad', problems: [] };
    j.hooks.onRejected?.({ raw: '<oops', error });
    j.hooks.onRejected?.({ raw: '<greeting', to: 'greeter', error });
    const d = delivery();
    await j.hooks.onIntent?.([d]);
    await j.flush();
    const toNoOne = (await j.listMessages({ to: null })).items;
    expect(toNoOne.map((m) => m.to)).toEqual([null]);
    expect((await j.listMessages({ to: null, errorCode: 'MALFORMED_XML' })).items).toHaveLength(1);
    expect((await j.listMessages({ errorCode: 'MALFORMED_XML' })).items).toHaveLength(2);
    expect((await j.discardMany({ to: null, errorCode: 'MALFORMED_XML' }, { dryRun: true })).count).toBe(1);
    expect((await j.discardMany({ to: null }, { dryRun: false })).count).toBe(1);
    expect((await j.listMessages({ errorCode: 'MALFORMED_XML' })).items.map((m) => m.to)).toEqual([
      'greeter',
    ]);
    expect(await j.getMessage(d.id)).toMatchObject({ state: 'PENDING' });
    await j.close();
  });

  it('prunes old ACKED entries and keeps dead letters and recent ones', async () => {
    const j = await fresh();
    const [old, failed, recent] = [delivery(), delivery(), delivery()];
    if (!old || !failed || !recent) throw new Error('setup');
    await j.hooks.onIntent?.([old, failed, recent]);
    await j.hooks.onAcknowledged?.(old, []);
    await j.hooks.onFailed?.(failed, failure, { outputs: [] });
    const cutoff = Date.now() + 1;
    await new Promise((r) => setTimeout(r, 5));
    await j.hooks.onAcknowledged?.(recent, []);
    expect(await j.prune(cutoff)).toBe(1);
    expect(await j.getMessage(old.id)).toBeUndefined();
    expect(await j.getMessage(failed.id)).toBeDefined();
    expect((await j.getMessage(recent.id))?.transitions.map((t) => t.state)).toEqual(['PENDING', 'ACKED']);
    // The pruned entry's transitions go with it; the others' stay.
    const log = await j.transitions(0, 1_000);
    expect(log.filter((t) => t.messageId === old.id)).toEqual([]);
    expect(new Set(log.map((t) => t.messageId))).toEqual(new Set([failed.id, recent.id]));
    await j.close();
  });
}
