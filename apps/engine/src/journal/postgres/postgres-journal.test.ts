import { describeJournalContract } from '../journal-contract.ts';
import { describeSearchContract } from '../search/search-contract.ts';
import { PostgresJournal } from './postgres-journal.ts';
import { freshPostgres } from './postgres-test.ts';

describeJournalContract('postgres (fast)', () => PostgresJournal.open(freshPostgres('fast')));
describeJournalContract('postgres (strict)', () => PostgresJournal.open(freshPostgres('strict')));
describeSearchContract('postgres', () => PostgresJournal.open(freshPostgres('fast')));
