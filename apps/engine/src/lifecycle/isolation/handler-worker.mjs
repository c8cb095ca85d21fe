// An isolated handler's worker entry: handlers are TypeScript, so tsx's loader is registered in this
// thread first (a worker does not inherit the loader its parent registered).
import { register } from 'tsx/esm/api';

register();
await import('./handler-worker.ts');
