import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { payloadText } from '../search/payload-text.ts';

const MIGRATIONS = join(dirname(fileURLToPath(import.meta.url)), '../../../drizzle');

/** A copy of the migrations that stops before `tag`. */
function migrationsBefore(tag: string): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'migrations-')), 'drizzle');
  cpSync(MIGRATIONS, dir, { recursive: true });
  const journalFile = join(dir, 'meta/_journal.json');
  const meta = JSON.parse(readFileSync(journalFile, 'utf8')) as { entries: { tag: string }[] };
  const at = meta.entries.findIndex((e) => e.tag === tag);
  if (at < 0) throw new Error(`no migration ${tag}`);
  meta.entries = meta.entries.slice(0, at);
  writeFileSync(journalFile, JSON.stringify(meta));
  return dir;
}

/**
 * For tests of a migration: a journal file at `path` as an engine from before migration `tag` left it,
 * open for the test to fill (with the SQL function the earlier migrations call, as open-database.ts has it).
 */
export function olderJournal(path: string, tag: string): Database.Database {
  const db = new Database(path);
  db.function('organism_payload_text', { deterministic: true }, (xml) =>
    typeof xml === 'string' ? payloadText(xml) : null,
  );
  migrate(drizzle(db), { migrationsFolder: migrationsBefore(tag) });
  return db;
}

/** The names of a table's indexes, to see which a migration made and which it dropped. */
export function indexesOf(db: Database.Database, table: string): string[] {
  return db
    .prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ?`)
    .all(table)
    .map((r) => (r as { name: string }).name);
}
