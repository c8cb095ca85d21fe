import { request } from 'node:http';
import type { ClientRequest, IncomingMessage } from 'node:http';
import { Agent } from 'node:http';
import { describe, expect, it } from 'vitest';
import type { DrainEvent } from '@organism/shared';
import { shutdown } from '../../src/commands/shutdown.ts';
import { openJournal, openOperatorStore } from '../../src/journal/index.ts';
import { createLogger } from '../../src/logging/logger.ts';
import { startHarness } from '../support/server-harness.ts';
import type { ServerHarness } from '../support/server-harness.ts';

const ENVELOPE = `<message xmlns="https://xml-pipeline.org/ns/envelope/v1"><meta><from>t</from><to>greeter</to></meta><greeting xmlns=""><name>late</name></greeting></message>`;

/**
 * Starts `POST /messages` with the headers and half the body, and resolves once the server has the
 * request in hand (its handler is waiting for the rest of the body). `finish` sends the rest.
 */
async function halfSentPost(h: ServerHarness): Promise<{
  req: ClientRequest;
  response: Promise<{ status: number; body: string }>;
  finish(): void;
}> {
  const arrived = new Promise<void>((resolve) => h.server.server.once('request', () => resolve()));
  const bytes = Buffer.from(ENVELOPE);
  const req = request(`${h.url}/messages`, {
    method: 'POST',
    headers: {
      'content-type': 'application/xml',
      'content-length': bytes.length,
      authorization: `Bearer ${h.token}`,
    },
  });
  const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
    req.on('error', reject);
    req.on('response', (res: IncomingMessage) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
  });
  req.write(bytes.subarray(0, 40));
  await arrived;
  return { req, response, finish: () => req.end(bytes.subarray(40)) };
}

describe('closing the HTTP server', () => {
  it('lets a response in flight finish instead of cutting it', async () => {
    const h = await startHarness();
    try {
      const post = await halfSentPost(h);
      const closing = h.server.close(10_000);
      // The server has stopped accepting, but the request it already holds is still served.
      await new Promise((r) => setTimeout(r, 100));
      post.finish();
      const res = await post.response;
      expect(res.status).toBe(202);
      expect(JSON.parse(res.body)).toHaveProperty('messageId');
      expect(await closing).toEqual({ cut: 0 });
    } finally {
      await h.engine.stop(2_000);
    }
  });

  it('closes idle keep-alive connections at once instead of waiting for them to time out', async () => {
    const h = await startHarness();
    const agent = new Agent({ keepAlive: true });
    try {
      const status = await new Promise<number>((resolve, reject) => {
        request(`${h.url}/healthz`, { agent }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        })
          .on('error', reject)
          .end();
      });
      expect(status).toBe(200);
      await new Promise((r) => setImmediate(r));
      expect(Object.keys(agent.freeSockets)).toHaveLength(1);
      const started = Date.now();
      expect(await h.server.close(10_000)).toEqual({ cut: 0 });
      // Node's keep-alive timeout is 5 s: closing well before it means the idle socket was closed.
      expect(Date.now() - started).toBeLessThan(2_000);
    } finally {
      agent.destroy();
      await h.engine.stop(2_000);
    }
  });

  it('cuts a request still running at the deadline, and says so', async () => {
    const h = await startHarness();
    try {
      const post = await halfSentPost(h);
      const outcome = post.response.then(
        () => 'answered',
        (err: NodeJS.ErrnoException) => err.code ?? err.message,
      );
      expect(await h.server.close(200)).toEqual({ cut: 1 });
      expect(await outcome).toBe('ECONNRESET');
    } finally {
      await h.engine.stop(2_000);
    }
  });

  it('ends event streams at once: they never finish by themselves', async () => {
    const h = await startHarness();
    try {
      const viewer = await h.client('viewer');
      let unsubscribe = (): void => undefined;
      await new Promise<void>((resolve, reject) => {
        const sub = viewer.events.stream.subscribe(
          { lastEventId: null },
          { onStarted: () => resolve(), onError: reject },
        );
        unsubscribe = () => sub.unsubscribe();
      });
      const started = Date.now();
      expect(await h.server.close(10_000)).toEqual({ cut: 0 });
      expect(Date.now() - started).toBeLessThan(2_000);
      unsubscribe();
    } finally {
      await h.engine.stop(2_000);
    }
  });
});

