import {
  deadLettersInputSchema,
  discardManyInputSchema,
  latestFailuresInputSchema,
  messageIdInputSchema,
  messageListInputSchema,
  noInputSchema,
  retryManyInputSchema,
} from '@organism/shared';
import type { MessageFilter } from '@organism/shared';
import { audited } from '../audited.ts';
import { operatorProcedure, router, viewerProcedure } from '../trpc.ts';

export const journalRouter = router({
  stats: viewerProcedure.input(noInputSchema).query(({ ctx }) => ctx.engine.journalStats()),
  /** Outcomes per second over the last five minutes (the overview chart's history), from memory. */
  throughput: viewerProcedure.input(noInputSchema).query(({ ctx }) => ctx.engine.throughput()),
  /** Dead letters and everything else, with filters and keyset pagination. */
  list: viewerProcedure
    .input(messageListInputSchema)
    .query(({ ctx, input }) => ctx.engine.listMessages(input)),
  /** FAILED entries grouped by listener and error code, biggest groups first. */
  deadLetters: viewerProcedure
    .input(deadLettersInputSchema)
    .query(({ ctx, input }) => ctx.engine.deadLetters(input)),
  /** The dead letters and refusals that failed last, by when they failed (the overview's "Latest failures"). */
  latestFailures: viewerProcedure
    .input(latestFailuresInputSchema)
    .query(({ ctx, input }) => ctx.engine.latestFailures(input)),
  retry: operatorProcedure
    .input(messageIdInputSchema)
    .mutation(({ ctx, input }) =>
      audited(ctx, 'journal.retry', input.messageId, undefined, () =>
        ctx.engine.retry(input.messageId, ctx.user.name),
      ),
    ),
  /** Audited with the filter and `retried`, how many were queued again (as `extension.retry-all`). */
  retryMany: operatorProcedure.input(retryManyInputSchema).mutation(({ ctx, input }) => {
    if (input.dryRun) return ctx.engine.retryMany(input.filter, { dryRun: true });
    const detail: MessageFilter & { retried?: number } = { ...input.filter };
    return audited(ctx, 'journal.retryMany', null, detail, async () => {
      const outcome = await ctx.engine.retryMany(input.filter, { dryRun: false, by: ctx.user.name });
      detail.retried = outcome.count;
      return outcome;
    });
  }),
  discard: operatorProcedure
    .input(messageIdInputSchema)
    .mutation(({ ctx, input }) =>
      audited(ctx, 'journal.discard', input.messageId, undefined, () =>
        ctx.engine.discard(input.messageId, ctx.user.name),
      ),
    ),
  /**
   * Every dead letter matching the filter, refused input too; a dry run counts them and shows the oldest.
   * Audited with the filter and `discarded`, how many went.
   */
  discardMany: operatorProcedure.input(discardManyInputSchema).mutation(({ ctx, input }) => {
    if (input.dryRun) return ctx.engine.discardMany(input.filter, { dryRun: true });
    const detail: MessageFilter & { discarded?: number } = { ...input.filter };
    return audited(ctx, 'journal.discardMany', null, detail, async () => {
      const outcome = await ctx.engine.discardMany(input.filter, { dryRun: false, by: ctx.user.name });
      detail.discarded = outcome.count;
      return outcome;
    });
  }),
});
