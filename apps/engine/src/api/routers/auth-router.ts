import { changePasswordInputSchema, EngineError, loginInputSchema, noInputSchema } from '@organism/shared';
import { audited, recordAudit } from '../audited.ts';
import { clientAddress } from '../client-address.ts';
import type { ApiContext } from '../context.ts';
import { SESSION_COOKIE } from '../context.ts';
import { EngineApiError } from '../error-map.ts';
import type { LoginAttempt } from '../login-limiter.ts';
import { publicProcedure, router, viewerProcedure } from '../trpc.ts';

const SESSION_TTL = 12 * 3_600_000;

/**
 * Takes a place under the sign-in limits (per name and per address) before a password is checked, or
 * refuses with RATE_LIMITED and Retry-After. Parallel and batched calls count one by one.
 */
function reserveAttempt(ctx: ApiContext, name: string): LoginAttempt {
  const reservation = ctx.limiter.reserve(
    name,
    clientAddress(ctx.req, ctx.engine.config.server.trustedProxies),
  );
  if (reservation.ok) return reservation.attempt;
  const seconds = Math.ceil(reservation.retryAfterMs / 1000);
  ctx.res.setHeader('retry-after', String(seconds));
  throw new EngineError('RATE_LIMITED', `too many failed sign-ins; try again in ${seconds} s`, {
    fields: { retryAfterSeconds: seconds },
  });
}

/**
 * The session cookie's attributes: httpOnly, SameSite=Strict, and `Secure` when the browser reached us
 * over HTTPS (a TLS socket, or a proxy in front that says so in X-Forwarded-Proto, as the console passes
 * it on), so that the browser never sends it over plain HTTP. A spoofed header only keeps the cookie from
 * the spoofer's own plain-HTTP requests.
 */
function cookieAttributes(ctx: ApiContext, maxAgeSeconds: number): string {
  const proto = ctx.req.headers['x-forwarded-proto'];
  const first = (Array.isArray(proto) ? proto[0] : proto)?.split(',')[0]?.trim().toLowerCase();
  const tls = (ctx.req.socket as { encrypted?: boolean }).encrypted === true || first === 'https';
  return `HttpOnly; SameSite=Strict; Path=/; Max-Age=${maxAgeSeconds}${tls ? '; Secure' : ''}`;
}

/** Starts a session for `userId` and hands its token to the browser in the httpOnly cookie. */
async function startSession(ctx: ApiContext, userId: string): Promise<void> {
  const session = await ctx.store.createSession(userId, SESSION_TTL);
  ctx.res.setHeader(
    'set-cookie',
    `${SESSION_COOKIE}=${session.token}; ${cookieAttributes(ctx, SESSION_TTL / 1000)}`,
  );
}

export const authRouter = router({
  /**
   * Signs in; the session travels in an httpOnly, SameSite=Strict cookie. Rate limited per name and
   * address: the attempt is counted before the password is hashed, so parallel and batched calls count
   * one by one (a batch of ten logins takes ten slots, and the calls past the limit are refused).
   */
  login: publicProcedure.input(loginInputSchema).mutation(async ({ ctx, input }) => {
    const attempt = reserveAttempt(ctx, input.name);
    let user;
    try {
      user = await ctx.store.verifyPassword(input.name, input.password);
    } catch (err) {
      ctx.limiter.release(attempt);
      // Too many sign-ins at once (password-hash.ts): not this caller's failure, a second's wait.
      if (err instanceof EngineError && err.code === 'RATE_LIMITED') ctx.res.setHeader('retry-after', '1');
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
    await startSession(ctx, user.id);
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
  logout: viewerProcedure.input(noInputSchema).mutation(async ({ ctx }) => {
    if (ctx.sessionToken) await ctx.store.deleteSession(ctx.sessionToken);
    ctx.res.setHeader('set-cookie', `${SESSION_COOKIE}=; ${cookieAttributes(ctx, 0)}`);
    return { ok: true };
  }),
  me: publicProcedure.input(noInputSchema).query(({ ctx }) => ({ user: ctx.user ?? null })),
  /**
   * The signed-in user's own password, any role. The current password is checked first, under the
   * sign-in limits (a session left open must not be enough to guess it); a wrong one is INPUT_INVALID
   * at `currentPassword`. Every other session of the user ends; this one goes on with a new cookie.
   */
  changePassword: viewerProcedure.input(changePasswordInputSchema).mutation(({ ctx, input }) =>
    audited(ctx, 'auth.password', ctx.user.name, undefined, async () => {
      const { user } = ctx;
      const attempt = reserveAttempt(ctx, user.name);
      let verified;
      try {
        verified = await ctx.store.verifyPassword(user.name, input.currentPassword);
      } catch (err) {
        ctx.limiter.release(attempt);
        throw err;
      }
      if (!verified) {
        const message = 'the current password is wrong';
        throw new EngineApiError('INPUT_INVALID', message, [{ path: 'currentPassword', message }]);
      }
      ctx.limiter.succeed(attempt);
      if (input.newPassword === input.currentPassword) {
        const message = 'the new password is the same as the current one';
        throw new EngineApiError('INPUT_INVALID', message, [{ path: 'newPassword', message }]);
      }
      // Ends every session of the user, this one included: a stolen cookie stops working here.
      await ctx.store.setPassword(user.name, input.newPassword);
      await startSession(ctx, user.id);
      return { ok: true };
    }),
  ),
});
