import { findInputSchema, noInputSchema, RELOAD_REFUSED, restartInputSchema } from '@organism/shared';
import { audited } from '../audited.ts';
import { EngineApiError } from '../error-map.ts';
import { adminProcedure, operatorProcedure, router, viewerProcedure } from '../trpc.ts';

export const organismRouter = router({
  // Not the configuration file's path: a viewer has no business with the server's folders (an operator
  // reads it with the file, `config.get`).
  info: viewerProcedure.input(noInputSchema).query(({ ctx }) => ({
    name: ctx.engine.config.name,
    description: ctx.engine.config.description ?? null,
    durability: ctx.engine.durability,
    limits: ctx.engine.config.pump,
  })),
  status: viewerProcedure.input(noInputSchema).query(async ({ ctx }) => {
    const health = ctx.engine.journalCondition();
    return {
      ...ctx.engine.status(),
      journal: await ctx.engine.journalStats(),
      /** While the journal cannot write (intake refused with JOURNAL_UNAVAILABLE): why, and since when. */
      journalOutage: health.available ? null : { reason: health.reason, since: health.since },
      recovery: ctx.engine.recovery ?? null,
    };
  }),
  /**
   * The engines sharing this journal, running first (PostgreSQL), with the newest shared configuration
   * (`config`; each engine says which version it runs, and why not the newest); `shared` false and none
   * listed when the journal is this engine's alone (SQLite, memory).
   */
  engines: viewerProcedure.input(noInputSchema).query(async ({ ctx }) => {
    const cluster = await ctx.engine.engines();
    return {
      shared: cluster !== undefined,
      engines: cluster?.engines ?? [],
      config: cluster?.config ?? null,
    };
  }),
  /** The command palette's lookup: messages and threads by id or id prefix, listeners by name. */
  find: viewerProcedure.input(findInputSchema).query(({ ctx, input }) => ctx.engine.find(input.q)),
  /** Reloads organism.yaml from disk: all or nothing. */
  reload: operatorProcedure.input(noInputSchema).mutation(({ ctx }) =>
    audited(ctx, 'organism.reload', ctx.engine.config.file, undefined, async () => {
      const result = await ctx.engine.reload(ctx.user.name);
      if (!result.ok) throw new EngineApiError('CONFIG_INVALID', RELOAD_REFUSED, result.problems);
      return result;
    }),
  ),
  /**
   * Drains in-flight work (up to `drainMs`), checkpoints the journal and restarts under the supervisor.
   * An engine started with `organism run` has none and refuses with NOT_SUPERVISED (it keeps running).
   * Where several engines share the journal, a rolling restart: each in turn, this one last (`engines`
   * says how many); refused with NOT_SUPERVISED if any of them has no supervisor.
   */
  restart: adminProcedure
    .input(restartInputSchema)
    .mutation(({ ctx, input }) =>
      audited(ctx, 'organism.restart', null, input, () => ctx.engine.requestRestart(input.drainMs)),
    ),
});
