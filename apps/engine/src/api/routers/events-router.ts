import { eventStreamInputSchema } from '@organism/shared';
import { tracked } from '@trpc/server';
import { takeStreamSlot } from '../stream-slots.ts';
import { router, viewerProcedure } from '../trpc.ts';

export type { StreamItem } from '@organism/shared';

export const eventsRouter = router({
  /**
   * The console's live stream (docs/api.md, "The event stream"): journal transitions with their routes,
   * engine events and activity, pushed by the engine's one hub. Every item has an id; reconnecting with
   * the last one resumes exactly after it: nothing missed, nothing twice.
   */
  stream: viewerProcedure
    // No input at all: everything, from the present on (or from a `Last-Event-Id`, which then is the input).
    .input(eventStreamInputSchema.default({ events: true }))
    .subscription(({ ctx, input, signal }) => {
      // A user holding every slot (stream-slots.ts) is refused before any item: tRPC sends the refusal as
      // the stream's one error frame.
      const release = takeStreamSlot(ctx.engine, ctx.user.name);
      signal?.addEventListener('abort', release, { once: true });
      return (async function* () {
        try {
          for await (const { id, item } of ctx.engine.stream(input, signal)) yield tracked(id, item);
        } finally {
          release();
        }
      })();
    }),
});
