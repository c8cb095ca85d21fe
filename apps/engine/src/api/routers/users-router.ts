import {
  addUserInputSchema,
  byIdInputSchema,
  setPasswordInputSchema,
  setRoleInputSchema,
  createTokenInputSchema,
  userRefInputSchema,
} from '@organism/shared';
import { audited } from '../audited.ts';
import { adminProcedure, router } from '../trpc.ts';

export const usersRouter = router({
  list: adminProcedure.query(({ ctx }) => ctx.store.listUsers()),
  add: adminProcedure
    .input(addUserInputSchema)
    .mutation(({ ctx, input }) =>
      audited(ctx, 'user.add', input.name, { role: input.role }, () =>
        ctx.store.createUser(input.name, input.role, input.password),
      ),
    ),
  remove: adminProcedure
    .input(userRefInputSchema)
    .mutation(({ ctx, input }) =>
      audited(ctx, 'user.remove', input.name, undefined, () => ctx.store.removeUser(input.name)),
    ),
  setRole: adminProcedure
    .input(setRoleInputSchema)
    .mutation(({ ctx, input }) =>
      audited(ctx, 'user.role', input.name, { role: input.role }, () =>
        ctx.store.setRole(input.name, input.role),
      ),
    ),
  setPassword: adminProcedure
    .input(setPasswordInputSchema)
    .mutation(({ ctx, input }) =>
      audited(ctx, 'user.password', input.name, undefined, () =>
        ctx.store.setPassword(input.name, input.password),
      ),
    ),
  tokens: adminProcedure.query(({ ctx }) => ctx.store.listTokens()),
  /** With `producers`, envelopes sent with the token must be from one of those names. */
  createToken: adminProcedure
    .input(createTokenInputSchema)
    .mutation(({ ctx, input }) =>
      audited(ctx, 'token.create', input.name, input.producers && { producers: input.producers }, () =>
        ctx.store.createToken(input.name, ctx.user.name, input.producers),
      ),
    ),
  revokeToken: adminProcedure
    .input(byIdInputSchema)
    .mutation(({ ctx, input }) =>
      audited(ctx, 'token.revoke', input.id, undefined, () => ctx.store.revokeToken(input.id)),
    ),
});
