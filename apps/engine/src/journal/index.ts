import type { Journal } from './journal.ts';
import { MemoryJournal } from './memory/memory-journal.ts';
import { SqliteJournal } from './sqlite/sqlite-journal.ts';

export type { Journal, RetryManyResult } from './journal.ts';
export { JournalError } from './journal-error.ts';
export { MemoryJournal } from './memory/memory-journal.ts';
export { SqliteJournal } from './sqlite/sqlite-journal.ts';

/** The journal the settings ask for: `path: ':memory:'` keeps it in memory, any other path is a SQLite file. */
export function openJournal(settings: { path: string; durability: 'strict' | 'fast' }): Journal {
  if (settings.path === ':memory:') return new MemoryJournal();
  return new SqliteJournal({ path: settings.path, durability: settings.durability });
}
