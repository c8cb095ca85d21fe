// The entry of a worker that evaluates viewers' XPath searches (xpath-workers.ts): the engine is
// TypeScript, so tsx's loader is registered in this thread first (a worker does not inherit its parent's).
import { register } from 'tsx/esm/api';

register();
await import('./xpath-worker.ts');
