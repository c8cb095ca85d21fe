import { describeJournalContract } from '../journal-contract.ts';
import { MemoryJournal } from './memory-journal.ts';

describeJournalContract('memory', () => new MemoryJournal());
