import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseTextQuery } from '../search/text-query.ts';
import { olderJournal } from './migration-test-kit.ts';
import { SqliteJournal } from './sqlite-journal.ts';

describe('the text index migration', () => {
  it('indexes the payloads an older journal already holds', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'journal-backfill-')), 'journal.sqlite');
    const old = olderJournal(path, '0007_search_text_index');
    const insert = old.prepare(
      `INSERT INTO messages (id, kind, payload, raw, state, created_at, updated_at) VALUES (?, 'ingress', ?, ?, 'ACKED', ?, ?)`,
    );
    insert.run('m-1', '<order id="o-1"><customer>Initech</customer></order>', null, 1, 1);
    insert.run('m-2', '<order id="o-2"><customer>Umbrella</customer></order>', null, 2, 2);
    insert.run('m-3', null, '<oops Initech', 3, 3);
    old.close();

    const j = new SqliteJournal({ path, durability: 'fast' });
    const text = parseTextQuery('initech') ?? undefined;
    const page = await j.search({ filter: {}, limit: 10, scan: 100, ...(text ? { text } : {}) });
    expect(page.hits.map((h) => h.entry.id)).toEqual(['m-1']);
    await j.close();
  });
});
