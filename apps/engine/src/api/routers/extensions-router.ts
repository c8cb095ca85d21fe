import { router, viewerProcedure } from '../trpc.ts';

export const extensionsRouter = router({
  /** Each extension: its module, why it is not running (or null), its handlers with their counts. */
  list: viewerProcedure.query(({ ctx }) => ctx.engine.listExtensions()),
});
