import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { envelope, errorCodesTo, looseXsd, makePump } from '../support/pump-harness.ts';
import type { Harness } from '../support/pump-harness.ts';
import { HandlerError } from '../../src/pump/sending-context.ts';
import { SYSTEM_ERROR_ROOT } from '../../src/pump/system/system-payloads.ts';

let h: Harness | undefined;
afterEach(() => h?.dispose());

describe('failures are never silent', () => {
  it('times a slow handler out, aborts its signal and drops what it sends late', async () => {
    let aborted = false;
    h = makePump([
      {
        name: 'caller',
        root: 'go',
        handler: (_p, ctx) => {
          if (ctx.root === 'go') ctx.forward('slow', '<nap/>');
        },
      },
      {
        name: 'slow',
        root: 'nap',
        timeoutMs: 50,
        handler: async (_p, ctx) => {
          await sleep(150);
          aborted = ctx.signal.aborted;
          expect(() => ctx.reply('<late/>')).toThrow(/after the handler finished/);
        },
      },
    ]);
    await h.pump.submit(envelope('<go/>', { from: 'c', to: 'caller' }));
    await h.pump.whenQuiet();
    expect(h.rec.failed[0]?.failure).toMatchObject({
      code: 'HANDLER_TIMEOUT',
      detail: 'slow did not finish within 50 ms',
    });
    expect(errorCodesTo(h, 'caller')).toEqual(['HANDLER_TIMEOUT']);
    await sleep(150);
    expect(aborted).toBe(true);
  });

  it('retries a crashing handler with backoff, then dead-letters it and reports once', async () => {
    let calls = 0;
    const attempts: number[] = [];
    h = makePump([
      {
        name: 'caller',
        root: 'go',
        handler: (_p, ctx) => {
          if (ctx.root === 'go') ctx.forward('flaky', '<try/>');
        },
      },
      {
        name: 'flaky',
        root: 'try',
        maxAttempts: 3,
        handler: (_p, ctx) => {
          calls++;
          attempts.push(ctx.attempt);
          throw new Error('nope');
        },
      },
    ]);
    await h.pump.submit(envelope('<go/>', { from: 'c', to: 'caller' }));
    await h.pump.whenQuiet();
    expect(calls).toBe(3);
    expect(attempts).toEqual([1, 2, 3]);
    expect(h.rec.failed.map((f) => Boolean(f.retryAt))).toEqual([true, true, false]);
    expect(errorCodesTo(h, 'caller')).toEqual(['HANDLER_ERROR']);
    expect(h.rec.threads[0]?.outcome).toBe('failed');
  });

  it('recovers when a retry succeeds', async () => {
    let calls = 0;
    h = makePump([
      {
        name: 'flaky',
        root: 'try',
        maxAttempts: 3,
        handler: () => {
          if (++calls < 2) throw new Error('once');
        },
      },
    ]);
    await h.pump.submit(envelope('<try/>', { from: 'c', to: 'flaky' }));
    await h.pump.whenQuiet();
    expect(calls).toBe(2);
    expect(h.rec.acked).toHaveLength(1);
    expect(h.rec.threads[0]?.outcome).toBe('completed');
  });

  it('does not retry a HandlerError marked not retryable', async () => {
    let calls = 0;
    h = makePump([
      {
        name: 'calc',
        root: 'div',
        maxAttempts: 5,
        handler: () => {
          calls++;
          throw new HandlerError('division by zero', { retryable: false });
        },
      },
    ]);
    await h.pump.submit(envelope('<div/>', { from: 'c', to: 'calc' }));
    await h.pump.whenQuiet();
    expect(calls).toBe(1);
    const egress = h.rec.failed[0]?.outputs[0];
    expect(egress).toMatchObject({ egress: true, to: 'c', root: SYSTEM_ERROR_ROOT });
    expect(egress?.payloadXml).toContain('<retryAllowed>false</retryAllowed>');
  });

  it('fails a handler whose reply violates the caller’s contract', async () => {
    h = makePump([
      {
        name: 'caller',
        root: 'go',
        xsd: looseXsd('go', 'answer'),
        handler: (_p, ctx) => {
          if (ctx.root === 'go') ctx.forward('bad', '<q/>');
        },
      },
      { name: 'bad', root: 'q', handler: () => '<notAnAnswer/>' },
    ]);
    await h.pump.submit(envelope('<go/>', { from: 'c', to: 'caller' }));
    await h.pump.whenQuiet();
    expect(h.rec.failed[0]?.failure.code).toBe('INVALID_REPLY');
    expect(h.rec.failed[0]?.failure.detail).toMatch(/does not accept notAnAnswer/);
    expect(errorCodesTo(h, 'caller')).toEqual(['INVALID_REPLY']);
  });

  it('validates a payload passed on unchanged against the next listener’s contract', async () => {
    // The forwarded payload is not canonicalized again (it is canonical already), but still parsed and
    // validated: relay's contract takes any <order>, strict's requires an <id>.
    const strict = `<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"><xs:element name="order"><xs:complexType><xs:sequence><xs:element name="id" type="xs:int"/></xs:sequence></xs:complexType></xs:element></xs:schema>`;
    const got: string[] = [];
    h = makePump([
      { name: 'relay', root: 'order', handler: (_p, ctx) => void ctx.forward('strict', ctx.payloadXml) },
      { name: 'strict', root: 'order', xsd: strict, handler: (_p, ctx) => void got.push(ctx.payloadXml) },
    ]);
    await h.pump.submit(envelope('<order><id>7</id></order>', { from: 'c', to: 'relay' }));
    await h.pump.submit(envelope('<order><note>no id</note></order>', { from: 'c', to: 'relay' }));
    await h.pump.whenQuiet();
    expect(got).toEqual(['<order><id>7</id></order>']);
    expect(h.rec.failed).toHaveLength(1);
    expect(h.rec.failed[0]?.failure.code).toBe('INVALID_REPLY');
    expect(h.rec.failed[0]?.failure.detail).toMatch(/note/);
  });

  it('fails a handler whose output is not well-formed XML', async () => {
    h = makePump([{ name: 'bad', root: 'q', handler: (_p, ctx) => ctx.forward('bad', '<open>') }]);
    await h.pump.submit(envelope('<q/>', { from: 'c', to: 'bad' }));
    await h.pump.whenQuiet();
    expect(h.rec.failed[0]?.failure).toMatchObject({ code: 'INVALID_REPLY' });
    expect(h.rec.rejected.at(-1)?.error.code).toBe('MALFORMED_XML');
  });

  it('stops a chain at the depth limit', async () => {
    h = makePump(
      [
        {
          name: 'loop',
          root: 'again',
          handler: (_p, ctx) => {
            if (ctx.root === 'again') ctx.forward('loop', '<again/>');
          },
        },
      ],
      { maxDepth: 10 },
    );
    await h.pump.submit(envelope('<again/>', { from: 'c', to: 'loop' }));
    await h.pump.whenQuiet();
    expect(h.rec.dispatched.filter((d) => d.root === 'again')).toHaveLength(10);
    expect(h.rec.failed.map((f) => f.failure.code)).toEqual(['DEPTH_EXCEEDED']);
  });
});

