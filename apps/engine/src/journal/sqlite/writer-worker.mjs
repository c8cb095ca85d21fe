// The journal's writer thread's entry: the engine is TypeScript, so tsx's loader is registered in this
// thread first (a worker does not inherit the loader its parent registered).
import { register } from 'tsx/esm/api';

register();
await import('./writer-worker.ts');
