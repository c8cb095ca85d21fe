import {
  byNameInputSchema,
  elementsInputSchema,
  exampleInputSchema,
  formatProblem,
  noInputSchema,
  routesInputSchema,
} from '@organism/shared';
import type { Problem } from '@organism/shared';
import { audited } from '../audited.ts';
import { EngineApiError } from '../error-map.ts';
import { operatorProcedure, router, viewerProcedure } from '../trpc.ts';

export const listenersRouter = router({
  list: viewerProcedure.input(noInputSchema).query(({ ctx }) => ctx.engine.listeners()),
  byName: viewerProcedure.input(byNameInputSchema).query(({ ctx, input }) => {
    const found = ctx.engine.listeners().find((l) => l.name === input.name);
    if (!found) throw new EngineApiError('NOT_FOUND', `no listener ${input.name}`);
    return found;
  }),
  /** The XSD text behind the contract: the main file and every file it includes or imports. */
  schema: viewerProcedure.input(byNameInputSchema).query(async ({ ctx, input }) => {
    const files = await ctx.engine.schemaOf(input.name);
    if (!files) throw new EngineApiError('NOT_FOUND', `no listener ${input.name}`);
    return { files };
  }),
  /**
   * An example payload generated from the schema: of `root` (one of the contract's global elements), or of
   * the listener's request root. A root the contract does not declare is INPUT_INVALID at `root`.
   */
  example: viewerProcedure.input(exampleInputSchema).query(({ ctx, input }) => {
    const example = ctx.engine.exampleFor(input.name, input.root);
    if (!example) throw new EngineApiError('NOT_FOUND', `no listener ${input.name}`);
    if (!example.ok) throw contractRefusal(example, 'no example could be generated');
    return { root: example.root, xml: example.xml };
  }),
  /** The element tree of the contract (names, types, occurrence, documentation, attributes). */
  elements: viewerProcedure.input(elementsInputSchema).query(({ ctx, input }) => {
    const tree = ctx.engine.elementsOf(input.name, input.root);
    if (!tree) throw new EngineApiError('NOT_FOUND', `no listener ${input.name}`);
    if (!tree.ok) throw contractRefusal(tree, 'the contract cannot be read');
    return { roots: tree.roots };
  }),
  /**
   * Pauses a listener: nothing more is dispatched to it (running handlers finish); messages addressed to
   * it are still accepted and wait PENDING, in order, until it is resumed. The pause outlives a restart.
   */
  pause: operatorProcedure.input(byNameInputSchema).mutation(({ ctx, input }) =>
    audited(ctx, 'listener.pause', input.name, undefined, async () => {
      const p = await ctx.engine.pauseListener(input.name, ctx.user.name);
      return { name: p.name, paused: { by: p.by, at: p.at } };
    }),
  ),
  /** Resumes a paused listener: its waiting deliveries are dispatched, oldest first. */
  resume: operatorProcedure
    .input(byNameInputSchema)
    .mutation(({ ctx, input }) =>
      audited(ctx, 'listener.resume', input.name, undefined, () => ctx.engine.resumeListener(input.name)),
    ),
  /** Every route messages took in the window (sender → listener, listener → outside producer). */
  routes: viewerProcedure
    .input(routesInputSchema)
    .query(({ ctx, input }) => ctx.engine.routes(input.windowSeconds)),
});

/** A root the contract does not declare is the caller's bad input; anything else, the contract's fault. */
function contractRefusal(
  refused: { problems: Problem[]; unknownRoot: boolean },
  otherwise: string,
): EngineApiError {
  return refused.unknownRoot
    ? new EngineApiError(
        'INPUT_INVALID',
        `invalid input: ${refused.problems.map(formatProblem).join('; ')}`,
        refused.problems,
      )
    : new EngineApiError('SCHEMA_COMPILE_ERROR', otherwise, refused.problems);
}
