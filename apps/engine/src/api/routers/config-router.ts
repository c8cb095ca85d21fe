import {
  byIdInputSchema,
  noInputSchema,
  rollbackConfigInputSchema,
  saveConfigInputSchema,
  uploadOrganismFileInputSchema,
  yamlInputSchema,
} from '@organism/shared';
import { audited } from '../audited.ts';
import { EngineApiError } from '../error-map.ts';
import { adminProcedure, operatorProcedure, router } from '../trpc.ts';

const yaml = yamlInputSchema;

export const configRouter = router({
  /**
   * organism.yaml's path and text on disk, and the text of each file it includes (relative path, read-only
   * here); `running`, the text and version the running configuration was loaded from (another than the
   * file's once it was changed outside a save, or a reload refused it).
   */
  get: operatorProcedure.input(noInputSchema).query(async ({ ctx }) => {
    const { yaml, version } = await ctx.engine.configuration.readVersioned();
    return {
      file: ctx.engine.config.file,
      yaml,
      version,
      running: ctx.engine.configuration.running(),
      includes: await ctx.engine.configuration.includedFiles(),
    };
  }),
  /** Parses, compiles every XSD and checks every handler statically (never imports it); changes nothing. */
  validate: operatorProcedure
    .input(yaml)
    .mutation(({ ctx, input }) => ctx.engine.configuration.validate(input.yaml)),
  /** Listeners added, removed and changed, and the unfinished work addressed to removed ones. */
  diff: operatorProcedure.input(yaml).mutation(({ ctx, input }) => ctx.engine.configuration.diff(input.yaml)),
  /**
   * Validates, saves (keeping the previous version in history) and reloads: `config.apply` of the
   * design, named `save` because tRPC reserves `apply` (a Function.prototype member) as a route name.
   */
  save: adminProcedure.input(saveConfigInputSchema).mutation(({ ctx, input }) =>
    audited(ctx, 'config.apply', ctx.engine.config.file, { note: input.note }, async () => {
      const { yaml, note, basedOn } = input;
      const result = await ctx.engine.configuration.apply(yaml, ctx.user.name, note, basedOn);
      if (!result.ok)
        throw new EngineApiError(
          'CONFIG_INVALID',
          'the configuration was not applied: it has problems',
          result.problems,
        );
      return result;
    }),
  ),
  /** The XSDs (with their global elements) and handler modules (with their exports) in the organism folder. */
  files: operatorProcedure.input(noInputSchema).query(({ ctx }) => ctx.engine.configuration.files()),
  /**
   * Writes an XSD or handler module into the organism folder (never out of it), atomically, once the XSD
   * compiles or the module parses; an existing file only with `overwrite`. Changes nothing running.
   */
  upload: adminProcedure
    .input(uploadOrganismFileInputSchema)
    .mutation(({ ctx, input }) =>
      audited(
        ctx,
        'config.upload',
        input.path,
        { chars: input.content.length, overwrite: input.overwrite },
        () => ctx.engine.configuration.upload(input),
      ),
    ),
  history: operatorProcedure.input(noInputSchema).query(({ ctx }) => ctx.engine.configuration.history()),
  /** The YAML text of one saved version (a history entry), to compare or restore. */
  version: operatorProcedure.input(byIdInputSchema).query(async ({ ctx, input }) => ({
    id: input.id,
    yaml: await ctx.engine.configuration.version(input.id),
    includes: await ctx.engine.configuration.versionIncludes(input.id),
  })),
  rollback: adminProcedure.input(rollbackConfigInputSchema).mutation(({ ctx, input }) =>
    audited(ctx, 'config.rollback', input.id, undefined, async () => {
      const result = await ctx.engine.configuration.rollback(input.id, ctx.user.name, input.basedOn);
      if (!result.ok)
        throw new EngineApiError(
          'CONFIG_INVALID',
          'the saved configuration no longer loads',
          result.problems,
        );
      return result;
    }),
  ),
});
