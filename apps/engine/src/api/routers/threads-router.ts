import {
  THREAD_HOPS_STEP,
  threadByIdInputSchema,
  threadListInputSchema,
  threadMessagesInputSchema,
  threadRefInputSchema,
} from '@organism/shared';
import type { MessageSummary } from '@organism/shared';
import { EngineApiError } from '../error-map.ts';
import { audited } from '../audited.ts';
import { operatorProcedure, router, viewerProcedure } from '../trpc.ts';
import { oldestFirst } from './thread-hops.ts';

export const threadsRouter = router({
  list: viewerProcedure.input(threadListInputSchema).query(({ ctx, input }) => ctx.engine.listThreads(input)),
  /**
   * One thread: its latest `hops` hops oldest first (none before its cause), each with its journal state.
   * When there are more (`truncated`), `summary` is the whole thread's (its count of hops, failures,
   * participants, start and status), so a page showing the latest 500 of 2,000 can say so and number them.
   */
  byId: viewerProcedure.input(threadByIdInputSchema).query(async ({ ctx, input }) => {
    const items: MessageSummary[] = [];
    let cursor: string | undefined;
    do {
      const limit = Math.min(THREAD_HOPS_STEP, input.hops - items.length);
      const page = await ctx.engine.listMessages({ threadId: input.id, limit, cursor });
      items.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined && items.length < input.hops);
    if (items.length === 0) throw new EngineApiError('NOT_FOUND', `no thread ${input.id}`);
    const truncated = cursor !== undefined;
    // `find` reads the thread's summary by its whole id (a range of one).
    const summary = truncated
      ? ((await ctx.engine.find(input.id)).threads.find((t) => t.id === input.id) ?? null)
      : null;
    return { id: input.id, messages: oldestFirst(items), truncated, summary };
  }),
  /** The sequences and buffers started in a thread, with each step's or item's progress. */
  orchestrations: viewerProcedure
    .input(threadRefInputSchema)
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
