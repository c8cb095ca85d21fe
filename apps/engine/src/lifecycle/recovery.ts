import type { Journal } from '../journal/journal.ts';
import type { MessagePump } from '../pump/message-pump.ts';

export interface RecoveryReport {
  requeued: number;
  exhausted: number;
  ms: number;
}

/**
 * Boot recovery: every PENDING or DISPATCHED entry a previous run left is handed back to the pump
 * before any new intake (at-least-once: `ctx.attempt` tells handlers it is a redelivery). An entry
 * whose listener is gone, or whose attempts ran out, becomes a dead letter instead.
 */
export async function recoverUnfinished(journal: Journal, pump: MessagePump): Promise<RecoveryReport> {
  const started = performance.now();
  const unfinished = await journal.unfinished();
  let exhausted = 0;
  for (const d of unfinished) {
    const listener = pump.listeners.get(d.to);
    if (!listener) {
      exhausted++;
      await journal.exhaust(d.id, `listener ${d.to} no longer exists`);
    } else if (d.attempt > listener.retry.maxAttempts) {
      exhausted++;
      await journal.exhaust(
        d.id,
        `interrupted ${d.attempt - 1} time(s); ${listener.name} allows ${listener.retry.maxAttempts} attempt(s)`,
      );
    } else pump.redeliver(d);
  }
  return { requeued: unfinished.length - exhausted, exhausted, ms: performance.now() - started };
}
