/**
 * The one contract every Journal passes (BullMQ-style conformance suite). Each implementation's test
 * file calls `describeJournalContract` with a factory that makes (or opens) a fresh, empty journal. Its parts are
 * in contract/, by what they cover.
 */
import { describe } from 'vitest';
import type { Journal } from './journal.ts';
import { countsContract } from './contract/counts.ts';
import { operationsContract } from './contract/operations.ts';
import { readsContract } from './contract/reads.ts';
import { recoveryContract } from './contract/recovery.ts';
import { writesContract } from './contract/writes.ts';

export { delivery } from './contract/fixtures.ts';

export function describeJournalContract(name: string, make: () => Journal | Promise<Journal>): void {
  describe(`${name} journal contract`, () => {
    const fresh = async (): Promise<Journal> => make();
    writesContract(fresh);
    recoveryContract(fresh);
    operationsContract(fresh);
    readsContract(fresh);
    countsContract(fresh);
  });
}
