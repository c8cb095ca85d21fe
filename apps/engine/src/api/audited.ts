import type { ApiContext } from './context.ts';

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
  try {
    const result = await run();
    await ctx.store.audit({ actor, action, target, detail: json, outcome: 'ok', error: null });
    return result;
  } catch (err) {
    await ctx.store.audit({
      actor,
      action,
      target,
      detail: json,
      outcome: 'error',
      error: err instanceof Error ? err.message : String(err),
    });
    throw err;
  }
}
