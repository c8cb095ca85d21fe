import type { Delivery } from '../pump/delivery.ts';
import type { Journal, RecoveryPlan, UnfinishedEntry } from '../journal/journal.ts';
import type { MessagePump } from '../pump/message-pump.ts';

export interface RecoveryReport {
  /** Handed back to the pump, including those waiting for a scheduled retry. */
  requeued: number;
  /** Of those, how many wait for their scheduled retry time. */
  scheduled: number;
  exhausted: number;
  ms: number;
}

/**
 * Boot recovery: every PENDING or DISPATCHED entry a previous run left is handed back to the pump
 * before any new intake (at-least-once: `ctx.attempt` tells handlers it is a redelivery).
 *
 * Each redelivery counts as an attempt: the journal commits its start before its handler runs. A
 * message whose handler takes the process down (a native fault, an OOM kill) therefore comes back with
 * a growing attempt until its listener's `retry.maxAttempts` are used up, and then becomes a
 * REDELIVERY_EXHAUSTED dead letter instead of looping forever; entries queued behind it that never
 * started are not charged. An entry whose listener is gone becomes the same dead letter. A retry
 * scheduled for later keeps its time: it is queued then, never earlier.
 */
export async function recoverUnfinished(
  journal: Journal,
  pump: MessagePump,
  now = Date.now(),
): Promise<RecoveryReport> {
  const started = performance.now();
  return recoverEntries(journal, pump, await journal.unfinished(), now, started);
}

/**
 * Recovers `entries` as boot recovery does: also the work this engine adopts from an engine that died,
 * where several share the journal (PostgreSQL).
 */
export async function recoverEntries(
  journal: Journal,
  pump: MessagePump,
  entries: readonly UnfinishedEntry[],
  now = Date.now(),
  started = performance.now(),
): Promise<RecoveryReport> {
  const redeliver: Delivery[] = [];
  const exhaust: RecoveryPlan['exhaust'][number][] = [];
  const later: UnfinishedEntry[] = [];
  for (const entry of entries) {
    const d = entry.delivery;
    const listener = pump.listeners.get(d.to);
    if (!listener) exhaust.push({ delivery: d, detail: `listener ${d.to} no longer exists` });
    else if (d.attempt > listener.retry.maxAttempts) {
      exhaust.push({
        delivery: d,
        detail:
          `${d.attempt - 1} attempt(s) started and none finished (the last one was cut short by a crash ` +
          `or a stop); ${listener.name} allows ${listener.retry.maxAttempts}`,
      });
    } else if (entry.nextAttemptAt !== null && entry.nextAttemptAt > now) later.push(entry);
    else redeliver.push(d);
  }
  await journal.recordRecovery({ redeliver: [...redeliver, ...later.map((e) => e.delivery)], exhaust });
  for (const d of redeliver) pump.redeliver(d);
  for (const e of later) pump.redeliver(e.delivery, e.nextAttemptAt ?? now);
  return {
    requeued: redeliver.length + later.length,
    scheduled: later.length,
    exhausted: exhaust.length,
    ms: performance.now() - started,
  };
}
