import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeCursor } from '../cursor.ts';
import type { EntryRow } from '../entry-record.ts';
import { encodeSearchCursor } from '../search/search-request.ts';
import type { SearchRequest } from '../search/search-request.ts';
import { parseTextQuery } from '../search/text-query.ts';
import { openPostgres } from './open-postgres.ts';
import type { OpenPostgres } from './open-postgres.ts';
import { PgQueries } from './pg-queries.ts';
import { indexedWords } from './pg-search.ts';
import { freshPostgres } from './postgres-test.ts';
import { messages, threads, transitions } from './schema.ts';
import { uuidPrefixRange } from './uuid-range.ts';

const opened: OpenPostgres[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((o) => o.close()));
});

async function fresh(): Promise<{ pg: OpenPostgres; q: PgQueries }> {
  const pg = await openPostgres(freshPostgres());
  opened.push(pg);
  return { pg, q: new PgQueries(pg) };
}

let clock = 1_700_000_000_000;

/** Writes entries as the write path would (words included), in order: each one's seq follows the last. */
async function insert(pg: OpenPostgres, ...over: Partial<EntryRow>[]): Promise<EntryRow[]> {
  const rows = over.map((o): EntryRow => ({
    id: randomUUID(),
    threadId: null,
    parentId: null,
    from: 'client',
    to: 'greeter',
    root: 'greeting',
    kind: 'ingress',
    chain: '["client"]',
    payload: '<greeting><name>Ada</name></greeting>',
    raw: null,
    state: 'PENDING',
    attempts: 0,
    errorCode: null,
    errorDetail: null,
    nextAttemptAt: null,
    egress: false,
    createdAt: ++clock,
    updatedAt: clock,
    ...o,
  }));
  for (const r of rows) {
    const words = r.payload === null ? null : sql`to_tsvector('simple', ${indexedWords(r.payload)})`;
    await pg.db.insert(messages).values({ ...r, words });
  }
  return rows;
}

