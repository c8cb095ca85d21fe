import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { post, startHarness } from '../support/server-harness.ts';
import type { ServerHarness } from '../support/server-harness.ts';

let h: ServerHarness;
beforeAll(async () => {
  h = await startHarness();
  for (let n = 1; n <= 12; n++) expect((await post(h, order(n, n * 20))).status).toBe(202);
  expect((await post(h, greeting('Grace Hopper'))).status).toBe(202);
  await h.engine.whenQuiet();
});
afterAll(async () => h.close());

function order(n: number, quantity: number): string {
  return `<message xmlns="https://xml-pipeline.org/ns/envelope/v1"><meta><from>traffic</from><to>orders</to></meta><order xmlns="urn:organism:demo:orders" xmlns:a="urn:organism:demo:address" id="o-${n}"><customer>ACME ${n}</customer><shipTo><a:street>1 Main St</a:street><a:city>Springfield</a:city><a:country>US</a:country></shipTo><line><sku>widget</sku><quantity>${quantity}</quantity><price>2.50</price></line></order></message>`;
}
function greeting(name: string): string {
  return `<message xmlns="https://xml-pipeline.org/ns/envelope/v1"><meta><from>traffic</from><to>greeter</to></meta><greeting xmlns=""><name>${name}</name></greeting></message>`;
}

/** The engine code and problems of a refused call. */
async function refused(call: Promise<unknown>): Promise<{ engineCode: unknown; problems: unknown }> {
  try {
    await call;
  } catch (err) {
    const data = (err as { data?: { engineCode?: unknown; problems?: unknown } }).data;
    return { engineCode: data?.engineCode, problems: data?.problems };
  }
  throw new Error('the call was not refused');
}

describe('messages.search', () => {
  it('finds a viewer the messages whose payload holds a text, with a snippet around it', async () => {
    const viewer = await h.client('viewer');
    const res = await viewer.messages.search.query({ text: 'grace' });
    // The greeting, and what the organism made of it on its way (any case matches).
    const sent = res.items.find((m) => m.from === 'traffic' && m.to === 'greeter');
    expect(sent?.snippet).toBe('Grace Hopper');
    expect(res.items.map((m) => m.snippet)).toContain('HELLO, GRACE HOPPER!');
    expect(res.nextCursor).toBeNull();
  });

  it('evaluates an XPath over payloads by local names, within a listener, and says what matched', async () => {
    const viewer = await h.client('viewer');
    const res = await viewer.messages.search.query({ to: 'orders', xpath: '/order[line/quantity > 200]' });
    expect(res.items.map((m) => m.snippet.split(' ')[0])).toEqual(['order:', 'order:']);
    expect(res.items.every((m) => m.to === 'orders')).toBe(true);
    expect(res.items.map((m) => m.snippet)).toEqual([
      expect.stringContaining('ACME 12'),
      expect.stringContaining('ACME 11'),
    ]);
    const both = await viewer.messages.search.query({ text: 'acme 3', xpath: '//quantity = 60' });
    expect(both.items).toHaveLength(1);
  });

  it('goes on from its cursor when the scan budget runs out, each hit once', async () => {
    const viewer = await h.client('viewer');
    const seen: string[] = [];
    let cursor: string | undefined;
    let requests = 0;
    do {
      const page = await viewer.messages.search.query({
        to: 'orders',
        xpath: '/order[line/quantity >= 100]',
        scan: 4,
        limit: 2,
        ...(cursor ? { cursor } : {}),
      });
      expect(page.scanned).toBeLessThanOrEqual(4);
      if (requests === 0) expect(page.candidates).toBe(12);
      seen.push(...page.items.map((m) => m.id));
      cursor = page.nextCursor ?? undefined;
      requests++;
    } while (cursor && requests < 20);
    expect(seen).toHaveLength(8);
    expect(new Set(seen).size).toBe(8);
  });

  it('refuses a bad XPath at its field, saying what is wrong', async () => {
    const viewer = await h.client('viewer');
    expect(await refused(viewer.messages.search.query({ xpath: '/order[' }))).toEqual({
      engineCode: 'INPUT_INVALID',
      problems: [{ path: 'xpath', message: 'not an XPath 1.0 expression: invalid expression' }],
    });
    expect(await refused(viewer.messages.search.query({ xpath: 'nope(1)' }))).toEqual({
      engineCode: 'INPUT_INVALID',
      problems: [
        {
          path: 'xpath',
          message:
            "not an XPath 1.0 expression: no function nope() (XPath 1.0's own, such as contains() or count(), only)",
        },
      ],
    });
  });

  it('refuses an XPath too costly on one payload at its field, in milliseconds, and serves meanwhile', async () => {
    const viewer = await h.client('viewer');
    // Every element, for every element, for every element…: 15 elements nested six deep would be 15^6
    // steps a payload. Unbounded, a deeper one on a larger payload held the engine's thread for minutes.
    let nested = 'count(//*)';
    for (let i = 0; i < 5; i++) nested = `count(//*[${nested} > 0])`;
    const health = fetch(`${h.url}/healthz`);
    const res = await refused(viewer.messages.search.query({ xpath: nested }));
    expect(res.engineCode).toBe('INPUT_INVALID');
    const [problem] = res.problems as { path: string; message: string }[];
    expect(problem?.path).toBe('xpath');
    expect(problem?.message).toMatch(
      /^the XPath takes more than 500,000 steps on one payload: .*grows with the square of its size/,
    );
    expect((await health).status).toBe(200);
    // The same search's export is refused alike.
    expect((await refused(viewer.messages.exportPage.query({ xpath: nested }))).engineCode).toBe(
      'INPUT_INVALID',
    );
  });

  it('refuses an empty query, a text without words and limits out of range', async () => {
    const viewer = await h.client('viewer');
    expect(await refused(viewer.messages.search.query({ to: 'orders' }))).toEqual({
      engineCode: 'INPUT_INVALID',
      problems: [{ path: 'text', message: 'give a text to find, an XPath, or both' }],
    });
    expect((await refused(viewer.messages.search.query({ text: '  --  ' }))).problems).toEqual([
      { path: 'text', message: 'has no letter or digit to look for' },
    ]);
    expect((await refused(viewer.messages.search.query({ xpath: '/order', scan: 20_000 }))).problems).toEqual(
      [{ path: 'scan', message: 'is at most 10,000 with an XPath' }],
    );
    const tooMany = await refused(viewer.messages.search.query({ text: 'acme', limit: 1000 }));
    expect(tooMany.engineCode).toBe('INPUT_INVALID');
    expect(tooMany.problems).toEqual([expect.objectContaining({ path: 'limit' })]);
  });

  it('runs one search of each user at a time, two in all, and refuses a user more than four waiting', async () => {
    let running = 0;
    let most = 0;
    const search = h.journal.search.bind(h.journal);
    h.journal.search = async (req) => {
      running++;
      most = Math.max(most, running);
      try {
        return await search(req);
      } finally {
        running--;
      }
    };
    try {
      const viewer = await h.client('viewer');
      // One batched request of twenty (the client batches calls made together), and a second user's.
      const other = await h.client('operator');
      const settle = (p: Promise<{ items: unknown[] }>) =>
        p.then(
          (a) => ({ answered: a.items.length > 0 }),
          (err: unknown) => ({ refused: (err as { data?: { engineCode?: string } }).data?.engineCode }),
        );
      const [mine, theirs] = await Promise.all([
        Promise.all(
          Array.from({ length: 20 }, () =>
            settle(viewer.messages.search.query({ xpath: '//city', scan: 5000 })),
          ),
        ),
        Promise.all(
          Array.from({ length: 3 }, () => settle(other.messages.search.query({ text: 'springfield' }))),
        ),
      ]);
      expect(mine.filter((a) => 'answered' in a && a.answered)).toHaveLength(4);
      expect(mine.filter((a) => 'refused' in a && a.refused === 'RATE_LIMITED')).toHaveLength(16);
      expect(theirs.every((a) => 'answered' in a && a.answered)).toBe(true);
      // Two at most: whether the two users' searches overlap at all is the machine's timing.
      expect(most).toBeGreaterThan(0);
      expect(most).toBeLessThanOrEqual(2);
      const message = await viewer.messages.search
        .query({ text: 'acme' })
        .then(() => 'answered once the others were');
      expect(message).toBe('answered once the others were');
    } finally {
      h.journal.search = search;
    }
  });

  it('is refused to anyone not signed in', async () => {
    const anonymous = await h.client();
    expect((await refused(anonymous.messages.search.query({ text: 'acme' }))).engineCode).toBe(
      'UNAUTHORIZED',
    );
    expect((await refused(anonymous.messages.exportPage.query({}))).engineCode).toBe('UNAUTHORIZED');
  });
});

