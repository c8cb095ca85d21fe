import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { describe, expect, it } from 'vitest';
import { parseTextQuery } from '../search/text-query.ts';
import { SqliteJournal } from './sqlite-journal.ts';

const MIGRATIONS = join(dirname(fileURLToPath(import.meta.url)), '../../../drizzle');

/** A copy of the migrations that stops before `tag`: a journal file as an older engine left it. */
function migrationsBefore(tag: string): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'migrations-')), 'drizzle');
  cpSync(MIGRATIONS, dir, { recursive: true });
  const journalFile = join(dir, 'meta/_journal.json');
  const meta = JSON.parse(readFileSync(journalFile, 'utf8')) as { entries: { tag: string }[] };
  const at = meta.entries.findIndex((e) => e.tag === tag);
  meta.entries = meta.entries.slice(0, at);
  writeFileSync(journalFile, JSON.stringify(meta));
  return dir;
}

describe('the text index migration', () => {
  it('indexes the payloads an older journal already holds', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'journal-backfill-')), 'journal.sqlite');
    const old = new Database(path);
    migrate(drizzle(old), { migrationsFolder: migrationsBefore('0007_search_text_index') });
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
