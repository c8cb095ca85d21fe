// The intake worker's entry: handlers and the engine are TypeScript, so tsx's loader is registered in
// this thread first (a worker does not inherit the loader its parent registered).
import { register } from 'tsx/esm/api';

// libxml2-wasm before the loader, as bin/organism.js does: through tsx's loader it costs ~150 MB more.
await import('libxml2-wasm');
register();
await import('./intake-worker.ts');
