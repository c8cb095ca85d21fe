import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { delivery, failure } from '../contract/fixtures.ts';
import type { SearchRequest } from '../search/search-request.ts';
import { parseTextQuery } from '../search/text-query.ts';
import { olderJournal } from './migration-test-kit.ts';
import { SqliteJournal } from './sqlite-journal.ts';
import type { SqliteJournalOptions } from './sqlite-journal-options.ts';
import { TEXT_INDEX_WAIT_MS } from './text-index.ts';

const journals: SqliteJournal[] = [];
afterEach(async () => {
  for (const j of journals.splice(0)) await j.close();
});

const path = (): string => join(mkdtempSync(join(tmpdir(), 'text-index-')), 'j.sqlite');

function open(over: Partial<SqliteJournalOptions> = {}): SqliteJournal {
  const j = new SqliteJournal({ path: path(), durability: 'fast', writerThread: 'never', ...over });
  journals.push(j);
  return j;
}

const note = (word: string): string => `<note><text>${word} and some words around it</text></note>`;

function find(q: string, over: Partial<SearchRequest> = {}): SearchRequest {
  const text = parseTextQuery(q) ?? undefined;
  return { filter: {}, limit: 50, scan: 1_000, ...(text ? { text } : {}), ...over };
}

/** The mark and what the text index itself finds for `word`, read on the journal's own connection. */
function indexed(j: SqliteJournal, word: string): { mark: number; rows: number[] } {
  const { sqlite } = j.database;
  return {
    mark: sqlite.prepare('SELECT row FROM text_index_mark').pluck().get() as number,
    rows: sqlite
      .prepare('SELECT rowid FROM messages_text WHERE messages_text MATCH ? ORDER BY rowid')
      .pluck()
      .all(`"${word}"`) as number[],
  };
}

async function write(j: SqliteJournal, payloadXml: string, over = {}): Promise<string> {
  const d = delivery({ payloadXml, root: 'note', ...over });
  await j.hooks.onIntent?.([d]);
  await j.flush();
  return d.id;
}

describe('the text index in batches', () => {
  it('takes entries once a batch is written, and a search finds them before and after', async () => {
    const j = open({ textIndexBatch: 3 });
    const a = await write(j, note('walrus'));
    const b = await write(j, note('walrus'));
    expect(indexed(j, 'walrus')).toEqual({ mark: 0, rows: [] });
    const early = await j.search(find('walrus'));
    expect(early.hits.map((h) => h.entry.id)).toEqual([b, a]);
    expect(early.candidates).toBe(2);
    const c = await write(j, note('walrus'));
    expect(indexed(j, 'walrus')).toEqual({ mark: 3, rows: [1, 2, 3] });
    expect((await j.search(find('walrus'))).hits.map((h) => h.entry.id)).toEqual([c, b, a]);
  });

  it('pages newest first across the mark, counting the entries on both sides once', async () => {
    const j = open({ textIndexBatch: 3 });
    const ids: string[] = [];
    for (const word of ['otter', 'heron', 'otter', 'otter', 'otter']) ids.push(await write(j, note(word)));
    expect(indexed(j, 'otter')).toEqual({ mark: 3, rows: [1, 3] });
    const pages = [];
    let cursor: string | undefined;
    do {
      const page = await j.search(find('otter', { limit: 3, ...(cursor ? { cursor } : {}) }));
      pages.push({ ids: page.hits.map((h) => h.entry.id), candidates: page.candidates });
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(pages).toEqual([
      { ids: [ids[4], ids[3], ids[2]], candidates: 4 },
      { ids: [ids[0]], candidates: 1 },
    ]);
  });

  it('takes an entry that waited long enough with the next transaction, whatever it writes', async () => {
    const j = open({ textIndexBatch: 100 });
    await write(j, note('puffin'));
    await new Promise((r) => setTimeout(r, TEXT_INDEX_WAIT_MS + 50));
    expect(indexed(j, 'puffin').rows).toEqual([]);
    await write(j, '<note><text>anything</text></note>');
    expect(indexed(j, 'puffin')).toEqual({ mark: 2, rows: [1] });
  });

  it('indexes the entry that takes the rowid of a discarded newest one', async () => {
    const j = open({ textIndexBatch: 1 });
    await write(j, note('marmot'));
    const d = delivery({ payloadXml: note('lemming'), root: 'note' });
    await j.hooks.onIntent?.([d]);
    await j.hooks.onFailed?.(d, failure, { outputs: [] });
    await j.flush();
    expect(indexed(j, 'lemming')).toEqual({ mark: 2, rows: [2] });
    await j.discard(d.id);
    expect(indexed(j, 'lemming')).toEqual({ mark: 1, rows: [] });
    const again = await write(j, note('badger'));
    expect(indexed(j, 'badger')).toEqual({ mark: 2, rows: [2] });
    expect((await j.search(find('badger'))).hits.map((h) => h.entry.id)).toEqual([again]);
    expect((await j.search(find('lemming'))).hits).toEqual([]);
  });

  it('indexes what waits before a discard, so the discarded entry leaves no words behind', async () => {
    const j = open({ textIndexBatch: 100 });
    const d = delivery({ payloadXml: note('vole'), root: 'note' });
    await j.hooks.onIntent?.([d]);
    await j.hooks.onFailed?.(d, failure, { outputs: [] });
    const kept = await write(j, note('vole'));
    await j.discard(d.id);
    expect(indexed(j, 'vole')).toEqual({ mark: 2, rows: [2] });
    expect((await j.search(find('vole'))).hits.map((h) => h.entry.id)).toEqual([kept]);
  });

  it('indexes what the last run left as the journal opens', async () => {
    const file = path();
    const first = open({ path: file, textIndexBatch: 100 });
    const ids = [await write(first, note('tern')), await write(first, note('tern'))];
    expect(indexed(first, 'tern').rows).toEqual([]);
    await first.close();
    journals.splice(journals.indexOf(first), 1);
    const again = open({ path: file, textIndexBatch: 100 });
    expect(indexed(again, 'tern')).toEqual({ mark: 2, rows: [1, 2] });
    expect((await again.search(find('tern'))).hits.map((h) => h.entry.id)).toEqual(ids.reverse());
  });

  it('finds entries the writer thread wrote and has not indexed yet', async () => {
    const j = open({ writerThread: 'always' });
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) ids.push(await write(j, note('stoat')));
    expect(indexed(j, 'stoat').rows).toEqual([]);
    expect((await j.search(find('stoat'))).hits.map((h) => h.entry.id)).toEqual(ids.reverse());
  });
});

describe('the text index mark migration', () => {
  it('starts the mark at the highest rowid an older journal holds, all of it indexed already', async () => {
    const file = path();
    const old = olderJournal(file, '0015_text_index_mark');
    const insert = old.prepare(
      `INSERT INTO messages (id, kind, payload, state, created_at, updated_at) VALUES (?, 'ingress', ?, 'ACKED', ?, ?)`,
    );
    const text = old.prepare(`INSERT INTO messages_text (rowid, text) VALUES (?, ?)`);
    for (const [i, id] of ['m-1', 'm-2'].entries()) {
      insert.run(id, note('ibis'), i, i);
      text.run(i + 1, 'ibis');
    }
    old.close();
    const j = new SqliteJournal({ path: file, durability: 'fast', writerThread: 'never' });
    journals.push(j);
    expect(indexed(j, 'ibis')).toEqual({ mark: 2, rows: [1, 2] });
    const later = await write(j, note('ibis'));
    expect((await j.search(find('ibis'))).hits.map((h) => h.entry.id)).toEqual([later, 'm-2', 'm-1']);
  });
});
