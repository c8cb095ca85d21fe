import { auditError } from '../journal/index.ts';
import type { AuditInput } from '../journal/index.ts';
import type { ApiContext } from './context.ts';

/**
 * Appends to the audit log without ever failing the request it records: a log write that fails is
 * reported in the server's log, and the caller still learns what happened to its action (a mutation
 * that succeeded must not look failed, or the caller repeats it; a refusal must keep its own code).
 */
export async function recordAudit(ctx: Pick<ApiContext, 'store' | 'log'>, entry: AuditInput): Promise<void> {
  try {
    await ctx.store.audit(entry);
  } catch (err) {
    ctx.log.error(
      { err, action: entry.action, actor: entry.actor, target: entry.target, outcome: entry.outcome },
      `audit log write failed for ${entry.action} by ${entry.actor}`,
    );
  }
}

/**
 * Runs a mutating action and writes it to the audit log with who, what and the outcome, whether it
 * succeeded or threw. Every API mutation that changes something goes through here (the SIGHUP reload and
 * the CLI write their own entries). `detail` is serialized when the entry is written, so the action may
 * add to it what it produced (a republish's new message ids).
 */
export async function audited<T>(
  ctx: Pick<ApiContext, 'store' | 'user' | 'log'>,
  action: string,
  target: string | null,
  detail: unknown,
  run: () => Promise<T>,
): Promise<T> {
  const actor = ctx.user?.name ?? 'anonymous';
  // Read when the entry is written, after the action: an action may add to `detail` what it produced.
  const json = (): string | null => (detail === undefined ? null : JSON.stringify(detail));
  let result: T;
  try {
    result = await run();
  } catch (err) {
    await recordAudit(ctx, {
      actor,
      action,
      target,
      detail: json(),
      outcome: 'error',
      error: auditError(err),
    });
    throw err;
  }
  await recordAudit(ctx, { actor, action, target, detail: json(), outcome: 'ok', error: null });
  return result;
}
