import { afterEach, describe, expect, it } from 'vitest';
import { SYSTEM_NS } from '@organism/shared';
import { envelope, looseXsd, makePump } from '../support/pump-harness.ts';
import type { Harness } from '../support/pump-harness.ts';
import type { HandlerContext } from '../../src/pump/listener.ts';

let h: Harness | undefined;
afterEach(() => h?.dispose());

const SYSTEM_ERROR = `{${SYSTEM_NS}}SystemError`;

describe('message flow', () => {
  it('runs a multi-hop request/reply chain and prunes the chain on every reply', async () => {
    const seen: Record<string, HandlerContext[]> = { a: [], b: [], c: [] };
    h = makePump([
      {
        name: 'a',
        root: 'ask',
        xsd: looseXsd('ask', 'answerB'),
        handler: (_p, ctx) => {
          seen.a?.push(ctx);
          if (ctx.root === 'ask') ctx.forward('b', '<askB/>');
          else return '<done>a</done>';
        },
      },
      {
        name: 'b',
        root: 'askB',
        xsd: looseXsd('askB', 'answerC'),
        handler: (_p, ctx) => {
          seen.b?.push(ctx);
          if (ctx.root === 'askB') ctx.forward('c', '<askC/>');
          else ctx.reply('<answerB/>');
        },
      },
      {
        name: 'c',
        root: 'askC',
        handler: (_p, ctx) => {
          seen.c?.push(ctx);
          return '<answerC/>';
        },
      },
    ]);
    const res = await h.pump.submit(envelope('<ask/>', { from: 'client', to: 'a' }));
    expect(res.ok).toBe(true);
    await h.pump.whenQuiet();
    expect(h.rec.trail).toEqual(['a<-client:ask', 'b<-a:askB', 'c<-b:askC', 'b<-c:answerC', 'a<-b:answerB']);
    // Chains: who waits for an answer, innermost last.
    expect(h.rec.dispatched.map((d) => d.chain.join('>'))).toEqual([
      'client',
      'client>a',
      'client>a>b',
      'client>a',
      'client',
    ]);
    const egress = h.rec.acked.flatMap((a) => a.outputs).filter((o) => o.egress);
    expect(egress).toMatchObject([{ from: 'a', to: 'client', root: 'done', payloadXml: '<done>a</done>' }]);
    // One thread throughout; from is always the pump's word, not the handler's.
    const threadId = res.ok ? res.threadId : '';
    expect(new Set(h.rec.dispatched.map((d) => d.threadId))).toEqual(new Set([threadId]));
    // Each hop's id is made after the one before it: version 8, starting with a later microsecond.
    const starts = h.rec.dispatched.map((d) => {
      expect(d.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      return Number.parseInt(d.id.slice(0, 8), 16);
    });
    for (let i = 1; i < starts.length; i++) {
      const step = (starts[i]! - starts[i - 1]! + 2 ** 32) % 2 ** 32;
      expect(step).toBeGreaterThan(0);
      expect(step).toBeLessThan(60_000_000);
    }
    expect(seen.c?.[0]?.from).toBe('b');
    expect(h.rec.threads).toEqual([{ threadId, outcome: 'completed' }]);
  });

  it('broadcasts a message without <to> to every listener whose contract accepts its root', async () => {
    h = makePump([
      { name: 'one', root: 'news', handler: () => undefined },
      { name: 'two', root: 'news', handler: () => undefined },
      { name: 'three', root: 'other', handler: () => undefined },
    ]);
    const res = await h.pump.submit(envelope('<news>hi</news>', { from: 'client' }));
    expect(res.ok && res.messageIds.length).toBe(2);
    await h.pump.whenQuiet();
    expect(h.rec.trail.sort()).toEqual(['one<-client:news', 'two<-client:news']);
  });

  it('routes by namespace-qualified root, so equal local names in other namespaces do not match', async () => {
    const nsXsd = `<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:t" elementFormDefault="qualified"><xs:element name="order" type="xs:string"/></xs:schema>`;
    h = makePump([
      { name: 'ns', root: 'order', xsd: nsXsd, handler: () => undefined },
      { name: 'plain', root: 'order', handler: () => undefined },
    ]);
    await h.pump.submit(envelope('<order xmlns="urn:t">x</order>'));
    await h.pump.whenQuiet();
    expect(h.rec.trail).toEqual(['ns<-client:{urn:t}order']);
  });

  it('gives the handler its payload as a plain object and its context', async () => {
    let got: unknown;
    let ctx: HandlerContext | undefined;
    h = makePump([
      {
        name: 'p',
        root: 'order',
        handler: (payload, c) => {
          got = payload;
          ctx = c;
        },
      },
    ]);
    await h.pump.submit(
      envelope('<order id="7"><item>a &amp; b</item><item>c</item><note/></order>', {
        from: 'shop',
        to: 'p',
      }),
    );
    await h.pump.whenQuiet();
    expect(got).toEqual({ '@id': '7', item: ['a & b', 'c'], note: '' });
    expect(ctx).toMatchObject({ from: 'shop', listener: 'p', attempt: 1, root: 'order' });
    expect(ctx?.payloadXml).toBe('<order id="7"><item>a &amp; b</item><item>c</item><note></note></order>');
  });

  it('gives a context whose functions and signal survive destructuring and a spread', async () => {
    const seen: { name: string; keys: string[]; signal: unknown; inReplyTo: unknown }[] = [];
    h = makePump([
      {
        name: 'asker',
        root: 'go',
        xsd: looseXsd('go', 'done'),
        handler: (_p, ctx) => {
          const copy = { ...ctx };
          seen.push({
            name: 'asker',
            keys: Object.keys(copy),
            signal: copy.signal,
            inReplyTo: ctx.inReplyTo,
          });
          const { forward } = ctx;
          if (ctx.root === 'go') forward('answerer', '<q/>');
        },
      },
      {
        name: 'answerer',
        root: 'q',
        handler: (_p, ctx) => {
          const { reply, signal } = ctx;
          seen.push({ name: 'answerer', keys: Object.keys(ctx), signal, inReplyTo: ctx.inReplyTo });
          reply('<done/>');
        },
      },
    ]);
    await h.pump.submit(envelope('<go/>', { from: 'client', to: 'asker' }));
    await h.pump.whenQuiet();
    expect(h.rec.trail).toEqual(['asker<-client:go', 'answerer<-asker:q', 'asker<-answerer:done']);
    const [request, answered, reply] = seen;
    for (const s of seen) {
      expect(s.signal).toBeInstanceOf(AbortSignal);
      expect(s.keys).toEqual(expect.arrayContaining(['threadId', 'signal', 'reply', 'forward', 'gather']));
    }
    // Only a reply answers something: its inReplyTo is the id the forward returned.
    expect(request?.inReplyTo).toBeUndefined();
    expect(request?.keys).not.toContain('inReplyTo');
    expect(answered?.inReplyTo).toBeUndefined();
    expect(reply?.inReplyTo).toEqual(expect.any(String));
    expect(reply?.inReplyTo).toBe(h.rec.dispatched[1]?.id);
    expect(reply?.keys).toContain('inReplyTo');
  });

  it('lets every listener receive a SystemError without declaring it', async () => {
    h = makePump([
      {
        name: 'caller',
        root: 'go',
        handler: (_p, ctx) => {
          if (ctx.root === 'go') ctx.forward('boom', '<bang/>');
        },
      },
      {
        name: 'boom',
        root: 'bang',
        handler: () => {
          throw new Error('kaboom at db.internal:5432');
        },
      },
    ]);
    await h.pump.submit(envelope('<go/>', { from: 'client', to: 'caller' }));
    await h.pump.whenQuiet();
    expect(h.rec.trail).toEqual(['caller<-client:go', 'boom<-caller:bang', `caller<-boom:${SYSTEM_ERROR}`]);
    const err = h.rec.dispatched[2];
    expect(err?.payloadXml).toContain('<code>HANDLER_ERROR</code>');
    expect(err?.payloadXml).not.toMatch(/kaboom|boom|db\.internal/);
    const failedEvent = h.rec.events.find((e) => e.type === 'message.failed');
    expect(failedEvent).toMatchObject({ listener: 'boom', code: 'HANDLER_ERROR' });
    expect(failedEvent?.type === 'message.failed' && failedEvent.detail).toContain('kaboom');
    expect(h.rec.threads[0]?.outcome).toBe('failed');
  });

  it('sends the boot message to system.boot', async () => {
    h = makePump([]);
    await h.pump.boot();
    await h.pump.whenQuiet();
    expect(h.rec.trail).toEqual([`system.boot<-system:{${SYSTEM_NS}}Boot`]);
    expect(h.rec.acked).toHaveLength(1);
  });

  it('keeps outsiders away from system listeners', async () => {
    h = makePump([]);
    const boot = `<Boot xmlns="${SYSTEM_NS}"><organism>x</organism><listeners>1</listeners><at>2026-01-01T00:00:00Z</at></Boot>`;
    const res = await h.pump.submit(envelope(boot, { from: 'evil', to: 'system.boot' }));
    expect(res).toMatchObject({ ok: false, error: { code: 'UNKNOWN_ROUTE' } });
  });
});
