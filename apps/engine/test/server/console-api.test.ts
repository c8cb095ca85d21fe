import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { post, startHarness } from '../support/server-harness.ts';
import type { ServerHarness } from '../support/server-harness.ts';

let h: ServerHarness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h.close());

const envelope = (to: string, payload: string, from = 'traffic'): string =>
  `<message xmlns="https://xml-pipeline.org/ns/envelope/v1"><meta><from>${from}</from><to>${to}</to></meta>${payload}</message>`;
const greeting = (n: number, from?: string): string =>
  envelope('greeter', `<greeting xmlns=""><name>v${n}</name></greeting>`, from);
const divideByZero = (n: number): string =>
  envelope('tools.calculator', `<calculate xmlns=""><a>${n}</a><op>div</op><b>0</b></calculate>`);

async function send(body: string): Promise<{ threadId: string; messageId: string }> {
  const res = await post(h, body);
  expect(res.status).toBe(202);
  return (await res.json()) as { threadId: string; messageId: string };
}

/** GET a query by hand, as the console's batch link would, and answer the status and engine code. */
async function refusal(path: string, input: unknown): Promise<{ status: number; engineCode: string }> {
  const login = await fetch(`${h.url}/trpc/auth.login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'viewer', password: 'correct horse battery' }),
  });
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const res = await fetch(`${h.url}/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}`, {
    headers: { cookie },
  });
  const body = (await res.json()) as { error: { data: { engineCode: string } } };
  return { status: res.status, engineCode: body.error.data.engineCode };
}

describe('the console’s queries', () => {
  it('lists the routes messages took, listeners and outside producers alike', async () => {
    for (let i = 0; i < 3; i++) await send(greeting(i));
    await send(greeting(9, 'console:ada'));
    await send(divideByZero(1));
    await h.engine.whenQuiet();
    const viewer = await h.client('viewer');
    const { since, routes } = await viewer.listeners.routes.query({});
    expect(since).toBeLessThanOrEqual(Date.now());
    const route = (from: string, to: string) => routes.find((r) => r.from === from && r.to === to);
    expect(route('traffic', 'greeter')).toMatchObject({ count: 3, failed: 0 });
    expect(route('greeter', 'shouter')).toMatchObject({ count: 4 });
    expect(route('shouter', 'greeter')).toMatchObject({ count: 4 });
    // Egress: the answer leaves the organism for the producer that asked.
    expect(route('greeter', 'traffic')).toMatchObject({ count: 3 });
    expect(route('greeter', 'console:ada')).toMatchObject({ count: 1 });
    expect(route('traffic', 'tools.calculator')).toMatchObject({ count: 1, failed: 1 });
    expect(route('traffic', 'greeter')?.perSecond).toBeGreaterThan(0);
    // The listeners carry when a delivery last failed: the console marks them failing for a while after.
    const listeners = await viewer.listeners.list.query();
    const calculator = listeners.find((l) => l.name === 'tools.calculator');
    expect(calculator?.failed).toBe(1);
    expect(calculator?.lastFailedAt).toBeGreaterThanOrEqual(since);
    expect(calculator?.lastFailedAt).toBeLessThanOrEqual(Date.now());
    expect(listeners.find((l) => l.name === 'greeter')?.lastFailedAt).toBeNull();
    expect(await refusal('listeners.routes', { windowSeconds: 5 })).toEqual({
      status: 400,
      engineCode: 'INPUT_INVALID',
    });
  });

  it('gives a listener’s element tree from its XSD, includes and imports too', async () => {
    const viewer = await h.client('viewer');
    const { roots } = await viewer.listeners.elements.query({ name: 'orders' });
    expect(roots.map((r) => r.name)).toEqual(['order']);
    const [order] = roots;
    expect(order).toMatchObject({
      namespace: 'urn:organism:demo:orders',
      compositor: 'sequence',
      attributes: [{ name: 'id', type: 'xs:token', required: true }],
    });
    expect(order?.children.map((c) => [c.name, c.type, c.minOccurs, c.maxOccurs])).toEqual([
      ['customer', 'xs:string', 1, 1],
      ['shipTo', 'addr:Address', 1, 1],
      ['line', 'Line', 1, 100],
    ]);
    // The address type comes from the imported file.
    expect(order?.children[1]?.children.length).toBeGreaterThan(0);
    const calc = await viewer.listeners.elements.query({ name: 'tools.calculator', root: 'result' });
    expect(calc.roots).toMatchObject([{ name: 'result', namespace: null, children: [{ name: 'value' }] }]);
    expect(await refusal('listeners.elements', { name: 'nobody' })).toEqual({
      status: 404,
      engineCode: 'NOT_FOUND',
    });
    expect(await refusal('listeners.elements', { name: 'orders', root: '{urn:x}nothing' })).toEqual({
      status: 400,
      engineCode: 'INPUT_INVALID',
    });
  });

  it('groups dead letters, previews a bulk retry with a count and five of them', async () => {
    for (let i = 0; i < 7; i++) await send(divideByZero(i + 10));
    await h.engine.whenQuiet();
    const viewer = await h.client('viewer');
    const { total, groups } = await viewer.journal.deadLetters.query({});
    const calc = groups.find((g) => g.to === 'tools.calculator');
    expect(calc).toMatchObject({ errorCode: 'HANDLER_ERROR' });
    expect(calc?.count).toBeGreaterThanOrEqual(8);
    expect(total).toBe(groups.reduce((n, g) => n + g.count, 0));
    const sample = await viewer.messages.byId.query({ id: calc?.sampleId ?? '' });
    expect(sample).toMatchObject({ state: 'FAILED', to: 'tools.calculator' });
    expect((await viewer.journal.deadLetters.query({ to: 'greeter' })).groups).toEqual([]);
    // The latest failures, by when they failed: the newest is the group's sample, eight by default.
    const latest = await viewer.journal.latestFailures.query({});
    expect(latest).toHaveLength(8);
    expect(latest[0]).toMatchObject({ id: calc?.sampleId, state: 'FAILED', errorCode: 'HANDLER_ERROR' });
    const times = latest.map((m) => m.updatedAt);
    expect(times).toEqual(times.toSorted((a, b) => b - a));
    expect(await refusal('journal.latestFailures', { limit: 0 })).toEqual({
      status: 400,
      engineCode: 'INPUT_INVALID',
    });
    const operator = await h.client('operator');
    const dry = await operator.journal.retryMany.mutate({
      filter: { to: 'tools.calculator' },
      dryRun: true,
    });
    expect(dry.count).toBe(calc?.count);
    expect(dry.sample).toHaveLength(5);
    expect(dry.sample.every((m) => m.to === 'tools.calculator' && m.state === 'FAILED')).toBe(true);
    expect(dry).not.toHaveProperty('ids');
    // A retry answers the ids it queued again, for the console to follow: those the dry run counted.
    const failed = await viewer.journal.list.query({ to: 'tools.calculator', state: 'FAILED', limit: 100 });
    const done = await operator.journal.retryMany.mutate({
      filter: { to: 'tools.calculator' },
      dryRun: false,
    });
    expect(done.count).toBe(calc?.count);
    expect(new Set(done.ids)).toEqual(new Set(failed.items.map((m) => m.id)));
  });

  it('lists threads by participant on either side, and refuses the retired `listener`', async () => {
    const { threadId } = await send(greeting(42, 'billing'));
    await h.engine.whenQuiet();
    const viewer = await h.client('viewer');
    const page = await viewer.threads.list.query({ participant: 'billing' });
    expect(page.items.map((t) => t.id)).toEqual([threadId]);
    expect(page.items[0]?.participants).toEqual(['billing', 'greeter', 'shouter']);
    expect(await refusal('threads.list', { listener: 'greeter' })).toEqual({
      status: 400,
      engineCode: 'INPUT_INVALID',
    });
  });

  it('gives a thread’s latest hops, as many as asked, with the count of them all', async () => {
    const { threadId } = await send(greeting(1));
    // An envelope naming the thread joins it: three more greetings, four hops each.
    for (let i = 2; i <= 4; i++) {
      const joined = `<message xmlns="https://xml-pipeline.org/ns/envelope/v1"><meta><from>traffic</from><to>greeter</to><thread>${threadId}</thread></meta><greeting xmlns=""><name>v${i}</name></greeting></message>`;
      expect((await send(joined)).threadId).toBe(threadId);
    }
    await h.engine.whenQuiet();
    const viewer = await h.client('viewer');
    const whole = await viewer.threads.byId.query({ id: threadId });
    expect(whole).toMatchObject({ truncated: false, summary: null });
    expect(whole.messages).toHaveLength(16);
    const latest = await viewer.threads.byId.query({ id: threadId, hops: 5 });
    expect(latest).toMatchObject({ truncated: true });
    expect(latest.summary).toMatchObject({
      id: threadId,
      messages: 16,
      failed: 0,
      status: 'completed',
      participants: ['greeter', 'shouter', 'traffic'],
      firstAt: whole.messages[0]?.createdAt,
    });
    // The latest five as the journal pages them (newest first, by time then id), each after its cause.
    const newest = [...whole.messages].sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1));
    expect(latest.messages.map((m) => m.id).sort()).toEqual(
      newest
        .slice(0, 5)
        .map((m) => m.id)
        .sort(),
    );
    const at = new Map(latest.messages.map((m, i) => [m.id, i]));
    for (const [i, m] of latest.messages.entries()) expect(at.get(m.parentId ?? '') ?? -1).toBeLessThan(i);
    expect(await viewer.threads.byId.query({ id: threadId, hops: 16 })).toMatchObject({ truncated: false });
    for (const hops of [0, 5001, 2.5])
      expect(await refusal('threads.byId', { id: threadId, hops })).toEqual({
        status: 400,
        engineCode: 'INPUT_INVALID',
      });
  });

  it('finds a message, a thread or a listener from a piece of its id or name', async () => {
    const { threadId, messageId } = await send(greeting(7));
    await h.engine.whenQuiet();
    const viewer = await h.client('viewer');
    const byId = await viewer.organism.find.query({ q: messageId });
    expect(byId.messages.map((m) => m.id)).toEqual([messageId]);
    const byPrefix = await viewer.organism.find.query({ q: threadId.slice(0, 13) });
    expect(byPrefix.threads.map((t) => t.id)).toEqual([threadId]);
    expect(byPrefix.threads[0]).toMatchObject({ status: 'completed' });
    expect((await viewer.organism.find.query({ q: 'CALC' })).listeners).toEqual(['tools.calculator']);
    expect(await viewer.organism.find.query({ q: 'zzzz-none' })).toEqual({
      messages: [],
      threads: [],
      listeners: [],
    });
    expect(await refusal('organism.find', { q: '' })).toEqual({ status: 400, engineCode: 'INPUT_INVALID' });
  });
});

describe('the composer’s check', () => {
  it('checks a payload against a listener’s contract at the lines and columns as written, sending nothing', async () => {
    const op = await h.client('operator');
    const before = (await h.journal.stats()).lastSeq;
    expect(
      await op.messages.check.mutate({
        to: 'greeter',
        payloadXml: '<greeting>\n  <name>ada</name>\n</greeting>',
      }),
    ).toEqual({ ok: true, root: 'greeting' });
    const invalid = await op.messages.check.mutate({
      to: 'greeter',
      payloadXml: '<greeting>\n  <name>ada</name>\n  <nom>x</nom>\n</greeting>',
    });
    expect(invalid).toMatchObject({ ok: false, code: 'SCHEMA_VIOLATION' });
    if (invalid.ok) throw new Error('expected problems');
    expect(invalid.problems[0]).toMatchObject({ line: 3, message: expect.stringMatching(/nom/) as unknown });
    const malformed = await op.messages.check.mutate({
      to: 'greeter',
      payloadXml: '<greeting>\n  <name>ada</nam>',
    });
    expect(malformed).toMatchObject({ ok: false, code: 'MALFORMED_XML', problems: [{ line: 2 }] });
    const entity = await op.messages.check.mutate({
      to: 'greeter',
      payloadXml:
        '<!DOCTYPE g [<!ENTITY x SYSTEM "file:///etc/passwd">]><greeting><name>&x;</name></greeting>',
    });
    expect(entity).toMatchObject({ ok: false, code: 'DOCTYPE_FORBIDDEN' });
    const huge = await op.messages.check.mutate({
      to: 'greeter',
      payloadXml: `<greeting><name>${'x'.repeat(h.engine.config.pump.maxMessageBytes)}</name></greeting>`,
    });
    expect(huge).toMatchObject({ ok: false, code: 'PAYLOAD_TOO_LARGE' });
    // Well-formed, but with no canonical form: the check and the send refuse it alike, saying why.
    const relative = '<greeting xmlns:q="orders">\n  <name>ada</name>\n</greeting>';
    const why = /^namespace "orders" \(xmlns:q\) is a relative URI, which canonical XML refuses/;
    expect(await op.messages.check.mutate({ to: 'greeter', payloadXml: relative })).toMatchObject({
      ok: false,
      code: 'MALFORMED_XML',
      message: expect.stringMatching(why) as unknown,
      problems: [{ line: 1 }],
    });
    await expect(op.messages.inject.mutate({ to: 'greeter', payloadXml: relative })).rejects.toMatchObject({
      data: { httpStatus: 400, engineCode: 'MALFORMED_XML' },
      message: expect.stringMatching(why) as unknown,
    });
    // Nothing was sent or journaled.
    expect((await h.journal.stats()).lastSeq).toBe(before);
  });

  it('says which listener does not exist, and is an operator’s (a viewer composes nothing)', async () => {
    const op = await h.client('operator');
    await expect(op.messages.check.mutate({ to: 'nobody', payloadXml: '<a/>' })).rejects.toMatchObject({
      data: { engineCode: 'NOT_FOUND' },
      message: expect.stringMatching(/nobody/) as unknown,
    });
    const viewer = await h.client('viewer');
    await expect(viewer.messages.check.mutate({ to: 'greeter', payloadXml: '<a/>' })).rejects.toMatchObject({
      data: { code: 'FORBIDDEN' },
    });
  });
});

describe('the overview’s throughput history', () => {
  it('gives five minutes of outcomes per second, with what this engine wrote in them', async () => {
    await send(greeting(300));
    await send(divideByZero(301));
    expect((await post(h, '<message><oops')).status).toBe(400);
    await h.engine.whenQuiet();
    await new Promise((r) => setTimeout(r, 1_100)); // the second of these writes is whole
    const viewer = await h.client('viewer');
    const t = await viewer.journal.throughput.query();
    expect(t.delivered).toHaveLength(300);
    const sum = (xs: (number | null)[]): number => xs.reduce<number>((n, x) => n + (x ?? 0), 0);
    expect(sum(t.delivered)).toBeGreaterThan(0);
    expect(sum(t.failed)).toBeGreaterThan(0);
    expect(sum(t.rejected)).toBeGreaterThan(0);
    expect(t.start + 299).toBeLessThan(Date.now() / 1000);
  });
});

describe('organism.info', () => {
  it('tells a viewer the organism, its durability and limits, and nothing of the server’s folders', async () => {
    const viewer = await h.client('viewer');
    const info = await viewer.organism.info.query();
    expect(info).toEqual({
      name: h.engine.config.name,
      description: h.engine.config.description ?? null,
      durability: h.engine.durability,
      limits: h.engine.config.pump,
    });
    expect(JSON.stringify(info)).not.toContain(h.engine.config.baseDir);
  });
});