describe('limits', () => {
  it('runs no more than a listener’s concurrency at once', async () => {
    let running = 0;
    let peak = 0;
    h = makePump([
      {
        name: 'one',
        root: 'job',
        concurrency: 2,
        handler: async () => {
          peak = Math.max(peak, ++running);
          await sleep(10);
          running--;
        },
      },
    ]);
    for (let i = 0; i < 10; i++) await h.pump.submit(envelope('<job/>', { from: 'c', to: 'one' }));
    await h.pump.whenQuiet();
    expect(peak).toBe(2);
  });

  it('applies backpressure: a full queue refuses or makes the producer wait', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    h = makePump([{ name: 'slow', root: 'job', concurrency: 1, handler: () => gate }], {
      queueSize: 3,
      maxConcurrency: 1,
    });
    const results = [];
    for (let i = 0; i < 4; i++)
      results.push(await h.pump.submit(envelope('<job/>', { from: 'c', to: 'slow' }), { wait: false }));
    expect(results.map((r) => r.ok)).toEqual([true, true, true, true]); // one running, three queued
    const refused = await h.pump.submit(envelope('<job/>', { from: 'c', to: 'slow' }), { wait: false });
    expect(refused).toMatchObject({ ok: false, error: { code: 'QUEUE_FULL' } });
    let waited = false;
    const waiting = h.pump.submit(envelope('<job/>', { from: 'c', to: 'slow' })).then((r) => {
      waited = true;
      return r;
    });
    await sleep(20);
    expect(waited).toBe(false);
    release();
    expect((await waiting).ok).toBe(true);
    await h.pump.whenQuiet();
    expect(h.rec.acked).toHaveLength(5);
  });

  it('holds pump.queueSize however many producers submit at once, and says the limit', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const { pump } = (h = makePump([{ name: 'slow', root: 'job', concurrency: 1, handler: () => gate }], {
      queueSize: 1000,
      maxConcurrency: 1,
    }));
    const job = envelope('<job/>', { from: 'c', to: 'slow' });
    const results = await Promise.all(Array.from({ length: 2500 }, () => pump.submit(job, { wait: false })));
    expect(results.filter((r) => r.ok)).toHaveLength(1000);
    const refused = results.filter((r) => !r.ok);
    expect(refused).toHaveLength(1500);
    expect(refused[0]).toMatchObject({
      error: {
        code: 'QUEUE_FULL',
        message: 'the queue is full: it holds 1000 messages at most (pump.queueSize); retry after a second',
      },
    });
    // One runs, the others wait: never more than the limit.
    expect(h.pump.stats()).toMatchObject({ queued: 999, inFlight: 1 });
    // Producers that wait are let in one per place freed, never past the limit either.
    const waiting = Array.from({ length: 50 }, () => pump.submit(job));
    await sleep(20);
    expect(h.pump.stats().queued).toBe(1000);
    release();
    expect((await Promise.all(waiting)).every((r) => r.ok)).toBe(true);
    await h.pump.whenQuiet();
    expect(h.rec.acked).toHaveLength(1050);
  });

  it('refuses intake once paused but lets open threads finish', async () => {
    h = makePump([{ name: 'a', root: 'x', handler: () => undefined }]);
    h.pump.pauseIntake();
    expect(await h.pump.submit(envelope('<x/>', { from: 'c', to: 'a' }))).toMatchObject({
      ok: false,
      error: { code: 'DRAINING' },
    });
  });
});

