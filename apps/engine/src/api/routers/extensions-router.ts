import {
  byExtensionInputSchema,
  extensionFailureInputSchema,
  extensionFailuresInputSchema,
  noInputSchema,
} from '@organism/shared';
import { audited } from '../audited.ts';
import { operatorProcedure, router, viewerProcedure } from '../trpc.ts';

export const extensionsRouter = router({
  /**
   * Each extension: its module, why it is not running (or null), its handlers with their counts, and for
   * a durable one its cursor, the log's head and its failures counted.
   */
  list: viewerProcedure.input(noInputSchema).query(({ ctx }) => ctx.engine.extensions.list()),
  /**
   * A durable extension's failures: its dead letters first, then the events waiting for a retry; a page
   * of `limit`, after the failure `cursor` places (the last of the page before).
   */
  failures: viewerProcedure
    .input(extensionFailuresInputSchema)
    .query(({ ctx, input }) => ctx.engine.extensions.failures(input.extension, input.limit, input.cursor)),
  /** Runs a failure again now; a dead letter gets a fresh set of retries. */
  retry: operatorProcedure.input(extensionFailureInputSchema).mutation(({ ctx, input }) =>
    audited(ctx, 'extension.retry', input.extension, { id: input.id }, async () => {
      await ctx.engine.extensions.retry(input.extension, input.id);
      return { ok: true as const };
    }),
  ),
  /** Runs every dead letter of the extension again now, each with a fresh set of attempts. */
  retryAll: operatorProcedure.input(byExtensionInputSchema).mutation(({ ctx, input }) => {
    const detail: { retried?: number } = {};
    return audited(ctx, 'extension.retry-all', input.extension, detail, async () => {
      detail.retried = await ctx.engine.extensions.retryDead(input.extension);
      return { retried: detail.retried };
    });
  }),
  /** Forgets every dead letter of the extension for good; failures waiting for a retry stay. */
  discardAll: operatorProcedure.input(byExtensionInputSchema).mutation(({ ctx, input }) => {
    const detail: { discarded?: number } = {};
    return audited(ctx, 'extension.discard-all', input.extension, detail, async () => {
      detail.discarded = await ctx.engine.extensions.discardDead(input.extension);
      return { discarded: detail.discarded };
    });
  }),
  /** Forgets a failure for good. */
  discard: operatorProcedure.input(extensionFailureInputSchema).mutation(({ ctx, input }) =>
    audited(ctx, 'extension.discard', input.extension, { id: input.id }, async () => {
      await ctx.engine.extensions.discard(input.extension, input.id);
      return { ok: true as const };
    }),
  ),
});
