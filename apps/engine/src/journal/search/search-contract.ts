/**
 * The search part of the Journal contract: every journal finds the same entries for the same request.
 * Run beside describeJournalContract by each implementation's test file.
 */
import { describe, expect, it } from 'vitest';
import { delivery } from '../journal-contract.ts';
import type { Journal } from '../journal.ts';
import type { SearchPage, SearchRequest } from './search-request.ts';
import { parseTextQuery } from './text-query.ts';

const order = (id: string, customer: string, total: number): string =>
  `<order xmlns="urn:shop" xmlns:a="urn:addr" id="${id}"><customer>${customer}</customer><a:city>Zürich &amp; Basel</a:city><total>${total}</total></order>`;

function request(over: Partial<SearchRequest> & { q?: string } = {}): SearchRequest {
  const { q, ...rest } = over;
  const text = q === undefined ? undefined : (parseTextQuery(q) ?? undefined);
  return { filter: {}, limit: 50, scan: 1000, ...(text ? { text } : {}), ...rest };
}

async function all(j: Journal, req: SearchRequest): Promise<{ ids: string[]; pages: SearchPage[] }> {
  const pages: SearchPage[] = [];
  let cursor: string | undefined;
  do {
    const page = await j.search({ ...req, ...(cursor ? { cursor } : {}) });
    pages.push(page);
    cursor = page.nextCursor ?? undefined;
  } while (cursor && pages.length < 100);
  return { ids: pages.flatMap((p) => p.hits.map((h) => h.entry.id)), pages };
}

