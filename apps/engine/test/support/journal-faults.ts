import type Database from 'better-sqlite3';

/**
 * Makes a SQLite journal as full as a full disk: `max_page_count` drops to the pages the file has now,
 * so any write that needs a new page fails with SQLITE_FULL, a real SQLite failure. Returns the
 * function that lifts the limit again ("space was freed").
 */
export function fillJournal(sqlite: Database.Database): () => void {
  const free = sqlite.pragma('freelist_count', { simple: true }) as number;
  // Free pages would take writes without growing the file: the fault would not be deterministic.
  if (free > 32) throw new Error(`the journal has ${free} free pages; filling it would not stop writes`);
  const limit = sqlite.pragma('max_page_count', { simple: true }) as number;
  const pages = sqlite.pragma('page_count', { simple: true }) as number;
  sqlite.pragma(`max_page_count = ${pages}`);
  return () => void sqlite.pragma(`max_page_count = ${limit}`);
}
