/**
 * The one contract every Journal passes (BullMQ-style conformance suite). Each implementation's test
 * file calls `describeJournalContract` with a factory that makes a fresh, empty journal.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { MessageId, ThreadId } from '@organism/shared';
import type { Delivery } from '../pump/delivery.ts';
import type { Journal } from './journal.ts';

let clock = 1_700_000_000_000;
const T = (): ThreadId => randomUUID() as ThreadId;

export function delivery(over: Partial<Delivery> = {}): Delivery {
  return {
    id: randomUUID() as MessageId,
    threadId: over.threadId ?? T(),
    from: 'client',
    to: 'greeter',
    chain: ['client'],
    root: 'greeting',
    payloadXml: '<greeting><name>Ada</name></greeting>',
    kind: 'ingress',
    attempt: 1,
    createdAt: ++clock,
    ...over,
  };
}

const failure = {
  code: 'HANDLER_ERROR' as const,
  message: 'the handler failed',
  detail: 'greeter: Error: boom',
};

export function describeJournalContract(name: string, make: () => Journal): void {
  describe(`${name} journal contract`, () => {
    const fresh = (): Journal => make();

    it('records every accepted delivery as PENDING with a transition', async () => {
      const j = fresh();
      const d = delivery();
      await j.hooks.onIntent?.([d]);
      const got = await j.getMessage(d.id);
      expect(got).toMatchObject({
        id: d.id,
        state: 'PENDING',
        attempts: 0,
        threadId: d.threadId,
        to: 'greeter',
        root: 'greeting',
      });
      expect(got?.payloadXml).toBe(d.payloadXml);
      expect(got?.envelopeXml).toContain('<env:to>greeter</env:to>');
      expect(got?.transitions.map((t) => t.state)).toEqual(['PENDING']);
      await j.close();
    });

    it('keeps an envelope as received when the producer sent more than a rebuilt one would hold', async () => {
      const j = fresh();
      const envelopeXml =
        '<message xmlns="https://xml-pipeline.org/ns/envelope/v1"><meta><from>client</from><sig xmlns="urn:sig">c2ln</sig></meta><greeting xmlns=""><name>Ada</name></greeting></message>';
      const d = delivery({ envelopeXml });
      await j.hooks.onIntent?.([d]);
      expect((await j.getMessage(d.id))?.envelopeXml).toBe(envelopeXml);
      await j.close();
    });

    it('walks PENDING → DISPATCHED → ACKED and journals the replies in the same step', async () => {
      const j = fresh();
      const d = delivery();
      await j.hooks.onIntent?.([d]);
      j.hooks.onDispatched?.(d);
      const reply = delivery({
        threadId: d.threadId,
        from: 'greeter',
        to: 'shouter',
        parentId: d.id,
        kind: 'forward',
      });
      const egress = delivery({
        threadId: d.threadId,
        from: 'greeter',
        to: 'client',
        parentId: d.id,
        kind: 'reply',
        egress: true,
      });
      await j.hooks.onAcknowledged?.(d, [reply, egress]);
      expect((await j.getMessage(d.id))?.transitions.map((t) => t.state)).toEqual([
        'PENDING',
        'DISPATCHED',
        'ACKED',
      ]);
      expect(await j.getMessage(reply.id)).toMatchObject({ state: 'PENDING', parentId: d.id });
      expect(await j.getMessage(egress.id)).toMatchObject({ state: 'ACKED', egress: true });
      await j.close();
    });

    it('puts a failure with a retry ahead back to PENDING, logging the failure', async () => {
      const j = fresh();
      const d = delivery();
      await j.hooks.onIntent?.([d]);
      j.hooks.onDispatched?.(d);
      await j.hooks.onFailed?.(d, failure, { retryAt: clock + 500, outputs: [] });
      const got = await j.getMessage(d.id);
      expect(got).toMatchObject({
        state: 'PENDING',
        attempts: 1,
        errorCode: 'HANDLER_ERROR',
        nextAttemptAt: clock + 500,
      });
      expect(got?.transitions.map((t) => t.state)).toEqual(['PENDING', 'DISPATCHED', 'FAILED', 'PENDING']);
      await j.close();
    });

    it('keeps a final failure as a dead letter with its code and detail, and journals the SystemError', async () => {
      const j = fresh();
      const d = delivery();
      const err = delivery({
        threadId: d.threadId,
        from: 'greeter',
        to: 'client',
        kind: 'error',
        egress: true,
        root: '{x}SystemError',
      });
      await j.hooks.onIntent?.([d]);
      await j.hooks.onFailed?.(d, failure, { outputs: [err] });
      expect(await j.getMessage(d.id)).toMatchObject({
        state: 'FAILED',
        errorCode: 'HANDLER_ERROR',
        errorDetail: 'greeter: Error: boom',
      });
      expect(await j.getMessage(err.id)).toMatchObject({ state: 'ACKED', kind: 'error' });
      const dead = await j.listMessages({ state: 'FAILED' });
      expect(dead.items.map((m) => m.id)).toEqual([d.id]);
      await j.close();
    });

    it('records refused input as FAILED with the raw text, and refuses to retry it', async () => {
      const j = fresh();
      j.hooks.onRejected?.({
        raw: '<oops',
        error: { code: 'MALFORMED_XML', message: 'bad', problems: [{ message: 'bad', line: 1, column: 6 }] },
      });
      await j.flush();
      const [entry] = (await j.listMessages({ state: 'FAILED' })).items;
      expect(entry).toMatchObject({
        state: 'FAILED',
        errorCode: 'MALFORMED_XML',
        kind: 'rejected',
        to: null,
      });
      const detail = await j.getMessage(entry?.id ?? '');
      expect(detail).toMatchObject({ raw: '<oops', errorDetail: '1:6: bad' });
      await expect(j.retry(entry?.id ?? '')).rejects.toMatchObject({ code: 'NOT_RETRYABLE' });
      await j.close();
    });

    it('hands back PENDING and DISPATCHED entries as redeliveries, oldest first', async () => {
      const j = fresh();
      const [a, b, c, e] = [delivery(), delivery(), delivery(), delivery({ egress: true })];
      if (!a || !b || !c || !e) throw new Error('setup');
      await j.hooks.onIntent?.([a, b, c, e]);
      j.hooks.onDispatched?.(b);
      await j.hooks.onAcknowledged?.(c, []);
      const back = await j.unfinished();
      expect(back.map((u) => u.delivery.id)).toEqual([a.id, b.id]);
      expect(back.map((u) => u.delivery.attempt)).toEqual([1, 2]);
      expect(back.map((u) => u.nextAttemptAt)).toEqual([null, null]);
      expect(back[0]?.delivery).toMatchObject({ chain: ['client'], payloadXml: a.payloadXml, to: 'greeter' });
      await j.exhaust(b.id, 'attempts ran out before a crash');
      expect(await j.getMessage(b.id)).toMatchObject({ state: 'FAILED', errorCode: 'REDELIVERY_EXHAUSTED' });
      await j.close();
    });

    it('commits a redelivery’s start before its handler can run, charging only what started', async () => {
      const j = fresh();
      const [poison, queued] = [delivery(), delivery()];
      if (!poison || !queued) throw new Error('setup');
      await j.hooks.onIntent?.([poison, queued]);
      // Each boot hands both back; the poison starts and takes the process down before anything else
      // is written, and the entry queued behind it never starts.
      const seen: number[][] = [];
      for (let boot = 0; boot < 3; boot++) {
        const back = (await j.unfinished()).map((u) => u.delivery);
        seen.push(back.map((d) => d.attempt));
        await j.recordRecovery({ redeliver: back, exhaust: [] });
        const started = back.find((d) => d.id === poison.id);
        if (!started) throw new Error('the poison was not handed back');
        j.hooks.onDispatched?.(started);
        await Promise.resolve(); // the pump calls the handler no sooner than this
        expect(await j.getMessage(poison.id)).toMatchObject({
          state: 'DISPATCHED',
          attempts: started.attempt,
        });
      }
      expect(seen).toEqual([
        [1, 1],
        [2, 1],
        [3, 1],
      ]);
      const last = (await j.unfinished()).map((u) => u.delivery);
      await j.recordRecovery({
        redeliver: last.filter((d) => d.id === queued.id),
        exhaust: last.filter((d) => d.id === poison.id).map((d) => ({ delivery: d, detail: 'used up' })),
      });
      expect(await j.getMessage(queued.id)).toMatchObject({ state: 'PENDING', attempts: 0 });
      const dead = await j.getMessage(poison.id);
      expect(dead).toMatchObject({
        state: 'FAILED',
        attempts: 3,
        errorCode: 'REDELIVERY_EXHAUSTED',
        errorDetail: 'used up',
      });
      expect(dead?.transitions.map((t) => `${t.state}:${t.attempt}`)).toEqual([
        'PENDING:1',
        'DISPATCHED:1',
        'DISPATCHED:2',
        'DISPATCHED:3',
        'FAILED:3',
      ]);
      await j.close();
    });

    it('hands back a retry scheduled for later with its time', async () => {
      const j = fresh();
      const d = delivery();
      await j.hooks.onIntent?.([d]);
      j.hooks.onDispatched?.(d);
      await j.hooks.onFailed?.(d, failure, { retryAt: clock + 60_000, outputs: [] });
      const [back] = await j.unfinished();
      expect(back).toMatchObject({ nextAttemptAt: clock + 60_000, delivery: { id: d.id, attempt: 2 } });
      await j.close();
    });

    it('counts the unfinished entries addressed to a listener exactly, however many there are', async () => {
      const j = fresh();
      const mine = Array.from({ length: 620 }, () => delivery());
      const others = [delivery({ to: 'other' }), delivery({ from: 'greeter', to: 'other' })];
      await j.hooks.onIntent?.([...mine, ...others]);
      for (const d of mine.slice(0, 10)) j.hooks.onDispatched?.(d);
      for (const d of mine.slice(10, 15)) await j.hooks.onAcknowledged?.(d, []);
      for (const d of mine.slice(15, 20)) await j.hooks.onFailed?.(d, failure, { outputs: [] });
      expect(await j.countUnfinished('greeter')).toBe(610);
      expect(await j.countUnfinished('other')).toBe(2);
      expect(await j.countUnfinished('nobody')).toBe(0);
      await j.close();
    });

    it('retries a dead letter and refuses what is not one', async () => {
      const j = fresh();
      const d = delivery();
      await j.hooks.onIntent?.([d]);
      j.hooks.onDispatched?.(d);
      await expect(j.retry(d.id)).rejects.toMatchObject({ code: 'NOT_RETRYABLE' });
      await j.hooks.onFailed?.(d, failure, { outputs: [] });
      const again = await j.retry(d.id);
      expect(again).toMatchObject({ id: d.id, attempt: 2, to: 'greeter' });
      expect(await j.getMessage(d.id)).toMatchObject({ state: 'PENDING' });
      await expect(j.retry(randomUUID())).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await j.close();
    });

    it('previews a bulk retry on a dry run and changes nothing', async () => {
      const j = fresh();
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
      const j = fresh();
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
      const j = fresh();
      const d = delivery();
      await j.hooks.onIntent?.([d]);
      await expect(j.discard(d.id)).rejects.toMatchObject({ code: 'NOT_RETRYABLE' });
      await j.hooks.onFailed?.(d, failure, { outputs: [] });
      await j.discard(d.id);
      expect(await j.getMessage(d.id)).toBeUndefined();
      const log = await j.transitions(0, 100);
      expect(log.at(-1)).toMatchObject({ messageId: d.id, state: 'DISCARDED' });
      await j.close();
    });

    it('prunes old ACKED entries and keeps dead letters and recent ones', async () => {
      const j = fresh();
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
      expect(await j.getMessage(recent.id)).toBeDefined();
      await j.close();
    });

    it('pages messages by keyset: stable when new ones arrive between pages', async () => {
      const j = fresh();
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

    it('filters messages by thread, recipient, sender, participant, root and time', async () => {
      const j = fresh();
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

    it('derives thread status, participants and counts', async () => {
      const j = fresh();
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
      expect(
        (await j.listThreads({ participant: 'client', status: 'active' })).items.map((t) => t.id),
      ).toEqual([t3]);
      const first = await j.listThreads({ limit: 2 });
      const rest = await j.listThreads({ limit: 2, cursor: first.nextCursor ?? undefined });
      expect(new Set([...first.items, ...rest.items].map((t) => t.id)).size).toBe(3);
      await j.close();
    });

    it('streams transitions by sequence and resumes from any point without gaps or repeats', async () => {
      const j = fresh();
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
      const j = fresh();
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

    it('tells its write watchers after writes, and stops when they unwatch', async () => {
      const j = fresh();
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

    it('groups dead letters by recipient and error code, biggest first, with the newest as sample', async () => {
      const j = fresh();
      const timeout = { ...failure, code: 'HANDLER_TIMEOUT' as const };
      const toA = Array.from({ length: 3 }, () => delivery({ to: 'a' }));
      const toB = Array.from({ length: 2 }, () => delivery({ to: 'b' }));
      const slowA = delivery({ to: 'a' });
      const fine = delivery({ to: 'a' });
      await j.hooks.onIntent?.([...toA, ...toB, slowA, fine]);
      for (const d of [...toA, ...toB]) {
        await j.hooks.onFailed?.(d, failure, { outputs: [] });
        await new Promise((r) => setTimeout(r, 2));
      }
      await j.hooks.onFailed?.(slowA, timeout, { outputs: [] });
      await j.hooks.onAcknowledged?.(fine, []);
      j.hooks.onRejected?.({ raw: '<oops', error: { code: 'MALFORMED_XML', message: 'bad', problems: [] } });
      j.hooks.onRejected?.({
        raw: '<message/>',
        to: 'b',
        error: { code: 'SCHEMA_VIOLATION', message: 'bad', problems: [] },
      });
      await j.flush();
      const all = await j.deadLetters({});
      expect(all.total).toBe(8);
      expect(all.groups.map((g) => [g.to, g.errorCode, g.count])).toEqual([
        ['a', 'HANDLER_ERROR', 3],
        ['b', 'HANDLER_ERROR', 2],
        expect.anything(),
        expect.anything(),
        expect.anything(),
      ]);
      // Refused input is told apart in its group, also when it named a listener.
      expect(all.groups.slice(2).map((g) => [g.to, g.errorCode, g.count, g.refused])).toEqual(
        expect.arrayContaining([
          ['a', 'HANDLER_TIMEOUT', 1, false],
          [null, 'MALFORMED_XML', 1, true],
          ['b', 'SCHEMA_VIOLATION', 1, true],
        ]),
      );
      expect(all.groups[0]?.refused).toBe(false);
      const [a] = all.groups;
      expect(a?.sampleId).toBe(toA[2]?.id);
      expect(a?.firstAt).toBeLessThan(a?.lastAt ?? 0);
      const onlyA = await j.deadLetters({ to: 'a' });
      expect(onlyA.total).toBe(4);
      expect(onlyA.groups.map((g) => g.errorCode)).toEqual(['HANDLER_ERROR', 'HANDLER_TIMEOUT']);
      expect((await j.deadLetters({ errorCode: 'HANDLER_TIMEOUT' })).groups).toMatchObject([
        { to: 'a', count: 1, sampleId: slowA.id },
      ]);
      const top = await j.deadLetters({ limit: 1 });
      expect(top).toMatchObject({ total: 8, groups: [{ to: 'a', errorCode: 'HANDLER_ERROR' }] });
      await j.close();
    });

    it('finds entries and threads by exact id, or by a prefix of 4 characters or more', async () => {
      const j = fresh();
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

    it('counts entries per state and reports the oldest pending one', async () => {
      const j = fresh();
      const [a, b] = [delivery(), delivery()];
      if (!a || !b) throw new Error('setup');
      await j.hooks.onIntent?.([a, b]);
      await j.hooks.onAcknowledged?.(b, []);
      const s = await j.stats();
      expect(s.counts).toEqual({ PENDING: 1, DISPATCHED: 0, ACKED: 1, FAILED: 0 });
      expect(s.oldestPendingAt).toBe(a.createdAt);
      expect(s.ratePerSecond.ACKED).toBeGreaterThan(0);
      await j.close();
    });
  });
}