describe('the shutdown sequence', () => {
  // The cause of restart.test.ts's "other side closed" flake: the restart call starts the shutdown
  // before its own response is written; on an idle engine the drain ends at once, and the old close()
  // (closeAllConnections) cut that response every time. Under traffic the drain usually took longer.
  it('answers the restart call that started it, and records it in the audit log, before closing', async () => {
    const h = await startHarness();
    let done: Promise<unknown> | undefined;
    h.engine.onRestartRequested(
      (drainMs) => {
        done = shutdown({
          engine: h.engine,
          server: h.server,
          drainMs,
          logger: createLogger({ format: 'json', level: 'silent' }),
        });
      },
      () => true,
    );
    const admin = await h.client('admin');
    await expect(admin.organism.restart.mutate({ drainMs: 1_000 })).resolves.toEqual({
      accepted: true,
      engines: 1,
    });
    expect(await done).toEqual({ drained: true, failed: [] });
    const journal = openJournal({ path: h.journalPath, durability: 'fast' });
    try {
      const audit = await openOperatorStore(journal).listAudit({ limit: 5, action: 'organism.restart' });
      expect(audit.items[0]).toMatchObject({ actor: 'admin', outcome: 'ok' });
    } finally {
      await journal.close();
    }
  });

  it('hands a console following the stop the drain’s last figures before it ends the event streams', async () => {
    const h = await startHarness();
    const viewer = await h.client('viewer');
    const drains: DrainEvent[] = [];
    let unsubscribe = (): void => undefined;
    // Subscribed once the stream's first item (the listeners' activity) has come.
    await new Promise<void>((resolve, reject) => {
      const sub = viewer.events.stream.subscribe(
        { lastEventId: null },
        {
          onData: ({ data }) => {
            resolve();
            if (data.kind !== 'changes') return;
            for (const { event } of data.events) if (event.type === 'drain') drains.push(event);
          },
          onError: reject,
        },
      );
      unsubscribe = () => sub.unsubscribe();
    });
    // A nap in flight: the drain waits for it, and its last figures come right after the nap's
    // acknowledgement, sooner than the stream sends a second item (itemGapMs).
    const nap = await h.engine.submit(
      ENVELOPE.replace('<to>greeter</to>', '<to>sleeper</to>').replace(
        /<greeting .*<\/greeting>/,
        '<nap xmlns=""><ms>300</ms></nap>',
      ),
    );
    expect(nap.ok).toBe(true);
    const done = await shutdown({
      engine: h.engine,
      server: h.server,
      drainMs: 5_000,
      logger: createLogger({ format: 'json', level: 'silent' }),
    });
    unsubscribe();
    expect(done).toEqual({ drained: true, failed: [] });
    const last = drains.at(-1);
    expect(last).toMatchObject({ inFlight: 0, queued: 0 });
    expect(last?.elapsedMs).toBeGreaterThanOrEqual(250);
  });

  it('runs every step when one fails, logs the failure with its stack and reports it', async () => {
    const h = await startHarness();
    const lines: string[] = [];
    const logger = createLogger({
      format: 'json',
      level: 'info',
      sinks: { out: { write: (t: string) => lines.push(t) }, err: { write: (t: string) => lines.push(t) } },
    });
    // A real failure: the server is already closed, so closing it again fails (ERR_SERVER_NOT_RUNNING).
    await h.server.close(1_000);
    const result = await shutdown({ engine: h.engine, server: h.server, drainMs: 2_000, logger });
    expect(result).toEqual({ drained: true, failed: ['close HTTP server'] });
    // The step after the failed one still ran: the engine is stopped and the journal closed, so its
    // exclusive lock is released and another process could open it.
    expect(h.engine.state).toBe('stopped');
    const reopened = openJournal({ path: h.journalPath, durability: 'fast' });
    await reopened.close();
    const entries = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const failure = entries.find((e) => e.step === 'close HTTP server');
    expect(failure).toMatchObject({ level: 'error', msg: 'shutdown: close HTTP server failed' });
    expect((failure?.err as { code: string; stack: string }).code).toBe('ERR_SERVER_NOT_RUNNING');
    expect((failure?.err as { stack: string }).stack).toMatch(/\n\s+at /);
  });

  it('closes the engine to the end when its journal fails to close, then reports that step', async () => {
    const h = await startHarness();
    await h.server.close(1_000);
    // A real failure: the journal is closed under the engine, so its own close (flush, checkpoint) throws.
    await h.journal.close();
    const closing = h.engine.close();
    await expect(closing).rejects.toThrow(AggregateError);
    await expect(closing).rejects.toThrow('engine close: journal failed');
    expect(h.engine.state).toBe('stopped');
  });
});
