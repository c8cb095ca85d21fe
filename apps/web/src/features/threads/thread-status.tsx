import type { MessageSummary, ThreadStatus } from '@organism/shared';
import { StateBadge } from '@/components/state-badge';

/** A thread's status in the journal states' look: active runs (blue), completed (green), failed (red). */
const LOOK = { active: 'DISPATCHED', completed: 'ACKED', failed: 'FAILED' } as const;

export function ThreadStatusBadge({ status }: { status: ThreadStatus }) {
  return <StateBadge state={LOOK[status]} label={status} />;
}

/** The status the journal would give a thread with these messages (as `threads.list` computes it). */
export function threadStatusOf(messages: readonly Pick<MessageSummary, 'state'>[]): ThreadStatus {
  if (messages.some((m) => m.state === 'PENDING' || m.state === 'DISPATCHED')) return 'active';
  return messages.some((m) => m.state === 'FAILED') ? 'failed' : 'completed';
}
