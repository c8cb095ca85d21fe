import { afterEach, describe, expect, it } from 'vitest';
import { SYSTEM_NS } from '@organism/shared';
import { envelope, looseXsd, makePump } from '../support/pump-harness.ts';
import type { Harness, TestListener } from '../support/pump-harness.ts';
import { HandlerError } from '../../src/pump/sending-context.ts';

let h: Harness | undefined;
afterEach(() => h?.dispose());
const SYSTEM_ERROR = `{${SYSTEM_NS}}SystemError`;

/** The demo's pair: greeter forwards <greeting> to shouter and answers anything else. */
const demoLike = (): TestListener[] => [
  {
    name: 'greeter',
    root: 'greeting',
    xsd: looseXsd('greeting', 'shouted'),
    handler: (_p, ctx) => {
      if (ctx.root === 'greeting') ctx.forward('shouter', '<shout><text>hi</text></shout>');
      else ctx.reply('<greeted/>');
    },
  },
  {
    name: 'shouter',
    root: 'shout',
    handler: (p) => `<shouted>${String((p as { text: string }).text.toUpperCase())}</shouted>`,
  },
];

describe('an outside producer cannot speak as the engine', () => {
  it('refuses a `from` that names a listener, `system` or a system listener with SENDER_RESERVED', async () => {
    h = makePump(demoLike());
    for (const from of ['greeter', 'shouter', 'system', 'system.boot', 'system.anything']) {
      const res = await h.pump.submit(envelope('<shout><text>hi</text></shout>', { from, to: 'shouter' }));
      expect(res.ok, from).toBe(false);
      if (!res.ok) expect(res.error.code, from).toBe('SENDER_RESERVED');
    }
    expect(h.rec.dispatched).toEqual([]);
    expect(h.rec.rejected.map((r) => r.error.code)).toEqual(Array(5).fill('SENDER_RESERVED'));
  });

  it('takes any other name, a person’s or a remote listener’s, as the producer’s own', async () => {
    h = makePump(demoLike());
    for (const from of ['console:Jane Doe', 'remote.greeter', 'Greeter@elsewhere']) {
      const res = await h.pump.submit(envelope('<greeting/>', { from, to: 'greeter' }));
      expect(res.ok, from).toBe(true);
    }
    await h.pump.whenQuiet();
    expect(h.rec.threads.map((t) => t.outcome)).toEqual(['completed', 'completed', 'completed']);
  });

  it('refuses a `from` outside the names a token is bound to', async () => {
    h = makePump(demoLike());
    const bound = { producers: ['billing', 'console:Jane Doe'] };
    const ok = await h.pump.submit(envelope('<greeting/>', { from: 'billing', to: 'greeter' }), bound);
    expect(ok.ok).toBe(true);
    const no = await h.pump.submit(envelope('<greeting/>', { from: 'shipping', to: 'greeter' }), bound);
    expect(no).toMatchObject({
      ok: false,
      error: {
        code: 'FORBIDDEN',
        message:
          'this API token may send only as "billing", "console:Jane Doe"; the envelope is from "shipping"',
      },
    });
  });
});

describe('errors are never answered with errors', () => {
  it('dead-letters a failure while handling a SystemError instead of bouncing another one', async () => {
    let kicks = 0;
    h = makePump([
      {
        name: 'caller',
        root: 'go',
        handler: (_p, ctx) => {
          if (ctx.root === 'go') ctx.forward('worker', '<work/>');
          else throw new HandlerError('cannot handle an error', { retryable: false });
        },
      },
      {
        name: 'worker',
        root: 'work',
        handler: () => {
          kicks++;
          throw new HandlerError('broken', { retryable: false });
        },
      },
    ]);
    await h.pump.submit(envelope('<go/>', { from: 'client', to: 'caller' }));
    await h.pump.whenQuiet();
    expect(kicks).toBe(1);
    expect(h.rec.trail).toEqual([
      'caller<-client:go',
      'worker<-caller:work',
      `caller<-worker:${SYSTEM_ERROR}`,
    ]);
    const [worker, caller] = h.rec.failed;
    expect(worker?.outputs.map((o) => o.root)).toEqual([SYSTEM_ERROR]);
    expect(caller?.delivery.root).toBe(SYSTEM_ERROR);
    expect(caller?.failure.code).toBe('HANDLER_ERROR');
    expect(caller?.outputs).toEqual([]);
    expect(h.rec.threads).toEqual([{ threadId: expect.any(String) as string, outcome: 'failed' }]);
  });
});