describe('messages.exportPage', () => {
  it('pages a filtered list with each entry’s envelope', async () => {
    const viewer = await h.client('viewer');
    const first = await viewer.messages.exportPage.query({ to: 'orders', limit: 5 });
    expect(first.items).toHaveLength(5);
    expect(first.items[0]?.envelopeXml).toMatch(
      /^<env:message [^>]*><env:meta><env:from>traffic<\/env:from><env:to>orders/,
    );
    expect(first.items[0]?.payloadXml).toContain('<customer>ACME 12</customer>');
    let cursor = first.nextCursor;
    let total = first.items.length;
    while (cursor) {
      const page = await viewer.messages.exportPage.query({ to: 'orders', limit: 5, cursor });
      total += page.items.length;
      cursor = page.nextCursor;
    }
    expect(total).toBe(12);
  });

  it('exports one thread’s messages, and nothing for a thread that has none', async () => {
    const viewer = await h.client('viewer');
    const [one] = (await viewer.messages.exportPage.query({ to: 'orders', limit: 1 })).items;
    const threadId = one?.threadId ?? '';
    const page = await viewer.messages.exportPage.query({ threadId });
    expect(page.items.length).toBeGreaterThan(0);
    expect(new Set(page.items.map((m) => m.threadId))).toEqual(new Set([threadId]));
    expect(page.items.map((m) => m.id)).toContain(one?.id);
    expect((await viewer.messages.exportPage.query({ threadId: crypto.randomUUID() })).items).toEqual([]);
  });

  it('pages a search the same way', async () => {
    const viewer = await h.client('viewer');
    const page = await viewer.messages.exportPage.query({ xpath: '/order[@id = "o-7"]' });
    expect(page.items.map((m) => m.payloadXml)).toEqual([expect.stringContaining('ACME 7')]);
  });
});
