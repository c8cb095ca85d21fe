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
// Every entry in the text index as it is written: the contract's few entries are found through FTS5, not
// read above the mark as they are by default (text-index.ts).
describeSearchContract(
  'sqlite (each entry indexed at once)',
  () =>
    new SqliteJournal({
      path: join(mkdtempSync(join(tmpdir(), 'journal-')), 'j.sqlite'),
      durability: 'fast',
      textIndexBatch: 1,
    }),
);
