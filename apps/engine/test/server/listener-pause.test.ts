import { TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../src/main.ts';
import { openJournal } from '../../src/journal/index.ts';
import { DEMO, post, startHarness } from '../support/server-harness.ts';
import type { ServerHarness } from '../support/server-harness.ts';
import { until } from '../support/until.ts';

let h: ServerHarness;
let closed = false;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  if (!closed) await h.close();
});

const greeting = (name: string): string =>
  `<message xmlns="https://xml-pipeline.org/ns/envelope/v1"><meta><from>t</from><to>greeter</to></meta><greeting xmlns=""><name>${name}</name></greeting></message>`;

async function codeOf(p: Promise<unknown>): Promise<string | null> {
  try {
    await p;
    return null;
  } catch (err) {
    if (!(err instanceof TRPCClientError)) throw err;
    return (err.data as { engineCode?: string } | undefined)?.engineCode ?? null;
  }
}

async function sendGreeting(name: string): Promise<string> {
  const res = await post(h, greeting(name));
  expect(res.status).toBe(202);
  return ((await res.json()) as { messageId: string }).messageId;
}

describe('pause and resume a listener', () => {
  it('keeps a paused listener’s messages PENDING and delivers them on resume, audited', async () => {
    const ops = await h.client('operator');
    const paused = await ops.listeners.pause.mutate({ name: 'greeter' });
    expect(paused).toMatchObject({ name: 'greeter', paused: { by: 'operator' } });
    const id = await sendGreeting('paused');
    await new Promise((r) => setTimeout(r, 100));
    expect((await ops.messages.byId.query({ id })).state).toBe('PENDING');
    expect(await ops.listeners.byName.query({ name: 'greeter' })).toMatchObject({
      state: 'paused',
      queued: 1,
      paused: { by: 'operator' },
    });

    expect(await ops.listeners.resume.mutate({ name: 'greeter' })).toEqual({ waiting: 1 });
    await until('ACKED', async () =>
      (await ops.messages.byId.query({ id })).state === 'ACKED' ? true : undefined,
    );
    const info = await ops.listeners.byName.query({ name: 'greeter' });
    expect(info.paused).toBeNull();
    expect(info.state).not.toBe('paused');

    const admin = await h.client('admin');
    const audit = await admin.audit.list.query({ limit: 10, actor: 'operator' });
    expect(audit.items.map((a) => [a.action, a.target, a.outcome])).toEqual(
      expect.arrayContaining([
        ['listener.pause', 'greeter', 'ok'],
        ['listener.resume', 'greeter', 'ok'],
      ]),
    );
  });

  it('refuses a viewer, an unknown listener and the engine’s own listeners', async () => {
    const viewer = await h.client('viewer');
    expect(await codeOf(viewer.listeners.pause.mutate({ name: 'greeter' }))).toBe('FORBIDDEN');
    const ops = await h.client('operator');
    expect(await codeOf(ops.listeners.pause.mutate({ name: 'nobody' }))).toBe('NOT_FOUND');
    expect(await codeOf(ops.listeners.pause.mutate({ name: 'system.boot' }))).toBe('FORBIDDEN');
    expect((await ops.listeners.byName.query({ name: 'greeter' })).paused).toBeNull();
  });
});

describe('republish provenance', () => {
  it('links the new message to its source both ways and audits both ids', async () => {
    const ops = await h.client('operator');
    const source = await sendGreeting('first');
    await until('ACKED', async () =>
      (await ops.messages.byId.query({ id: source })).state === 'ACKED' ? true : undefined,
    );
    const sent = await ops.messages.inject.mutate({
      to: 'greeter',
      payloadXml: '<greeting><name>again</name></greeting>',
      republishOf: source,
    });
    const [copy] = sent.messageIds;
    expect(copy).toBeDefined();
    const copyDetail = await ops.messages.byId.query({ id: copy ?? '' });
    expect(copyDetail.republishOf).toMatchObject({ id: source, by: 'console:operator' });
    const sourceDetail = await ops.messages.byId.query({ id: source });
    expect(sourceDetail.republishOf).toBeNull();
    expect(sourceDetail.republishedAs.map((r) => r.id)).toEqual([copy]);

    const admin = await h.client('admin');
    const [entry] = (await admin.audit.list.query({ limit: 1, action: 'message.republish' })).items;
    expect(entry?.outcome).toBe('ok');
    expect(JSON.parse(entry?.detail ?? '{}')).toMatchObject({ republishOf: source, messageIds: [copy] });

    expect(
      await codeOf(
        ops.messages.inject.mutate({
          to: 'greeter',
          payloadXml: '<greeting><name>x</name></greeting>',
          republishOf: 'no-such-message',
        }),
      ),
    ).toBe('NOT_FOUND');
  });
});

describe('a pause outlives a restart', () => {
  it('starts paused with the waiting message still PENDING, then delivers it on resume', async () => {
    const ops = await h.client('operator');
    await ops.listeners.pause.mutate({ name: 'greeter' });
    const id = await sendGreeting('across');
    const drained = await h.engine.drain(2_000);
    expect(drained).toEqual({ drained: true });
    await h.close();
    closed = true;

    const journal = openJournal({ path: h.journalPath, durability: 'fast' });
    const engine = await createEngine(DEMO, { journal });
    try {
      await engine.start();
      expect(engine.listeners().find((l) => l.name === 'greeter')).toMatchObject({
        state: 'paused',
        queued: 1,
        paused: { by: 'operator' },
      });
      expect((await engine.getMessage(id))?.state).toBe('PENDING');
      await engine.resumeListener('greeter');
      await until('ACKED', async () => ((await engine.getMessage(id))?.state === 'ACKED' ? true : undefined));
    } finally {
      await engine.stop(2_000);
    }
  });
});
