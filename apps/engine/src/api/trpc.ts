import { initTRPC } from '@trpc/server';
import { EngineError } from '@organism/shared';
import type { ApiContext } from './context.ts';
import { apiErrorShape, toTRPCError } from './error-map.ts';
import { recordAudit } from './audited.ts';

export type Role = 'viewer' | 'operator' | 'admin';
const RANK: Record<Role, number> = { viewer: 1, operator: 2, admin: 3 };

/**
 * SSE settings: pings keep proxies between the browser and the engine (the console's, a reverse proxy's)
 * from cutting idle streams, and tell the client the engine still answers: a stream with nothing for
 * `reconnectAfterInactivityMs` (a hung or stopped engine, a cut network) is reconnected, and the
 * console says the engine is not answering. A ping goes only when nothing else was written for its
 * interval. The event stream's own writer (server/event-stream-endpoint.ts) follows them too.
 */
export const SSE = {
  ping: { enabled: true, intervalMs: 3_000 },
  client: { reconnectAfterInactivityMs: 8_000 },
} as const;

/**
 * tRPC, initialised once. `isDev: false` and a formatter that builds the whole shape keep stacks out of
 * every error body, whatever NODE_ENV says; the server logs internal faults instead.
 */
const t = initTRPC.context<ApiContext>().create({
  isDev: false,
  sse: SSE,
  errorFormatter: ({ error, path }) => apiErrorShape(error, path),
});

export const router = t.router;

/** Maps domain errors (and invalid input) to API errors in one place, for every procedure. */
const mapErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok) throw toTRPCError(result.error);
  return result;
});

export const publicProcedure = t.procedure.use(mapErrors);

/**
 * A procedure that needs a signed-in user with at least `role`. Checked on the server for every call. A
 * signed-in user's mutation refused for their role is written to the audit log under the procedure's
 * path (`users.add`), with the refusal and no input: an attempt beyond one's role is what the log is for.
 * Once a minute per user and procedure (`RefusalAudit`), so that a flood of them buries nothing.
 */
export function requireRole(role: Role) {
  return publicProcedure.use(async ({ ctx, next, type, path }) => {
    if (!ctx.user) throw new EngineError('UNAUTHORIZED', 'sign in first');
    if (RANK[ctx.user.role] < RANK[role]) {
      const refusal = new EngineError('FORBIDDEN', `this needs the ${role} role; you are ${ctx.user.role}`);
      const admitted = type === 'mutation' ? ctx.refusals.admit(ctx.user.name, path) : undefined;
      if (admitted)
        await recordAudit(ctx, {
          actor: ctx.user.name,
          action: path,
          target: null,
          detail: null,
          outcome: 'error',
          error:
            admitted.leftOut > 0
              ? `${refusal.message} (and ${admitted.leftOut} more refused in the minute before, not written)`
              : refusal.message,
        });
      throw refusal;
    }
    return next({ ctx: { ...ctx, user: ctx.user } });
  });
}

export const viewerProcedure = requireRole('viewer');
export const operatorProcedure = requireRole('operator');
export const adminProcedure = requireRole('admin');
