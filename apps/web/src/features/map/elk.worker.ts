// The ELK layout engine, run in a worker of its own (layout.ts): elkjs's worker build answers the
// messages of `elkjs/lib/elk-api` on `self` as soon as it is loaded.
import 'elkjs/lib/elk-worker.min.js';
