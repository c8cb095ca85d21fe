import { EngineError, loginInputSchema } from '@organism/shared';
import { recordAudit } from '../audited.ts';
import { clientAddress } from '../client-address.ts';
import { SESSION_COOKIE } from '../context.ts';
import { publicProcedure, router, viewerProcedure } from '../trpc.ts';

const SESSION_TTL = 12 * 3_600_000;

export const authRouter = router({
  /**
   * Signs in; the session travels in an httpOnly, SameSite=Strict cookie. Rate limited per name and
   * address: the attempt is counted before the password is hashed, so parallel and batched calls count
   * one by one (a batch of ten logins takes ten slots, and the calls past the limit are refused).
   */
  login: publicProcedure.input(loginInputSchema).mutation(async ({ ctx, input }) => {
    const reservation = ctx.limiter.reserve(input.name, clientAddress(ctx.req));
    if (!reservation.ok) {
      const seconds = Math.ceil(reservation.retryAfterMs / 1000);
      ctx.res.setHeader('retry-after', String(seconds));
      throw new EngineError('RATE_LIMITED', `too many failed sign-ins; try again in ${seconds} s`, {
        fields: { retryAfterSeconds: seconds },
      });
    }
    const { attempt } = reservation;
    let user;
    try {
      user = await ctx.store.verifyPassword(input.name, input.password);
    } catch (err) {
      ctx.limiter.release(attempt);
      throw err;
    }
    if (!user) {
      // The reserved slot stays taken: it now counts as a failure.
      await recordAudit(ctx, {
        actor: input.name,
        action: 'auth.login',
        target: null,
        detail: null,
        outcome: 'error',
        error: 'wrong name or password',
      });
      throw new EngineError('UNAUTHORIZED', 'wrong name or password');
    }
    ctx.limiter.succeed(attempt);
    const session = await ctx.store.createSession(user.id, SESSION_TTL);
    ctx.res.setHeader(
      'set-cookie',
      `${SESSION_COOKIE}=${session.token}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${SESSION_TTL / 1000}`,
    );
    await recordAudit(ctx, {
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
