import {
  byIdInputSchema,
  checkPayloadInputSchema,
  injectInputSchema,
  messageExportInputSchema,
  messageListInputSchema,
  messageSearchInputSchema,
} from '@organism/shared';
import { audited } from '../audited.ts';
import { EngineApiError } from '../error-map.ts';
import { operatorProcedure, router, viewerProcedure } from '../trpc.ts';

export const messagesRouter = router({
  list: viewerProcedure
    .input(messageListInputSchema)
    .query(({ ctx, input }) => ctx.engine.listMessages(input)),
  /**
   * Entries whose payload holds a text (indexed) and/or matches an XPath, with the list filters; bounded
   * per request (`scanned`, `candidates`), go on from `nextCursor`. A bad XPath is INPUT_INVALID at `xpath`.
   */
  search: viewerProcedure
    .input(messageSearchInputSchema)
    .query(({ ctx, input, signal }) =>
      ctx.engine.searchMessages(input, { asker: ctx.user.name, ...(signal ? { signal } : {}) }),
    ),
  /** A page of a filtered list or a search with envelopes: what the console's `/messages/export` streams. */
  exportPage: viewerProcedure
    .input(messageExportInputSchema)
    .query(({ ctx, input, signal }) =>
      ctx.engine.exportMessages(input, { asker: ctx.user.name, ...(signal ? { signal } : {}) }),
    ),
  byId: viewerProcedure.input(byIdInputSchema).query(async ({ ctx, input }) => {
    const m = await ctx.engine.getMessage(input.id);
    if (!m) throw new EngineApiError('NOT_FOUND', `no message ${input.id}`);
    return { ...m, ...(await ctx.engine.provenance(input.id)) };
  }),
  /**
   * Checks a payload against a listener's contract without sending it (the composer, as the author types):
   * `{ ok, root }` or the code and every problem, at lines and columns of the text as written. A mutation
   * only so that the payload travels in a POST body (like `config.validate`); it changes nothing.
   */
  check: operatorProcedure.input(checkPayloadInputSchema).mutation(({ ctx, input }) => {
    const checked = ctx.engine.checkPayload(input.to, input.payloadXml);
    if (!checked) throw new EngineApiError('NOT_FOUND', `no listener ${input.to}`);
    return checked;
  }),
  /**
   * Sends a payload from the console, as `console:<user>`. Refusals come back with every problem. With
   * `republishOf` the new entries link to that message (audited as `message.republish` with both ids).
   */
  inject: operatorProcedure.input(injectInputSchema).mutation(async ({ ctx, input }) => {
    const detail: Record<string, unknown> = { thread: input.thread };
    if (input.republishOf !== undefined) detail['republishOf'] = input.republishOf;
    const action = input.republishOf === undefined ? 'message.inject' : 'message.republish';
    return audited(ctx, action, input.to ?? '(broadcast)', detail, async () => {
      const res = await ctx.engine.inject({ ...input, from: `console:${ctx.user.name}` });
      if (!res.ok) throw new EngineApiError(res.error.code, res.error.message, [...res.error.problems]);
      // The audit entry is written after this returns: it records the new ids beside the source (and the
      // thread, a new one's too).
      detail['thread'] = res.threadId;
      detail['messageIds'] = res.messageIds;
      return { threadId: res.threadId, messageIds: res.messageIds };
    });
  }),
});
