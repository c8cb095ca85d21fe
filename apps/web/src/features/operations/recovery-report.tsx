import { formatCount, formatDuration } from '@/lib/format';

export interface Recovery {
  requeued: number;
  scheduled: number;
  exhausted: number;
  ms: number;
}

/** What the engine found unfinished at its start, and what it did with it. */
export function RecoveryReport({ recovery }: { recovery: Recovery | null }) {
  if (!recovery) return <span>no recovery report yet</span>;
  if (recovery.requeued === 0 && recovery.exhausted === 0)
    return (
      <span data-testid="recovery-report">
        recovery: nothing was left unfinished ({formatDuration(Math.round(recovery.ms))})
      </span>
    );
  return (
    <span className="tabular" data-testid="recovery-report">
      recovery: {formatCount(recovery.requeued)} queued again
      {recovery.scheduled > 0 ? ` (${formatCount(recovery.scheduled)} at their retry time)` : ''},{' '}
      {formatCount(recovery.exhausted)} dead-lettered as REDELIVERY_EXHAUSTED, in{' '}
      {formatDuration(Math.round(recovery.ms))}
    </span>
  );
}
