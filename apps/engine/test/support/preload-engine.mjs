// Loaded with `--import` before tsx by the suite's engine children (engine-child.ts and the like): the
// packages an engine imports, imported by Node itself as `organism run` does (bin/preload.js), so that each
// child starts in about 1.1 s instead of 1.9–2.4 s on a 2-core machine.
import { preload } from '../../bin/preload.js';

await preload('run', ...(process.env.PG_URL ? ['postgres'] : []));
