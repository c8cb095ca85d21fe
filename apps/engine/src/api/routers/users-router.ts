import { z } from 'zod';
import { audited } from '../audited.ts';
import { adminProcedure, router } from '../trpc.ts';

const role = z.enum(['viewer', 'operator', 'admin']);
const name = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[\w.@-]+$/, 'letters, digits and . _ - @');

export const usersRouter = router({
  list: adminProcedure.query(({ ctx }) => ctx.store.listUsers()),
  add: adminProcedure
    .input(z.object({ name, role, password: z.string().min(8).max(1000) }))
    .mutation(({ ctx, input }) =>
      audited(ctx, 'user.add', input.name, { role: input.role }, () =>
        ctx.store.createUser(input.name, input.role, input.password),
      ),
    ),
  remove: adminProcedure
    .input(z.object({ name }))
    .mutation(({ ctx, input }) =>
      audited(ctx, 'user.remove', input.name, undefined, () => ctx.store.removeUser(input.name)),
    ),
  setRole: adminProcedure
    .input(z.object({ name, role }))
    .mutation(({ ctx, input }) =>
      audited(ctx, 'user.role', input.name, { role: input.role }, () =>
        ctx.store.setRole(input.name, input.role),
      ),
    ),
  setPassword: adminProcedure
    .input(z.object({ name, password: z.string().min(8).max(1000) }))
    .mutation(({ ctx, input }) =>
      audited(ctx, 'user.password', input.name, undefined, () =>
        ctx.store.setPassword(input.name, input.password),
      ),
    ),
  tokens: adminProcedure.query(({ ctx }) => ctx.store.listTokens()),
  createToken: adminProcedure
    .input(z.object({ name: z.string().min(1).max(100) }))
    .mutation(({ ctx, input }) =>
      audited(ctx, 'token.create', input.name, undefined, () =>
        ctx.store.createToken(input.name, ctx.user.name),
      ),
    ),
  revokeToken: adminProcedure
    .input(z.object({ id: z.string() }))
    .mutation(({ ctx, input }) =>
      audited(ctx, 'token.revoke', input.id, undefined, () => ctx.store.revokeToken(input.id)),
    ),
});
