import type { MessageSummary } from '@organism/shared';
import { formatCount } from '@/lib/format';
import { isRejected } from '@/lib/outcome';

/** In an attempts column, for what was recorded and never dispatched: no attempt at all, not zero. */
export function NeverDispatched() {
  return (
    <span className="text-muted" title="never dispatched">
      —
    </span>
  );
}

/**
 * A message's attempts, or a dash for one never dispatched: an answer to an outside producer, or refused
 * input. The messages list and a listener's recent messages show the same row alike.
 */
export function Attempts({ m }: { m: Pick<MessageSummary, 'attempts' | 'egress' | 'kind'> }) {
  return m.egress || isRejected(m) ? <NeverDispatched /> : <>{formatCount(m.attempts)}</>;
}
