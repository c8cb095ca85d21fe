/**
 * Node's arguments for one of the suite's TypeScript engine children (engine-child.ts and the like): the
 * engine's packages imported by Node itself first, as `organism run` does (preload-engine.mjs), then tsx's
 * loader for the TypeScript.
 */
export const CHILD_NODE_ARGS = [
  '--import',
  new URL('./preload-engine.mjs', import.meta.url).href,
  '--import',
  'tsx',
];
