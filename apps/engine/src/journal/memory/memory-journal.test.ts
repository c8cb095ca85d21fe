import { describeJournalContract } from '../journal-contract.ts';
import { describeSearchContract } from '../search/search-contract.ts';
import { MemoryJournal } from './memory-journal.ts';

describeJournalContract('memory', () => new MemoryJournal());
describeSearchContract('memory', () => new MemoryJournal());