describe('killing a thread', () => {
  it('fails its queued work as KILLED, sends no SystemError and drops a running handler’s outputs', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let reachedNext = false;
    h = makePump(
      [
        {
          name: 'slow',
          root: 'job',
          concurrency: 1,
          handler: async (_p, ctx) => {
            await gate;
            ctx.forward('next', '<more/>');
          },
        },
        {
          name: 'next',
          root: 'more',
          handler: () => {
            reachedNext = true;
          },
        },
      ],
      { maxConcurrency: 1 },
    );
    const first = await h.pump.submit(envelope('<job/>', { from: 'c', to: 'slow' }));
    if (!first.ok) throw new Error('setup');
    const thread = first.threadId;
    await h.pump.submit(envelope('<job/>', { from: 'c', to: 'slow', thread }));
    await h.pump.submit(envelope('<job/>', { from: 'c', to: 'slow', thread }));
    expect(await h.pump.killThread(thread, 'killed by test')).toBe(2);
    release();
    await h.pump.whenQuiet();
    expect(reachedNext).toBe(false);
    expect(h.rec.failed.map((f) => f.failure.code)).toEqual(['KILLED', 'KILLED']);
    expect(h.rec.failed.every((f) => f.outputs.length === 0)).toBe(true);
    expect(h.rec.acked).toHaveLength(1);
    expect(h.rec.acked[0]?.outputs).toEqual([]);
    expect(h.rec.threads).toEqual([{ threadId: thread, outcome: 'failed' }]);
  });
});

describe('reloading listeners', () => {
  it('dead-letters work queued for a listener a reload removed, and keeps routing the rest', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    h = makePump([
      { name: 'busy', root: 'job', concurrency: 1, handler: () => gate },
      { name: 'stays', root: 'other', handler: () => undefined },
    ]);
    for (let i = 0; i < 3; i++) await h.pump.submit(envelope('<job/>', { from: 'c', to: 'busy' }));
    const stays = h.pump.listeners.get('stays');
    if (!stays) throw new Error('setup');
    h.pump.replaceListeners([stays]);
    release();
    await h.pump.whenQuiet();
    expect(h.rec.failed.map((f) => f.failure.code)).toEqual(['UNKNOWN_ROUTE', 'UNKNOWN_ROUTE']);
    expect(h.pump.listeners.get('system.boot')).toBeDefined();
    expect((await h.pump.submit(envelope('<other/>', { from: 'c', to: 'stays' }))).ok).toBe(true);
    expect((await h.pump.submit(envelope('<job/>', { from: 'c', to: 'busy' }))).ok).toBe(false);
    await h.pump.whenQuiet();
  });
});
