import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { post, startHarness } from '../support/server-harness.ts';
import type { ServerHarness } from '../support/server-harness.ts';

/**
 * Envelopes byte for byte as xml-pipeline writes them (`_wrap_in_envelope`): pretty-printed, the
 * envelope namespace as the default, payloads un-declaring it with `xmlns=""`. The signed ones carry
 * an Ed25519 `sig` at the end of `<meta>`, where its envelope.xsd allows elements of other namespaces.
 */
const fixture = (name: string): string =>
  readFileSync(new URL(`../fixtures/xml-pipeline/${name}`, import.meta.url), 'utf8');

let h: ServerHarness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h.close());

async function quietWithin(ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still busy after ${ms} ms`)), ms);
  });
  await Promise.race([h.engine.whenQuiet(), late]).finally(() => clearTimeout(timer));
}

async function accepted(name: string): Promise<{ messageId: string; threadId: string }> {
  const res = await post(h, fixture(name));
  const body = (await res.json()) as { messageId: string; threadId: string };
  expect(res.status, JSON.stringify(body)).toBe(202);
  await h.engine.whenQuiet();
  return body;
}

describe('envelopes written by xml-pipeline', () => {
  it('accepts an unsigned one from a producer named like a person and routes it', async () => {
    const { messageId, threadId } = await accepted('greeting-from-console.xml');
    const viewer = await h.client('viewer');
    const entry = await viewer.messages.byId.query({ id: messageId });
    expect(entry).toMatchObject({ from: 'console:Jane Doe', to: 'greeter', state: 'ACKED', threadId });
    const thread = await viewer.threads.byId.query({ id: threadId });
    expect(thread.messages.map((m) => `${m.from}->${m.to}:${m.root}:${m.state}`)).toEqual([
      'console:Jane Doe->greeter:greeting:ACKED',
      'greeter->shouter:shout:ACKED',
      'shouter->greeter:shouted:ACKED',
      'greeter->console:Jane Doe:greeted:ACKED',
    ]);
  });

  it('accepts signed ones, routes them and keeps the signature in the journal', async () => {
    for (const [name, to] of [
      ['signed-greeting.xml', 'greeter'],
      ['signed-calculate.xml', 'tools.calculator'],
    ] as const) {
      const { messageId } = await accepted(name);
      const entry = await (await h.client('viewer')).messages.byId.query({ id: messageId });
      expect(entry).toMatchObject({ to, state: 'ACKED' });
      expect(entry.envelopeXml).toContain(
        '<sig xmlns="https://xml-pipeline.org/ns/sig/v1" alg="ed25519">EU0tHFxPxeXLfX4ZU9u/eRgMCWvkT2l98HZL3TL24Q6LhRvqYFzrhCy5S4b8QCb8jfWcEq4WeFZBFVbDUTvODA==</sig>',
      );
      // The payload a handler sees is the payload alone: the signature stays in the envelope.
      expect(entry.payloadXml).not.toContain('sig');
    }
  });

  it('finds messages and threads by such a producer name in the console filters', async () => {
    const { threadId } = await accepted('greeting-from-console.xml');
    const viewer = await h.client('viewer');
    const mine = await viewer.messages.list.query({ participant: 'console:Jane Doe', limit: 500 });
    expect(mine.items.length).toBeGreaterThan(0);
    expect(mine.items.every((m) => m.from === 'console:Jane Doe' || m.to === 'console:Jane Doe')).toBe(true);
    const threads = await viewer.threads.list.query({ limit: 500 });
    expect(threads.items.find((t) => t.id === threadId)?.participants).toContain('console:Jane Doe');
  });

  it('refuses the envelope its greeter writes when it forwards: the sender is one of our listeners', async () => {
    const res = await post(h, fixture('forwarded-by-its-greeter.xml'));
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({
      error: {
        code: 'SENDER_RESERVED',
        message: expect.stringMatching(
          /from "greeter", which is the name of a listener of this organism/,
        ) as string,
        problems: [{ line: 3, path: '/*/*[1]/*[1]' }],
      },
    });
    // Before, greeter and shouter bounced SystemErrors at each other with no end.
    await quietWithin(2_000);
    expect(h.engine.status()).toMatchObject({ openThreads: 0, inFlight: 0, queued: 0 });
  });
});
