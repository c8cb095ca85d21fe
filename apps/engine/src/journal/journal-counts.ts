import { messageStates } from '@organism/shared';
import type { MessageState } from '@organism/shared';
import { REFUSED } from './entry-changes.ts';

/**
 * The rows of `journal_counts` (one per state and, on PostgreSQL, per shard) summed into the counts
 * `journal.stats` gives: entries per state, and the refused input among the FAILED ones.
 */
export function countsOf(rows: readonly { state: string; n: number }[]): {
  counts: Record<MessageState, number>;
  refused: number;
} {
  const counts = Object.fromEntries(messageStates.map((s) => [s, 0])) as Record<MessageState, number>;
  let refused = 0;
  for (const r of rows) {
    if (r.state === REFUSED) refused += r.n;
    else if (r.state in counts) counts[r.state as MessageState] += r.n;
  }
  return { counts, refused };
}
