/**
 * The journal contract's reads, as the console makes them: lists, threads, the transition stream, write
 * watchers, finding by id (its figures are in counts.ts).
 */
import { expect, it } from 'vitest';
import type { RoutedTransition } from '@organism/shared';
import type { Journal } from '../journal.ts';
import { T, delivery, failure } from './fixtures.ts';

const NOT_A_CURSOR = expect.stringContaining('not a cursor this engine made') as unknown;

export function readsContract(fresh: () => Promise<Journal>): void {
  it('pages messages by keyset: stable when new ones arrive between pages', async () => {
    const j = await fresh();
    const ds = Array.from({ length: 7 }, () => delivery());
    await j.hooks.onIntent?.(ds);
    const p1 = await j.listMessages({ limit: 3 });
    await j.hooks.onIntent?.([delivery()]);
    const p2 = await j.listMessages({ limit: 3, cursor: p1.nextCursor ?? undefined });
    const p3 = await j.listMessages({ limit: 3, cursor: p2.nextCursor ?? undefined });
    const seen = [...p1.items, ...p2.items, ...p3.items].map((m) => m.id);
    expect(seen).toEqual([...ds].reverse().map((d) => d.id));
    expect(p3.nextCursor).toBeNull();
    await j.close();
  });

  it('refuses a cursor no list made as INPUT_INVALID at cursor, not as the first page', async () => {
    const j = await fresh();
    await j.hooks.onIntent?.([delivery(), delivery()]);
    const page = await j.listMessages({ limit: 1 });
    const threads = await j.listThreads({ limit: 1 });
    // Garbage, a cursor's text encoded another way (padded), and one whose time is not a number.
    const notATime = Buffer.from(`soon:${page.items[0]?.id ?? ''}`).toString('base64url');
    const bad = ['AAAA;DROP TABLE', `${page.nextCursor ?? ''}=`, notATime];
    for (const cursor of bad) {
      const refused = { code: 'INPUT_INVALID', problems: [{ path: 'cursor', message: NOT_A_CURSOR }] };
      await expect(j.listMessages({ cursor })).rejects.toMatchObject(refused);
      await expect(j.listThreads({ cursor })).rejects.toMatchObject(refused);
    }
    expect((await j.listMessages({ cursor: page.nextCursor ?? '' })).items).toHaveLength(1);
    expect((await j.listThreads({ cursor: threads.nextCursor ?? '' })).items).toHaveLength(1);
    await j.close();
  });

  it('filters messages by thread, recipient, sender, participant, root and time', async () => {
    const j = await fresh();
    const t = T();
    const a = delivery({ threadId: t, to: 'a', root: 'x' });
    const b = delivery({ threadId: t, from: 'a', to: 'b', root: 'y' });
    const c = delivery({ to: 'a', root: 'y' });
    await j.hooks.onIntent?.([a, b, c]);
    const ids = async (f: Parameters<Journal['listMessages']>[0]): Promise<string[]> =>
      (await j.listMessages(f)).items.map((m) => m.id).sort();
    expect(await ids({ threadId: t })).toEqual([a.id, b.id].sort());
    expect(await ids({ to: 'a' })).toEqual([a.id, c.id].sort());
    expect(await ids({ from: 'a' })).toEqual([b.id]);
    expect(await ids({ participant: 'a' })).toEqual([a.id, b.id, c.id].sort());
    expect(await ids({ participant: 'b' })).toEqual([b.id]);
    expect(await ids({ root: 'y' })).toEqual([b.id, c.id].sort());
    expect(await ids({ since: b.createdAt, until: b.createdAt })).toEqual([b.id]);
    await j.close();
  });

  it('tells refused input from failed deliveries: `refused` keeps only it or leaves it out', async () => {
    const j = await fresh();
    const failed = delivery({ to: 'a' });
    const acked = delivery({ to: 'a' });
    await j.hooks.onIntent?.([failed, acked]);
    await j.hooks.onFailed?.(failed, failure, { outputs: [] });
    await j.hooks.onAcknowledged?.(acked, []);
    j.hooks.onRejected?.({
      raw: '<x/>',
      error: { code: 'SCHEMA_VIOLATION', message: 'refused', problems: [] },
      to: 'a',
      root: 'x',
    });
    await j.flush();
    const listed = async (f: Parameters<Journal['listMessages']>[0]) =>
      (await j.listMessages(f)).items.map((m) => [m.kind === 'rejected' ? 'refused' : m.id, m.state]);
    expect(await listed({ state: 'FAILED' })).toHaveLength(2);
    expect(await listed({ state: 'FAILED', refused: false })).toEqual([[failed.id, 'FAILED']]);
    // `refused: true` alone means FAILED: refused input is never anything else.
    expect(await listed({ refused: true })).toEqual([['refused', 'FAILED']]);
    expect(await listed({ to: 'a', refused: true })).toEqual([['refused', 'FAILED']]);
    expect(await listed({ refused: true, state: 'ACKED' })).toEqual([]);
    expect((await listed({ refused: false })).sort()).toEqual(
      [
        [failed.id, 'FAILED'],
        [acked.id, 'ACKED'],
      ].sort(),
    );
    // Nothing refused is retryable, so a bulk retry of refused input finds nothing.
    expect(await j.retryMany({ refused: true }, { dryRun: true })).toMatchObject({ count: 0 });
    await j.close();
  });

  it('derives thread status, participants and counts', async () => {
    const j = await fresh();
    const [t1, t2, t3] = [T(), T(), T()];
    const a = delivery({ threadId: t1 });
    const b = delivery({ threadId: t2, to: 'shouter' });
    const c = delivery({ threadId: t3 });
    await j.hooks.onIntent?.([a, b, c]);
    await j.hooks.onAcknowledged?.(a, []);
    await j.hooks.onFailed?.(b, failure, { outputs: [] });
    const page = await j.listThreads({});
    const byId = new Map(page.items.map((t) => [t.id, t]));
    expect(byId.get(t1)).toMatchObject({
      status: 'completed',
      messages: 1,
      failed: 0,
      participants: ['client', 'greeter'],
    });
    expect(byId.get(t2)).toMatchObject({
      status: 'failed',
      failed: 1,
      participants: ['client', 'shouter'],
    });
    expect(byId.get(t3)).toMatchObject({ status: 'active' });
    expect((await j.listThreads({ status: 'failed' })).items.map((t) => t.id)).toEqual([t2]);
    expect((await j.listThreads({ participant: 'shouter' })).items.map((t) => t.id)).toEqual([t2]);
    // Either side: `client` only ever sends.
    expect((await j.listThreads({ participant: 'client' })).items.map((t) => t.id).sort()).toEqual(
      [t1, t2, t3].sort(),
    );
    await expect(
      j.listThreads({ listener: 'shouter' } as Parameters<Journal['listThreads']>[0]),
    ).rejects.toThrow(/listener/);
    expect((await j.listThreads({ participant: 'client', status: 'active' })).items.map((t) => t.id)).toEqual(
      [t3],
    );
    const first = await j.listThreads({ limit: 2 });
    const rest = await j.listThreads({ limit: 2, cursor: first.nextCursor ?? undefined });
    expect(new Set([...first.items, ...rest.items].map((t) => t.id)).size).toBe(3);
    await j.close();
  });

  it('streams transitions by sequence and resumes from any point without gaps or repeats', async () => {
    const j = await fresh();
    const ds = Array.from({ length: 5 }, () => delivery());
    await j.hooks.onIntent?.(ds);
    for (const d of ds) await j.hooks.onAcknowledged?.(d, []);
    const all = await j.transitions(0, 100);
    expect(all).toHaveLength(10);
    expect(all.map((t) => t.seq)).toEqual([...all.map((t) => t.seq)].sort((x, y) => x - y));
    const cut = all[3]?.seq ?? 0;
    const resumed = await j.transitions(cut, 100);
    expect(resumed.map((t) => t.seq)).toEqual(all.slice(4).map((t) => t.seq));
    expect((await j.stats()).lastSeq).toBe(all.at(-1)?.seq);
    await j.close();
  });

  it('reads transitions with their entry’s route, one page at a time', async () => {
    const j = await fresh();
    const d = delivery({ from: 'client', to: 'greeter', root: 'greeting' });
    await j.hooks.onIntent?.([d]);
    await j.hooks.onFailed?.(d, failure, { outputs: [] });
    j.hooks.onRejected?.({ raw: '<oops', error: { code: 'MALFORMED_XML', message: 'bad', problems: [] } });
    await j.flush();
    await j.discard(d.id);
    const routed = await j.routedTransitions(0, 100);
    expect(routed.map((t) => [t.state, t.from, t.to, t.root, t.kind])).toEqual([
      // The discarded entry is gone: its earlier transitions lose their route too.
      ['PENDING', null, null, null, ''],
      ['FAILED', null, null, null, ''],
      ['FAILED', null, null, null, 'rejected'],
      ['DISCARDED', null, null, null, ''],
    ]);
    const plain = await j.transitions(0, 100);
    expect(
      routed.map(({ seq, messageId, state, attempt, errorCode, detail, at, threadId }) => ({
        seq,
        messageId,
        threadId,
        state,
        attempt,
        errorCode,
        detail,
        at,
      })),
    ).toEqual(plain);
    const e = delivery({ from: 'greeter', to: 'client', kind: 'reply', egress: true, root: 'hello' });
    await j.hooks.onIntent?.([e]);
    const [last] = await j.routedTransitions(plain.at(-1)?.seq ?? 0, 1);
    expect(last).toMatchObject({
      messageId: e.id,
      from: 'greeter',
      to: 'client',
      root: 'hello',
      kind: 'reply',
    });
    expect(await j.routedTransitions(0, 2)).toHaveLength(2);
    expect(await j.headSeq()).toBe(last?.seq);
    await j.close();
  });

  it("reads transitions with parent, payload and thread counts: a hop's outputs before its ACK", async () => {
    const j = await fresh();
    const t = T();
    const a = delivery({ threadId: t, from: 'client', to: 'greeter', root: 'hello' });
    const reply = delivery({ threadId: t, parentId: a.id, from: 'greeter', to: 'shouter', kind: 'reply' });
    await j.hooks.onIntent?.([a]);
    void j.hooks.onDispatched?.(a);
    await j.hooks.onAcknowledged?.(a, [reply]);
    void j.hooks.onDispatched?.(reply);
    await j.hooks.onFailed?.(reply, failure, { outputs: [] });
    await j.flush();
    const rows = await j.recordedTransitions(0, 100);
    expect(rows.map((r) => [r.messageId, r.state, r.parentId])).toEqual([
      [a.id, 'PENDING', null],
      [a.id, 'DISPATCHED', null],
      // Outputs are logged before the acknowledgement that carries them.
      [reply.id, 'PENDING', a.id],
      [a.id, 'ACKED', null],
      [reply.id, 'DISPATCHED', a.id],
      [reply.id, 'FAILED', a.id],
    ]);
    expect(rows[0]).toMatchObject({
      from: 'client',
      to: 'greeter',
      root: 'hello',
      payloadXml: a.payloadXml,
      egress: false,
    });
    // The thread's counts are as they are now, on every row of it.
    expect(rows.map((r) => [r.threadOpen, r.threadFailed])).toEqual(rows.map(() => [0, 1]));
    const routed = await j.routedTransitions(0, 100);
    const routedPart = (r: (typeof rows)[number]): RoutedTransition => {
      const { seq, messageId, threadId, state, attempt, errorCode, detail, at, from, to, root, kind } = r;
      return { seq, messageId, threadId, state, attempt, errorCode, detail, at, from, to, root, kind };
    };
    expect(rows.map(routedPart)).toEqual(routed);
    expect(await j.recordedTransitions(rows[3]?.seq ?? 0, 1)).toHaveLength(1);
    await j.close();
  });

  it('tells its write watchers after writes, and stops when they unwatch', async () => {
    const j = await fresh();
    let told = 0;
    const stop = j.watchWrites((err) => {
      if (err === undefined) told++;
    });
    await j.hooks.onIntent?.([delivery()]);
    await new Promise((r) => setImmediate(r));
    expect(told).toBeGreaterThan(0);
    stop();
    const before = told;
    await j.hooks.onIntent?.([delivery()]);
    await new Promise((r) => setImmediate(r));
    expect(told).toBe(before);
    await j.close();
  });

  it('finds entries and threads by exact id, or by a prefix of 4 characters or more', async () => {
    const j = await fresh();
    const ds = Array.from({ length: 8 }, () => delivery());
    await j.hooks.onIntent?.(ds);
    const [d] = ds;
    if (!d) throw new Error('setup');
    const exact = await j.find(d.id, 5);
    expect(exact.messages.map((m) => m.id)).toEqual([d.id]);
    expect(exact.threads).toEqual([]);
    expect((await j.find(d.id.slice(0, 8).toUpperCase(), 5)).messages.map((m) => m.id)).toContain(d.id);
    const byThread = await j.find(d.threadId, 5);
    expect(byThread.threads).toMatchObject([{ id: d.threadId, status: 'active', messages: 1 }]);
    expect(byThread.messages).toEqual([]);
    // Three characters are not a prefix search; five results at most, in id order.
    const short = d.id.slice(0, 3);
    expect((await j.find(short, 5)).messages).toEqual([]);
    const ids = ds.map((x) => x.id).sort();
    const common = ids.slice(0, 1)[0]?.slice(0, 4) ?? '';
    const hits = (await j.find(common, 5)).messages.map((m) => m.id);
    expect(hits).toEqual(ids.filter((id) => id.startsWith(common)).slice(0, 5));
    expect(await j.find('ffffffff-nothing', 5)).toEqual({ messages: [], threads: [] });
    await j.close();
  });
}
