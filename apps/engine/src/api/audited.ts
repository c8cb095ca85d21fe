import type { AuditInput } from '../journal/index.ts';
import type { ApiContext } from './context.ts';

/**
 * Appends to the audit log without ever failing the request it records: a log write that fails is
 * reported on the server, and the caller still learns what happened to its action (a mutation that
 * succeeded must not look failed, or the caller repeats it; a refusal must keep its own code).
 */
export async function recordAudit(store: ApiContext['store'], entry: AuditInput): Promise<void> {
  try {
    await store.audit(entry);
  } catch (err) {
    console.error(`audit log write failed for ${entry.action} by ${entry.actor}:`, err);
  }
}

/**
 * Runs a mutating action and writes it to the audit log with who, what and the outcome, whether it
 * succeeded or threw. Every mutation in the API goes through here.
 */
export async function audited<T>(
  ctx: Pick<ApiContext, 'store' | 'user'>,
  action: string,
  target: string | null,
  detail: unknown,
  run: () => Promise<T>,
): Promise<T> {
  const actor = ctx.user?.name ?? 'anonymous';
  const json = detail === undefined ? null : JSON.stringify(detail);
  let result: T;
  try {
    result = await run();
  } catch (err) {
    await recordAudit(ctx.store, {
      actor,
      action,
      target,
      detail: json,
      outcome: 'error',
      error: err instanceof Error ? err.message : String(err),
    });
    throw err;
  }
  await recordAudit(ctx.store, { actor, action, target, detail: json, outcome: 'ok', error: null });
  return result;
}
