import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeJournalContract } from '../journal-contract.ts';
import { describeSearchContract } from '../search/search-contract.ts';
import { SqliteJournal } from './sqlite-journal.ts';

describeJournalContract(
  'sqlite (fast)',
  () =>
    new SqliteJournal({
      path: join(mkdtempSync(join(tmpdir(), 'journal-')), 'j.sqlite'),
      durability: 'fast',
    }),
);
describeJournalContract(
  'sqlite (strict)',
  () =>
    new SqliteJournal({
      path: join(mkdtempSync(join(tmpdir(), 'journal-')), 'j.sqlite'),
      durability: 'strict',
    }),
);
describeJournalContract(
  'sqlite (strict, writer thread)',
  () =>
    new SqliteJournal({
      path: join(mkdtempSync(join(tmpdir(), 'journal-')), 'j.sqlite'),
      durability: 'strict',
      writerThread: 'always',
    }),
);
describeSearchContract(
  'sqlite',
  () =>
    new SqliteJournal({
      path: join(mkdtempSync(join(tmpdir(), 'journal-')), 'j.sqlite'),
      durability: 'fast',
    }),
);
