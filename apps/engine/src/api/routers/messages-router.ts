import { byIdInputSchema, injectInputSchema, messageListInputSchema } from '@organism/shared';
import { audited } from '../audited.ts';
import { EngineApiError } from '../error-map.ts';
import { operatorProcedure, router, viewerProcedure } from '../trpc.ts';

export const messagesRouter = router({
  list: viewerProcedure
    .input(messageListInputSchema)
    .query(({ ctx, input }) => ctx.engine.listMessages(input)),
  byId: viewerProcedure.input(byIdInputSchema).query(async ({ ctx, input }) => {
    const m = await ctx.engine.getMessage(input.id);
    if (!m) throw new EngineApiError('NOT_FOUND', `no message ${input.id}`);
    return m;
  }),
  /** Sends a payload from the console, as `console:<user>`. Refusals come back with every problem. */
  inject: operatorProcedure.input(injectInputSchema).mutation(({ ctx, input }) =>
    audited(ctx, 'message.inject', input.to ?? '(broadcast)', { thread: input.thread }, async () => {
      const res = await ctx.engine.inject({ ...input, from: `console:${ctx.user.name}` });
      if (!res.ok) throw new EngineApiError(res.error.code, res.error.message, [...res.error.problems]);
      return { threadId: res.threadId, messageIds: res.messageIds };
    }),
  ),
});
