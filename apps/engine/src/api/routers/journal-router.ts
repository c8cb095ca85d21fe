import {
  deadLettersInputSchema,
  discardManyInputSchema,
  messageIdInputSchema,
  messageListInputSchema,
  retryManyInputSchema,
} from '@organism/shared';
import { audited } from '../audited.ts';
import { operatorProcedure, router, viewerProcedure } from '../trpc.ts';

export const journalRouter = router({
  stats: viewerProcedure.query(({ ctx }) => ctx.engine.journalStats()),
  /** Outcomes per second over the last five minutes (the overview chart's history), from memory. */
  throughput: viewerProcedure.query(({ ctx }) => ctx.engine.throughput()),
  /** Dead letters and everything else, with filters and keyset pagination. */
  list: viewerProcedure
    .input(messageListInputSchema)
    .query(({ ctx, input }) => ctx.engine.listMessages(input)),
  /** FAILED entries grouped by listener and error code, biggest groups first. */
  deadLetters: viewerProcedure
    .input(deadLettersInputSchema)
    .query(({ ctx, input }) => ctx.engine.deadLetters(input)),
  retry: operatorProcedure
    .input(messageIdInputSchema)
    .mutation(({ ctx, input }) =>
      audited(ctx, 'journal.retry', input.messageId, undefined, () => ctx.engine.retry(input.messageId)),
    ),
  retryMany: operatorProcedure
    .input(retryManyInputSchema)
    .mutation(({ ctx, input }) =>
      input.dryRun
        ? ctx.engine.retryMany(input.filter, { dryRun: true })
        : audited(ctx, 'journal.retryMany', null, input.filter, () =>
            ctx.engine.retryMany(input.filter, { dryRun: false }),
          ),
    ),
  discard: operatorProcedure
    .input(messageIdInputSchema)
    .mutation(({ ctx, input }) =>
      audited(ctx, 'journal.discard', input.messageId, undefined, () => ctx.engine.discard(input.messageId)),
    ),
  /** Every dead letter matching the filter, refused input too; a dry run counts them and shows the oldest. */
  discardMany: operatorProcedure
    .input(discardManyInputSchema)
    .mutation(({ ctx, input }) =>
      input.dryRun
        ? ctx.engine.discardMany(input.filter, { dryRun: true })
        : audited(ctx, 'journal.discardMany', null, input.filter, () =>
            ctx.engine.discardMany(input.filter, { dryRun: false }),
          ),
    ),
});
