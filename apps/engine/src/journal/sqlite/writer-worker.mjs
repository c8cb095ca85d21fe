// The journal's writer thread's entry: the engine is TypeScript, so tsx's loader is registered in this
// thread first (a worker does not inherit the loader its parent registered).
import { register } from 'tsx/esm/api';

// zod (95 modules, through @organism/shared) before the loader: each module imported through it is a
// round trip to the loader's thread (bin/organism.js).
await import('zod');
register();
await import('./writer-worker.ts');
