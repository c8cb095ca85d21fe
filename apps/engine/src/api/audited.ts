import { EngineError, formatProblem } from '@organism/shared';
import type { AuditInput } from '../journal/index.ts';
import type { ApiContext } from './context.ts';

/** Problems an audit entry's error names at most (the rest are counted), and its length at most. */
const PROBLEMS_NAMED = 3;
const ERROR_CHARS = 2_000;

/**
 * What a failed action's audit entry says went wrong: the error's message and, for one that has them,
 * its first problems with their places (`organism.yaml:23:14 listeners[0].handler: handler module not
 * found: …`), so that "it has problems" in the log still says which.
 */
export function auditError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  // Those the message says already (a refusal of one field, invalid input's list) are not repeated.
  const problems = (err instanceof EngineError ? err.problems : []).filter(
    (p) => !err.message.includes(p.message),
  );
  if (problems.length === 0) return cap(err.message);
  const named = problems.slice(0, PROBLEMS_NAMED).map(formatProblem).join('; ');
  const more = problems.length - PROBLEMS_NAMED;
  return cap(`${err.message}: ${named}${more > 0 ? ` (and ${more} more)` : ''}`);
}

const cap = (text: string): string =>
  text.length <= ERROR_CHARS ? text : `${text.slice(0, ERROR_CHARS - 1)}…`;

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
 * succeeded or threw. Every mutation in the API goes through here. `detail` is serialized when the entry
 * is written, so the action may add to it what it produced (a republish's new message ids).
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