/** A uuid from 32 hex digits given in parts (the dashes are added). */
const uuid = (hex: string): string =>
  `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;

describe('uuidPrefixRange', () => {
  it('pads a prefix to the lowest and highest uuid starting with it, dashes in place', () => {
    expect(uuidPrefixRange('abcd')).toEqual({
      low: 'abcd0000-0000-0000-0000-000000000000',
      high: 'abcdffff-ffff-ffff-ffff-ffffffffffff',
    });
    expect(uuidPrefixRange('0123abcd-4')).toEqual({
      low: '0123abcd-4000-0000-0000-000000000000',
      high: '0123abcd-4fff-ffff-ffff-ffffffffffff',
    });
    const whole = '0123abcd-4567-89ab-cdef-0123456789ab';
    expect(uuidPrefixRange(whole)).toEqual({ low: whole, high: whole });
  });

  it('refuses what no uuid starts with', () => {
    for (const q of [
      'abcg',
      'ABCD',
      '0123abcd4',
      'ffffffff-nothing',
      `${'0'.repeat(8)}-0000-0000-0000-0000000000000`,
    ])
      expect(uuidPrefixRange(q)).toBeUndefined();
  });
});

describe('PgQueries', () => {
  it('names nothing with an id, thread id or cursor that is no uuid, and never makes PostgreSQL fail', async () => {
    const { pg, q } = await fresh();
    const [a] = await insert(pg, { threadId: randomUUID() });
    if (!a) throw new Error('setup');
    expect(await q.row('nope')).toBeUndefined();
    expect(await q.getMessage('nope')).toBeUndefined();
    // Only the canonical (lower case) form names an entry, as an exact match does in SQLite.
    expect(await q.getMessage(a.id.toUpperCase())).toBeUndefined();
    expect(await q.getMessage(a.id)).toMatchObject({ id: a.id, payloadXml: a.payload });
    expect((await q.listMessages({ threadId: 'not-a-thread' })).items).toEqual([]);
    expect((await q.listMessages({ threadId: a.threadId ?? '' })).items.map((m) => m.id)).toEqual([a.id]);
    expect(await q.listMessages({ cursor: encodeCursor(a.createdAt + 1, 'zz') })).toEqual({
      items: [],
      nextCursor: null,
    });
    expect((await q.listThreads({ cursor: encodeCursor(1.5, randomUUID()) })).items).toEqual([]);
    const list = encodeSearchCursor({ kind: 'list', at: a.createdAt + 1, id: 'zz' });
    expect(await q.search({ filter: {}, limit: 5, scan: 10, cursor: list })).toMatchObject({
      hits: [],
      nextCursor: null,
    });
    // Time bounds and sequence numbers of any size or fraction compare with the bigint columns.
    expect((await q.listMessages({ since: a.createdAt - 0.5, until: 1e300 })).items).toHaveLength(1);
    expect((await q.listMessages({ since: a.createdAt + 0.5 })).items).toEqual([]);
    expect(await q.transitions(-1e300, 10)).toEqual([]);
    const text = encodeSearchCursor({ kind: 'text', row: 1e300 });
    const req: SearchRequest = { filter: {}, text: parseTextQuery('ada') ?? undefined, limit: 5, scan: 10 };
    expect((await q.search({ ...req, cursor: text })).hits).toHaveLength(1);
    expect(await q.find('not a uuid at all', 5)).toEqual({ messages: [], threads: [] });
  });

  it('finds entries and threads by a hex prefix as a range on the primary key, any case, in id order', async () => {
    const { pg, q } = await fresh();
    const ids = [
      'abcd0000000040008000000000000001',
      'abcdffff00004000800000000000000f',
      'abce0000000040008000000000000000',
    ].map(uuid);
    const thread = uuid('abcd1111111141118111111111111111');
    await insert(pg, ...ids.map((id) => ({ id })));
    await pg.db
      .insert(threads)
      .values({ id: thread, firstAt: 1, lastAt: 2, messages: 1, open: 1, participants: ['b', 'a'] });
    const found = await q.find('ABCD', 5);
    expect(found.messages.map((m) => m.id)).toEqual([ids[0], ids[1]]);
    expect(found.threads).toEqual([
      {
        id: thread,
        status: 'active',
        participants: ['a', 'b'],
        messages: 1,
        failed: 0,
        firstAt: 1,
        lastAt: 2,
      },
    ]);
    expect((await q.find('abcd', 1)).messages.map((m) => m.id)).toEqual([ids[0]]);
    expect((await q.find('abcd0000-', 5)).messages.map((m) => m.id)).toEqual([ids[0]]);
    expect((await q.find(ids[2] ?? '', 5)).messages.map((m) => m.id)).toEqual([ids[2]]);
    // Shorter than 4 characters is an exact id; a prefix no uuid has finds nothing.
    expect(await q.find('abc', 5)).toEqual({ messages: [], threads: [] });
    expect(await q.find('abcd0000x', 5)).toEqual({ messages: [], threads: [] });
  });

  it('searches the words of payloads: case and accents folded, phrases in order, prefixes, newest first', async () => {
    const { pg, q } = await fresh();
    const [a, b, c] = await insert(
      pg,
      { payload: '<order id="o-1"><city>Zürich &amp; Basel</city><note>red apple pie</note></order>' },
      { payload: '<order id="o-2"><note>apple red pie</note></order>', to: 'orders' },
      { payload: null, raw: '<oops', kind: 'rejected', state: 'FAILED' },
    );
    if (!a || !b || !c) throw new Error('setup');
    const ids = async (text: string, over: Partial<SearchRequest> = {}): Promise<string[]> =>
      (
        await q.search({ filter: {}, text: parseTextQuery(text) ?? undefined, limit: 10, scan: 100, ...over })
      ).hits.map((h) => h.entry.id);
    expect(await ids('ZURICH basel')).toEqual([a.id]);
    expect(await ids('"red apple"')).toEqual([a.id]);
    expect(await ids('app* pie')).toEqual([b.id, a.id]);
    expect(await ids('"apple red" pi*')).toEqual([b.id]);
    expect(await ids('o-2')).toEqual([b.id]);
    expect(await ids('apples')).toEqual([]);
    expect(await ids('pie', { filter: { to: 'orders' } })).toEqual([b.id]);
    expect(await ids('pie', { filter: { participant: 'orders' } })).toEqual([b.id]);
    // The text's candidates are newest written first; the cursor goes on below the last seq examined.
    const first = await q.search({
      filter: {},
      text: parseTextQuery('pie') ?? undefined,
      limit: 1,
      scan: 10,
    });
    expect(first).toMatchObject({ scanned: 1, candidates: 2, candidatesCapped: false });
    const rest = await q.search({
      filter: {},
      text: parseTextQuery('pie') ?? undefined,
      limit: 1,
      scan: 10,
      cursor: first.nextCursor ?? undefined,
    });
    expect(rest.hits.map((h) => h.entry.id)).toEqual([a.id]);
    expect(rest.candidates).toBe(1);
  });

  it('keeps the head of the event log from going down when the newest transitions are pruned', async () => {
    const { pg, q } = await fresh();
    const [a] = await insert(pg, {});
    if (!a) throw new Error('setup');
    expect(await q.headSeq()).toBe(0);
    const log = (state: 'PENDING' | 'ACKED') =>
      pg.db.insert(transitions).values({ messageId: a.id, state, attempt: 1, at: clock });
    await log('PENDING');
    await log('ACKED');
    const routed = await q.routedTransitions(0, 10);
    expect(routed.map((t) => [t.seq, t.state, t.to, t.kind])).toEqual([
      [1, 'PENDING', 'greeter', 'ingress'],
      [2, 'ACKED', 'greeter', 'ingress'],
    ]);
    expect(await q.headSeq()).toBe(2);
    await pg.pool.query('DELETE FROM transitions');
    await pg.pool.query('DELETE FROM messages');
    expect((await q.stats()).lastSeq).toBe(2);
    await log('PENDING');
    expect((await q.recordedTransitions(2, 10)).map((t) => [t.seq, t.kind, t.egress, t.threadOpen])).toEqual([
      [3, '', false, null],
    ]);
    expect(await q.headSeq()).toBe(3);
  });

  it('groups dead letters with their newest as sample, also without a recipient', async () => {
    const { pg, q } = await fresh();
    const failed = { state: 'FAILED' as const, errorCode: 'HANDLER_ERROR' };
    const [, newest, refused] = await insert(
      pg,
      { ...failed, updatedAt: 10 },
      { ...failed, updatedAt: 20 },
      {
        state: 'FAILED',
        errorCode: 'MALFORMED_XML',
        to: null,
        kind: 'rejected',
        payload: null,
        updatedAt: 5,
      },
      { state: 'ACKED' },
    );
    expect(await q.deadLetters({})).toEqual({
      total: 3,
      groups: [
        {
          to: 'greeter',
          errorCode: 'HANDLER_ERROR',
          count: 2,
          refused: 0,
          firstAt: 10,
          lastAt: 20,
          sampleId: newest?.id,
        },
        {
          to: null,
          errorCode: 'MALFORMED_XML',
          count: 1,
          refused: 1,
          firstAt: 5,
          lastAt: 5,
          sampleId: refused?.id,
        },
      ],
    });
    expect(await q.deadLetters({ to: 'nobody' })).toEqual({ total: 0, groups: [] });
    expect(await q.countFailedMatching({ to: 'greeter' })).toBe(2);
  });

  it('lists threads by a participant held in the text[] column, with status and keyset pages', async () => {
    const { pg, q } = await fresh();
    const [t1, t2, t3] = [randomUUID(), randomUUID(), randomUUID()];
    await insert(
      pg,
      { threadId: t1, state: 'ACKED' },
      { threadId: t2, to: 'shouter', state: 'FAILED', errorCode: 'HANDLER_ERROR' },
      { threadId: t3, from: 'greeter', to: 'client' },
    );
    await pg.db.insert(threads).values([
      { id: t1, firstAt: 1, lastAt: 10, messages: 1, participants: ['client', 'greeter'] },
      { id: t2, firstAt: 2, lastAt: 20, messages: 1, failed: 1, participants: ['client', 'shouter'] },
      { id: t3, firstAt: 3, lastAt: 30, messages: 1, open: 1, participants: ['greeter', 'client'] },
    ]);
    const ids = async (input: Parameters<PgQueries['listThreads']>[0]): Promise<string[]> =>
      (await q.listThreads(input)).items.map((t) => t.id);
    expect(await ids({})).toEqual([t3, t2, t1]);
    expect(await ids({ participant: 'greeter' })).toEqual([t3, t1]);
    expect(await ids({ participant: 'greet' })).toEqual([]);
    expect(await ids({ status: 'failed' })).toEqual([t2]);
    expect(await ids({ status: 'completed', participant: 'client' })).toEqual([t1]);
    expect(await ids({ status: 'active', participant: 'client' })).toEqual([t3]);
    expect((await q.listThreads({ participant: 'shouter' })).items).toMatchObject([
      { id: t2, status: 'failed', participants: ['client', 'shouter'], failed: 1 },
    ]);
    const first = await q.listThreads({ limit: 2 });
    expect(await ids({ limit: 2, cursor: first.nextCursor ?? undefined })).toEqual([t1]);
  });
});