describe('every thread has a hop budget', () => {
  it('fails a thread with HOP_LIMIT_EXCEEDED once it made maxHopsPerThread deliveries, whatever its chain', async () => {
    // A ping-pong of forwards and replies: the chain never grows, so the depth limit never trips.
    h = makePump(
      [
        {
          name: 'ping',
          root: 'serve',
          // Yields to the event loop each time, so that a regression times out instead of hanging.
          handler: async (_p, ctx) => {
            await new Promise((r) => setImmediate(r));
            ctx.forward('pong', '<ball/>');
          },
        },
        { name: 'pong', root: 'ball', handler: () => '<serve/>' },
      ],
      { maxHopsPerThread: 25 },
    );
    await h.pump.submit(envelope('<serve/>', { from: 'client', to: 'ping' }));
    await h.pump.whenQuiet();
    expect(h.rec.dispatched).toHaveLength(25);
    expect(h.rec.failed.map((f) => f.failure.code)).toEqual(['HOP_LIMIT_EXCEEDED']);
    expect(h.rec.failed[0]?.failure.detail).toMatch(/25 deliveries; the limit is 25/);
    // The budget is spent: only the SystemError leaving for the producer (egress, not a delivery) goes out.
    expect(h.rec.failed[0]?.outputs.map((o) => [o.to, o.egress, o.root])).toEqual([
      ['client', true, SYSTEM_ERROR],
    ]);
    expect(h.rec.failed[0]?.outputs[0]?.payloadXml).toContain('<code>HOP_LIMIT_EXCEEDED</code>');
    expect(h.rec.threads.map((t) => t.outcome)).toEqual(['failed']);
  });

  it('counts SystemErrors too: one that would pass the budget is not sent, and the thread fails', async () => {
    h = makePump(
      [
        {
          name: 'caller',
          root: 'go',
          handler: (_p, ctx) => {
            if (ctx.root === 'go') ctx.forward('worker', '<work/>');
          },
        },
        {
          name: 'worker',
          root: 'work',
          handler: () => {
            throw new HandlerError('broken', { retryable: false });
          },
        },
      ],
      { maxHopsPerThread: 2 },
    );
    await h.pump.submit(envelope('<go/>', { from: 'client', to: 'caller' }));
    await h.pump.whenQuiet();
    expect(h.rec.trail).toEqual(['caller<-client:go', 'worker<-caller:work']);
    expect(h.rec.failed.map((f) => [f.failure.code, f.outputs.length])).toEqual([['HANDLER_ERROR', 0]]);
    expect(h.rec.threads.map((t) => t.outcome)).toEqual(['failed']);
  });

  it('refuses more input into a thread whose budget is spent', async () => {
    let release = (): void => undefined;
    const held = new Promise<void>((r) => (release = r));
    h = makePump([{ name: 'slow', root: 'job', handler: () => held }], { maxHopsPerThread: 3 });
    const first = await h.pump.submit(envelope('<job/>', { from: 'client', to: 'slow' }));
    if (!first.ok) throw new Error(first.error.message);
    const thread = first.threadId;
    for (let i = 0; i < 2; i++)
      expect((await h.pump.submit(envelope('<job/>', { from: 'client', to: 'slow', thread }))).ok).toBe(true);
    const spent = await h.pump.submit(envelope('<job/>', { from: 'client', to: 'slow', thread }));
    expect(spent).toMatchObject({ ok: false, error: { code: 'HOP_LIMIT_EXCEEDED' } });
    release();
    await h.pump.whenQuiet();
    expect(h.rec.dispatched).toHaveLength(3);
  });
});
