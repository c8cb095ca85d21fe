import { afterEach, describe, expect, it } from 'vitest';
import { envelope, looseXsd, makePump } from '../support/pump-harness.ts';
import type { Harness, TestListener } from '../support/pump-harness.ts';

let h: Harness | undefined;
afterEach(() => h?.dispose());

const SHOP = 'urn:example:shop';
const shopXsd = `<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="${SHOP}" elementFormDefault="qualified">
  <xs:element name="order"><xs:complexType><xs:sequence>
    <xs:element name="total" type="xs:decimal"/>
    <xs:element name="item" type="xs:string" minOccurs="0" maxOccurs="unbounded"/>
  </xs:sequence><xs:attribute name="priority" type="xs:string"/></xs:complexType></xs:element>
  <xs:element name="receipt" type="xs:string"/>
</xs:schema>`;
const order = (total: number, extra = ''): string =>
  `<s:order xmlns:s="${SHOP}"${extra}><s:total>${total}</s:total><s:item>a</s:item><s:item>b</s:item></s:order>`;

/** Three listeners of <order>: one for big orders, one for urgent ones, one for all. */
function shop(): TestListener[] {
  const named = (name: string, filter?: string): TestListener => ({
    name,
    root: `{${SHOP}}order`,
    xsd: shopXsd,
    handler: () => undefined,
    ...(filter ? { filter } : {}),
  });
  return [named('big', '/order[total > 100]'), named('urgent', "/order/@priority = 'urgent'"), named('all')];
}

const receivers = (hh: Harness): string[] => hh.rec.dispatched.map((d) => d.to).sort();

describe.each([
  ['on the main thread', {}],
  ['on an intake worker', { intakeWorkers: 1, intakeAlways: true }],
])('content filters %s', (_where, opts) => {
  it('send a broadcast only to the listeners whose filter the payload passes, local names whatever the namespace', async () => {
    h = makePump(shop(), {}, opts);
    expect((await h.pump.submit(envelope(order(150)))).ok).toBe(true);
    await h.pump.whenQuiet();
    expect(receivers(h)).toEqual(['all', 'big']);

    h.rec.dispatched = [];
    expect((await h.pump.submit(envelope(order(50, ' priority="urgent"')))).ok).toBe(true);
    await h.pump.whenQuiet();
    expect(receivers(h)).toEqual(['all', 'urgent']);
  });

  it('refuse a message addressed to a listener whose filter rejects it, with FILTER_REJECTED and the expression', async () => {
    h = makePump(shop(), {}, opts);
    const res = await h.pump.submit(envelope(order(50), { from: 'client', to: 'big' }));
    expect(res).toMatchObject({
      ok: false,
      error: {
        code: 'FILTER_REJECTED',
        message: 'listener "big" takes only payloads matching /order[total > 100]; this one does not',
      },
    });
    expect(h.rec.rejected.map((r) => r.error.code)).toEqual(['FILTER_REJECTED']);
    expect((await h.pump.submit(envelope(order(500), { from: 'client', to: 'big' }))).ok).toBe(true);
    await h.pump.whenQuiet();
    expect(receivers(h)).toEqual(['big']);
  });

  it('refuse a broadcast that every filter rejects, naming the listeners, rather than drop it', async () => {
    h = makePump(
      shop().filter((l) => l.name !== 'all'),
      {},
      opts,
    );
    const res = await h.pump.submit(envelope(order(50)));
    expect(res).toMatchObject({
      ok: false,
      error: {
        code: 'FILTER_REJECTED',
        message: 'no listener takes this payload: the filters of "big", "urgent" refuse it',
        problems: [
          { message: 'listener "big" takes only payloads matching /order[total > 100]; this one does not' },
          {
            message: `listener "urgent" takes only payloads matching /order/@priority = 'urgent'; this one does not`,
          },
        ],
      },
    });
    expect(h.rec.dispatched).toEqual([]);
  });

  it('validate before filtering: an invalid payload is a SCHEMA_VIOLATION, not a filter refusal', async () => {
    h = makePump(shop(), {}, opts);
    const res = await h.pump.submit(
      envelope(`<s:order xmlns:s="${SHOP}"><s:total>lots</s:total></s:order>`, { from: 'client', to: 'big' }),
    );
    expect(res).toMatchObject({ ok: false, error: { code: 'SCHEMA_VIOLATION' } });
  });
});

describe('a filter', () => {
  it('leaves replies addressed to its listener alone: only its request roots are filtered', async () => {
    h = makePump([
      {
        name: 'big',
        root: `{${SHOP}}order`,
        xsd: shopXsd,
        filter: '/order[total > 100]',
        handler: (_p, ctx) => {
          if (ctx.root === `{${SHOP}}order`)
            ctx.forward('cashier', `<s:receipt xmlns:s="${SHOP}">r</s:receipt>`);
        },
      },
      {
        name: 'cashier',
        root: `{${SHOP}}receipt`,
        xsd: shopXsd,
        // The receipt goes back to big, whose filter would refuse it as an order.
        handler: () => `<s:receipt xmlns:s="${SHOP}">paid</s:receipt>`,
      },
    ]);
    expect((await h.pump.submit(envelope(order(300), { from: 'client', to: 'big' }))).ok).toBe(true);
    await h.pump.whenQuiet();
    expect(h.rec.dispatched.map((d) => d.to)).toEqual(['big', 'cashier', 'big']);
    expect(h.rec.failed).toEqual([]);
  });

  it('refuses a handler forward its target filters out: the run fails with FILTER_REJECTED and why', async () => {
    h = makePump([
      {
        name: 'front',
        root: 'start',
        xsd: looseXsd('start'),
        handler: (_p, ctx) => ctx.forward('big', order(5)),
      },
      ...shop().filter((l) => l.name === 'big'),
    ]);
    expect((await h.pump.submit(envelope('<start/>', { from: 'client', to: 'front' }))).ok).toBe(true);
    await h.pump.whenQuiet();
    expect(h.rec.failed.map((f) => [f.delivery.to, f.failure.code])).toEqual([['front', 'FILTER_REJECTED']]);
    expect(h.rec.failed[0]?.failure.detail).toContain('takes only payloads matching /order[total > 100]');
  });

  it('reads XPath values as boolean() does: numbers, strings and node sets', async () => {
    const cases: [string, boolean][] = [
      ['count(/order/item) >= 2', true],
      ['count(/order/item) > 2', false],
      ['/order/total * 0', false],
      ['string(/order/@priority)', false],
      ['/order/item', true],
      ['/order/nothing', false],
    ];
    for (const [filter, passes] of cases) {
      const hh = makePump([
        { name: 'one', root: `{${SHOP}}order`, xsd: shopXsd, filter, handler: () => undefined },
      ]);
      const res = await hh.pump.submit(envelope(order(10), { from: 'client', to: 'one' }));
      expect(res.ok, filter).toBe(passes);
      await hh.pump.whenQuiet();
      hh.dispose();
    }
  });
});
