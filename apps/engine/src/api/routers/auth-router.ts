import { loginInputSchema } from '@organism/shared';
import { SESSION_COOKIE } from '../context.ts';
import { EngineApiError } from '../error-map.ts';
import { publicProcedure, router, viewerProcedure } from '../trpc.ts';

const SESSION_TTL = 12 * 3_600_000;

export const authRouter = router({
  /** Signs in; the session travels in an httpOnly, SameSite=Strict cookie. Rate limited per address and name. */
  login: publicProcedure.input(loginInputSchema).mutation(async ({ ctx, input }) => {
    const keys = [`ip:${ctx.req.socket.remoteAddress ?? '?'}`, `name:${input.name}`];
    const wait = ctx.limiter.retryAfter(keys);
    if (wait > 0) {
      ctx.res.setHeader('retry-after', String(Math.ceil(wait / 1000)));
      throw new EngineApiError(
        'RATE_LIMITED',
        `too many failed sign-ins; try again in ${Math.ceil(wait / 1000)} s`,
      );
    }
    const user = await ctx.store.verifyPassword(input.name, input.password);
    if (!user) {
      ctx.limiter.fail(keys);
      await ctx.store.audit({
        actor: input.name,
        action: 'auth.login',
        target: null,
        detail: null,
        outcome: 'error',
        error: 'wrong name or password',
      });
      throw new EngineApiError('UNAUTHORIZED', 'wrong name or password');
    }
    ctx.limiter.succeed(keys);
    const session = await ctx.store.createSession(user.id, SESSION_TTL);
    ctx.res.setHeader(
      'set-cookie',
      `${SESSION_COOKIE}=${session.token}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${SESSION_TTL / 1000}`,
    );
    await ctx.store.audit({
      actor: user.name,
      action: 'auth.login',
      target: null,
      detail: null,
      outcome: 'ok',
      error: null,
    });
    return { user };
  }),
  logout: viewerProcedure.mutation(async ({ ctx }) => {
    if (ctx.sessionToken) await ctx.store.deleteSession(ctx.sessionToken);
    ctx.res.setHeader('set-cookie', `${SESSION_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0`);
    return { ok: true };
  }),
  me: publicProcedure.query(({ ctx }) => ({ user: ctx.user ?? null })),
});
