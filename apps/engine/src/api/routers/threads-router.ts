import {
  byIdInputSchema,
  threadListInputSchema,
  threadMessagesInputSchema,
  threadRefInputSchema,
} from '@organism/shared';
import { EngineApiError } from '../error-map.ts';
import { audited } from '../audited.ts';
import { operatorProcedure, router, viewerProcedure } from '../trpc.ts';
import { oldestFirst } from './thread-hops.ts';

export const threadsRouter = router({
  list: viewerProcedure.input(threadListInputSchema).query(({ ctx, input }) => ctx.engine.listThreads(input)),
  /** One thread: its hops oldest first (none before its cause), each with its journal state. */
  byId: viewerProcedure.input(byIdInputSchema).query(async ({ ctx, input }) => {
    const page = await ctx.engine.listMessages({ threadId: input.id, limit: 500 });
    if (page.items.length === 0) throw new EngineApiError('NOT_FOUND', `no thread ${input.id}`);
    return { id: input.id, messages: oldestFirst(page.items), truncated: page.nextCursor !== null };
  }),
  /** The sequences and buffers started in a thread, with each step's or item's progress. */
  orchestrations: viewerProcedure
    .input(byIdInputSchema)
    .query(({ ctx, input }) => ctx.engine.orchestrationsOf(input.id)),
  messages: viewerProcedure
    .input(threadMessagesInputSchema)
    .query(({ ctx, input }) =>
      ctx.engine.listMessages({ threadId: input.id, limit: input.limit, cursor: input.cursor }),
    ),
  /**
   * Kills a thread: its queued work fails as KILLED and running handlers' outputs are dropped. An id that
   * is no thread id is INPUT_INVALID; a thread neither open nor journaled, NOT_FOUND (as `byId`).
   */
  kill: operatorProcedure.input(threadRefInputSchema).mutation(({ ctx, input }) =>
    audited(ctx, 'thread.kill', input.id, undefined, async () => {
      const stopped = await ctx.engine.killThread(input.id, ctx.user.name);
      if (stopped === undefined) throw new EngineApiError('NOT_FOUND', `no thread ${input.id}`);
      return { stopped };
    }),
  ),
});
