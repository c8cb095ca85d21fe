import {
  addUserInputSchema,
  byIdInputSchema,
  createTokenInputSchema,
  formatProblem,
  noInputSchema,
  reservedSenderMessage,
  setPasswordInputSchema,
  setRoleInputSchema,
  userRefInputSchema,
} from '@organism/shared';
import type { Problem } from '@organism/shared';
import { audited } from '../audited.ts';
import { EngineApiError } from '../error-map.ts';
import { ingressUrl } from '../ingress-url.ts';
import { adminProcedure, router } from '../trpc.ts';

/**
 * Users and API tokens, for admins. The store refuses removing or demoting the last admin (CONFLICT);
 * here an admin is also refused removing or demoting themselves, so nobody cuts off the session they
 * are using: another admin does it.
 */
export const usersRouter = router({
  list: adminProcedure.input(noInputSchema).query(({ ctx }) => ctx.store.listUsers()),
  add: adminProcedure
    .input(addUserInputSchema)
    .mutation(({ ctx, input }) =>
      audited(ctx, 'user.add', input.name, { role: input.role }, () =>
        ctx.store.createUser(input.name, input.role, input.password),
      ),
    ),
  remove: adminProcedure.input(userRefInputSchema).mutation(({ ctx, input }) =>
    audited(ctx, 'user.remove', input.name, undefined, () => {
      if (input.name === ctx.user.name)
        throw new EngineApiError('CONFLICT', 'you cannot remove yourself; another admin can');
      return ctx.store.removeUser(input.name);
    }),
  ),
  /** Audited with the role given and the one it replaced (`was`). */
  setRole: adminProcedure.input(setRoleInputSchema).mutation(({ ctx, input }) => {
    const detail: { role: string; was?: string } = { role: input.role };
    return audited(ctx, 'user.role', input.name, detail, async () => {
      if (input.name === ctx.user.name && input.role !== 'admin')
        throw new EngineApiError('CONFLICT', 'you cannot demote yourself; another admin can');
      detail.was = await ctx.store.setRole(input.name, input.role);
    });
  }),
  /** Ends the user's sessions too (an admin resetting their own password signs themselves out). */
  setPassword: adminProcedure
    .input(setPasswordInputSchema)
    .mutation(({ ctx, input }) =>
      audited(ctx, 'user.password', input.name, undefined, () =>
        ctx.store.setPassword(input.name, input.password),
      ),
    ),
  tokens: adminProcedure.input(noInputSchema).query(({ ctx }) => ctx.store.listTokens()),
  /**
   * With `producers`, envelopes sent with the token must be from one of those names. Answers the token
   * (shown this once) and `ingressUrl`, where producers send with it as the caller reached this engine.
   * A listener's name among them is INPUT_INVALID at `producers[i]`, as the input schema refuses `system.*`.
   */
  createToken: adminProcedure.input(createTokenInputSchema).mutation(({ ctx, input }) => {
    const listeners = new Set(ctx.engine.config.listeners.map((l) => l.name));
    const problems = (input.producers ?? []).flatMap((name, i): Problem[] => {
      const message = reservedSenderMessage(name, (n) => listeners.has(n));
      return message ? [{ path: `producers[${i}]`, message }] : [];
    });
    // Refused before the audit, like an input the schema refuses: nothing was attempted.
    if (problems.length > 0)
      throw new EngineApiError(
        'INPUT_INVALID',
        `invalid input: ${problems.map(formatProblem).join('; ')}`,
        problems,
      );
    return audited(
      ctx,
      'token.create',
      input.name,
      input.producers && { producers: input.producers },
      async () => ({
        ...(await ctx.store.createToken(input.name, ctx.user.name, input.producers)),
        ingressUrl: ingressUrl(ctx.req),
      }),
    );
  }),
  revokeToken: adminProcedure
    .input(byIdInputSchema)
    .mutation(({ ctx, input }) =>
      audited(ctx, 'token.revoke', input.id, undefined, () => ctx.store.revokeToken(input.id)),
    ),
});