export function describeSearchContract(name: string, make: () => Journal | Promise<Journal>): void {
  describe(`${name} journal search`, () => {
    it('finds entries by the words of their payload, all of them, any case and accents, newest first', async () => {
      const j = await make();
      const a = delivery({ to: 'orders', root: 'order', payloadXml: order('o-1', 'ACME Widgets', 150) });
      const b = delivery({ to: 'orders', root: 'order', payloadXml: order('o-2', 'Globex', 90) });
      const c = delivery({ to: 'orders', root: 'order', payloadXml: order('o-3', 'acme gadgets', 20) });
      await j.hooks.onIntent?.([a, b, c]);
      expect((await j.search(request({ q: 'acme' }))).hits.map((h) => h.entry.id)).toEqual([c.id, a.id]);
      expect((await j.search(request({ q: 'ACME widgets' }))).hits.map((h) => h.entry.id)).toEqual([a.id]);
      expect((await j.search(request({ q: 'zurich basel' }))).hits).toHaveLength(3);
      // Attribute values are text; element names and namespace URIs are not.
      expect((await j.search(request({ q: 'o-2' }))).hits.map((h) => h.entry.id)).toEqual([b.id]);
      expect((await j.search(request({ q: 'customer' }))).hits).toEqual([]);
      expect((await j.search(request({ q: 'urn' }))).hits).toEqual([]);
      await j.close();
    });

    it('matches quoted phrases in order and a trailing * as a prefix', async () => {
      const j = await make();
      const a = delivery({ payloadXml: '<note><text>red apple pie</text></note>' });
      const b = delivery({ payloadXml: '<note><text>apple red pie</text></note>' });
      await j.hooks.onIntent?.([a, b]);
      expect((await j.search(request({ q: '"red apple"' }))).hits.map((h) => h.entry.id)).toEqual([a.id]);
      expect((await j.search(request({ q: 'app*' }))).hits).toHaveLength(2);
      expect((await j.search(request({ q: '"apple red" pi*' }))).hits.map((h) => h.entry.id)).toEqual([b.id]);
      expect((await j.search(request({ q: 'apples' }))).hits).toEqual([]);
      await j.close();
    });

    it('combines the text with the list filters: recipient, sender, either side, state and time range', async () => {
      const j = await make();
      const a = delivery({ to: 'orders', payloadXml: '<x>needle</x>' });
      const b = delivery({ to: 'billing', from: 'orders', payloadXml: '<x>needle</x>' });
      const c = delivery({ to: 'orders', payloadXml: '<x>needle</x>' });
      // A name holding another one's words is not that one.
      const d = delivery({ to: 'orders-eu', from: 'shop.web', payloadXml: '<x>needle orders</x>' });
      await j.hooks.onIntent?.([a, b, c, d]);
      void j.hooks.onDispatched?.(c);
      await j.hooks.onAcknowledged?.(c, []);
      const ids = async (over: Partial<SearchRequest>) =>
        (await j.search(request({ q: 'needle', ...over }))).hits.map((h) => h.entry.id);
      expect(await ids({ filter: { to: 'orders' } })).toEqual([c.id, a.id]);
      expect(await ids({ filter: { to: 'orders', state: 'PENDING' } })).toEqual([a.id]);
      expect(await ids({ filter: { since: b.createdAt, until: b.createdAt } })).toEqual([b.id]);
      expect(await ids({ filter: { from: 'orders' } })).toEqual([b.id]);
      expect(await ids({ filter: { participant: 'orders' } })).toEqual([c.id, b.id, a.id]);
      expect(await ids({ filter: { from: 'shop.web' } })).toEqual([d.id]);
      expect(await ids({ filter: { to: 'orders-eu' } })).toEqual([d.id]);
      await j.close();
    });

    it('stops at the scan budget and goes on from its cursor, each hit once, to the end', async () => {
      const j = await make();
      const ds = Array.from({ length: 23 }, (_, i) =>
        delivery({ to: i % 3 === 0 ? 'orders' : 'other', payloadXml: `<n>item ${i}</n>` }),
      );
      await j.hooks.onIntent?.(ds);
      const want = ds
        .filter((_, i) => i % 3 === 0)
        .map((d) => d.id)
        .reverse();
      for (const q of ['item', undefined]) {
        const { ids, pages } = await all(
          j,
          request({ ...(q ? { q } : {}), filter: { to: 'orders' }, limit: 3, scan: 5 }),
        );
        expect(ids).toEqual(want);
        for (const p of pages) expect(p.scanned).toBeLessThanOrEqual(5);
        expect(pages.at(-1)?.nextCursor).toBeNull();
      }
      const first = await j.search(request({ q: 'item', scan: 4 }));
      expect(first.scanned).toBe(4);
      expect(first.candidates).toBe(23);
      expect(first.candidatesCapped).toBe(false);
      await j.close();
    });

    it('refuses a cursor no search made as INPUT_INVALID at cursor; takes one of the other kind', async () => {
      const j = await make();
      await j.hooks.onIntent?.(Array.from({ length: 3 }, () => delivery({ payloadXml: '<n>item</n>' })));
      const byText = await j.search(request({ q: 'item', limit: 1 }));
      const byList = await j.search(request({ limit: 1 }));
      const refused = {
        code: 'INPUT_INVALID',
        problems: [
          { path: 'cursor', message: expect.stringContaining('not a cursor this engine made') as unknown },
        ],
      };
      const notARow = Buffer.from('t:soon').toString('base64url');
      for (const cursor of [
        'AAAA;DROP TABLE',
        `${byText.nextCursor ?? ''}=`,
        `${byList.nextCursor ?? ''}=`,
        notARow,
      ])
        for (const q of ['item', undefined])
          await expect(j.search(request({ ...(q ? { q } : {}), cursor }))).rejects.toMatchObject(refused);
      // A search changed between pages (a text given, then taken away) starts again from the newest.
      const changed = await j.search(request({ cursor: byText.nextCursor ?? '' }));
      expect(changed.hits).toHaveLength(3);
      await j.close();
    });

    it('tests each candidate with a payload and keeps what the test returned', async () => {
      const j = await make();
      const big = delivery({ payloadXml: order('o-1', 'A', 150) });
      const small = delivery({ payloadXml: order('o-2', 'B', 50) });
      await j.hooks.onIntent?.([big, small]);
      j.hooks.onRejected?.({ raw: '<oops', error: { code: 'MALFORMED_XML', message: 'bad', problems: [] } });
      await j.flush();
      const test = (xmls: string[]): Promise<(string | null)[]> =>
        Promise.resolve(
          xmls.map((xml) => {
            const total = Number(/<total>(\d+)<\/total>/.exec(xml)?.[1]);
            return total > 100 ? `total ${total}` : null;
          }),
        );
      const page = await j.search(request({ test }));
      expect(page.hits.map((h) => [h.entry.id, h.match])).toEqual([[big.id, 'total 150']]);
      expect(page.hits[0]?.payloadXml).toBe(big.payloadXml);
      // Without a test every candidate is a hit: `refused` keeps the refused input, or leaves it out.
      const kinds = async (refused: boolean) =>
        (await j.search(request({ filter: { refused } }))).hits.map((h) => h.entry.id);
      expect(await kinds(false)).toEqual([small.id, big.id]);
      expect(await kinds(true)).toHaveLength(1);
      expect(await kinds(true)).not.toContain(big.id);
      await j.close();
    });

    it('forgets the text of entries that are discarded or pruned', async () => {
      const j = await make();
      const d = delivery({ payloadXml: '<x>ephemeral</x>' });
      const kept = delivery({ payloadXml: '<x>ephemeral kept</x>' });
      await j.hooks.onIntent?.([d, kept]);
      void j.hooks.onDispatched?.(d);
      await j.hooks.onFailed?.(d, { code: 'HANDLER_ERROR', message: 'boom' }, { outputs: [] });
      await j.discard(d.id);
      expect((await j.search(request({ q: 'ephemeral' }))).hits.map((h) => h.entry.id)).toEqual([kept.id]);
      void j.hooks.onDispatched?.(kept);
      await j.hooks.onAcknowledged?.(kept, []);
      await j.prune(Date.now() + 60_000);
      expect((await j.search(request({ q: 'ephemeral' }))).hits).toEqual([]);
      await j.close();
    });
  });
}
