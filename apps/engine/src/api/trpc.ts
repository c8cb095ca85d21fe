import { initTRPC } from '@trpc/server';
import type { ApiContext } from './context.ts';
import { EngineApiError, engineCodeOf, toApiError } from './error-map.ts';

export type Role = 'viewer' | 'operator' | 'admin';
const RANK: Record<Role, number> = { viewer: 1, operator: 2, admin: 3 };

/** tRPC, initialised once. SSE pings keep the Next.js rewrite proxy from cutting idle streams (30 s). */
const t = initTRPC.context<ApiContext>().create({
  sse: { ping: { enabled: true, intervalMs: 10_000 }, client: { reconnectAfterInactivityMs: 30_000 } },
  errorFormatter({ shape, error }) {
    const problems = error instanceof EngineApiError ? error.problems : [];
    return { ...shape, data: { ...shape.data, engineCode: engineCodeOf(error) ?? null, problems } };
  },
});

export const router = t.router;

/** Maps domain errors to API errors in one place, for every procedure. */
const mapErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok) throw toApiError(result.error.cause ?? result.error);
  return result;
});

export const publicProcedure = t.procedure.use(mapErrors);

/** A procedure that needs a signed-in user with at least `role`. Checked on the server for every call. */
export function requireRole(role: Role) {
  return publicProcedure.use(({ ctx, next }) => {
    if (!ctx.user) throw new EngineApiError('UNAUTHORIZED', 'sign in first');
    if (RANK[ctx.user.role] < RANK[role])
      throw new EngineApiError('FORBIDDEN', `this needs the ${role} role; you are ${ctx.user.role}`);
    return next({ ctx: { ...ctx, user: ctx.user } });
  });
}

export const viewerProcedure = requireRole('viewer');
export const operatorProcedure = requireRole('operator');
export const adminProcedure = requireRole('admin');
