// An isolated handler's worker entry: handlers are TypeScript, so tsx's loader is registered in this
// thread first (a worker does not inherit the loader its parent registered), then the engine's own
// package for handlers outside the repository (engine-package-resolve.mjs).
import { register } from 'tsx/esm/api';
import { registerEnginePackage } from '../../engine-package-resolve.mjs';

register();
registerEnginePackage();
await import('./handler-worker.ts');
