import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { copyDemo, post, startHarness } from '../support/server-harness.ts';
import type { ServerHarness } from '../support/server-harness.ts';
import { until } from '../support/until.ts';

// The demo with one more listener of <order>: customs, which takes only orders shipped abroad.
const CUSTOMS = (filter: string): string => `
  - name: customs
    description: Clears orders shipped abroad.
    payload:
      schema: schemas/orders.xsd
      root: order
    handler: ./handlers/orders.ts#acceptOrder
    filter: "${filter}"
`;

let h: ServerHarness;
let yaml: string;
beforeAll(async () => {
  const dir = copyDemo('organism-filters-');
  yaml = readFileSync(join(dir, 'organism.yaml'), 'utf8');
  writeFileSync(join(dir, 'organism.yaml'), yaml + CUSTOMS("/order/shipTo/country != 'US'"));
  h = await startHarness(join(dir, 'organism.yaml'));
});
afterAll(async () => h.close());

const order = (country: string, to?: string): string =>
  `<message xmlns="https://xml-pipeline.org/ns/envelope/v1"><meta><from>shop</from>${to ? `<to>${to}</to>` : ''}</meta>` +
  `<order xmlns="urn:organism:demo:orders" xmlns:a="urn:organism:demo:address" id="o-1"><customer>ACME</customer>` +
  `<shipTo><a:street>1 Main St</a:street><a:city>Lyon</a:city><a:country>${country}</a:country></shipTo>` +
  `<line><sku>widget</sku><quantity>2</quantity><price>2.50</price></line></order></message>`;

async function reached(country: string, to?: string): Promise<string[]> {
  const res = await post(h, order(country, to));
  expect(res.status).toBe(202);
  const { messageIds } = (await res.json()) as { messageIds: string[] };
  const admin = await h.client('admin');
  const got = await Promise.all(messageIds.map((id) => admin.messages.byId.query({ id })));
  return got.map((m) => m.to ?? '').sort();
}

it('lists each listener with its filter', async () => {
  const list = await (await h.client('viewer')).listeners.list.query();
  expect(list.find((l) => l.name === 'customs')?.filter).toBe("/order/shipTo/country != 'US'");
  expect(list.find((l) => l.name === 'orders')?.filter).toBeNull();
});

it('broadcasts an order to customs only when it ships abroad', async () => {
  expect(await reached('FR')).toEqual(['customs', 'orders']);
  expect(await reached('US')).toEqual(['orders']);
});

it('answers 400 FILTER_REJECTED to an order addressed to customs that its filter refuses, and journals it', async () => {
  const res = await post(h, order('US', 'customs'));
  expect(res.status).toBe(400);
  const body = (await res.json()) as { error: { code: string; message: string } };
  expect(body.error).toMatchObject({
    code: 'FILTER_REJECTED',
    message: `listener "customs" takes only payloads matching /order/shipTo/country != 'US'; this one does not`,
  });
  const admin = await h.client('admin');
  const refused = await until('the refusal in the journal', async () => {
    const page = await admin.messages.list.query({ errorCode: 'FILTER_REJECTED' });
    return page.items.length > 0 ? page.items : undefined;
  });
  expect(refused[0]).toMatchObject({ state: 'FAILED', to: 'customs', errorCode: 'FILTER_REJECTED' });
});

it("checks a payload in the composer against the listener's filter as intake would, sending nothing", async () => {
  const op = await h.client('operator');
  const before = (await h.journal.stats()).lastSeq;
  const payload = (country: string): string =>
    order(country)
      .replace(/^.*<\/meta>/, '')
      .replace('</message>', '');
  expect(await op.messages.check.mutate({ to: 'customs', payloadXml: payload('FR') })).toEqual({
    ok: true,
    root: '{urn:organism:demo:orders}order',
  });
  const message = `listener "customs" takes only payloads matching /order/shipTo/country != 'US'; this one does not`;
  expect(await op.messages.check.mutate({ to: 'customs', payloadXml: payload('US') })).toEqual({
    ok: false,
    code: 'FILTER_REJECTED',
    message,
    problems: [{ message }],
  });
  // The filter is the listener's: orders, which has none, takes the same payload.
  expect(await op.messages.check.mutate({ to: 'orders', payloadXml: payload('US') })).toMatchObject({
    ok: true,
  });
  expect((await h.journal.stats()).lastSeq).toBe(before);
});

it('takes a new filter with a saved configuration, and refuses a bad one at its line', async () => {
  const admin = await h.client('admin');
  await admin.config.save.mutate({
    yaml: yaml + CUSTOMS("/order/shipTo/country = 'US'"),
    note: 'customs for US',
  });
  expect(await reached('US')).toEqual(['customs', 'orders']);
  expect(await reached('FR')).toEqual(['orders']);

  const bad = yaml + CUSTOMS('/order/shipTo[country =');
  // The customs filter: the last one (the demo's big-orders has one of its own).
  const line = bad.split('\n').findLastIndex((l) => l.includes('filter:')) + 1;
  try {
    await admin.config.save.mutate({ yaml: bad });
    expect.fail('a bad filter was saved');
  } catch (err) {
    if (!(err instanceof TRPCClientError)) throw err;
    const data = err.data as {
      engineCode: string;
      problems: { line?: number; path?: string; message: string }[];
    };
    expect(data.engineCode).toBe('CONFIG_INVALID');
    expect(data.problems).toEqual([expect.objectContaining({ line, path: 'listeners[8].filter' })]);
    expect(data.problems[0]?.message).toMatch(/^not an XPath 1\.0 expression/);
  }
  // The running filter is the saved one still.
  expect(await reached('FR')).toEqual(['orders']);
});
