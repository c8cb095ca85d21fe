import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where the e2e stacks run, and the password of their three users (admin, operator, viewer). Each of
 * Playwright's workers has a stack of its own (an engine with the demo organism, and a console): specs
 * restart the engine, break its configuration and pause its listeners, which no other worker's spec may
 * see. `ORGANISM_E2E_WORKERS` says how many (2 by default); worker n's ports are the first stack's plus
 * 100 n, and its demo folder is `e2e/.run/<n>/demo`. The first stack's ports can be moved with
 * ORGANISM_E2E_ENGINE_PORT and ORGANISM_E2E_CONSOLE_PORT, so that two checkouts can run their specs side
 * by side on one machine.
 */
const enginePort = Number(process.env.ORGANISM_E2E_ENGINE_PORT ?? 7171);
const consolePort = Number(process.env.ORGANISM_E2E_CONSOLE_PORT ?? 3171);
const run = fileURLToPath(new URL('../.run', import.meta.url));

/** How many workers, and stacks. */
export const WORKERS = Math.max(1, Number.parseInt(process.env.ORGANISM_E2E_WORKERS ?? '', 10) || 2);

/** The stack of worker `index` (Playwright's `TEST_PARALLEL_INDEX`). */
export function stackOf(index) {
  const engine = enginePort + 100 * index;
  const web = consolePort + 100 * index;
  return {
    index,
    enginePort: engine,
    engineUrl: `http://127.0.0.1:${engine}`,
    consolePort: web,
    consoleUrl: `http://127.0.0.1:${web}`,
    /** The demo organism's copy this stack runs (its organism.yaml, handlers, schemas, journal). */
    demo: join(run, String(index), 'demo'),
    password: 'e2e-password-1234',
  };
}

/** This worker's stack (the first one in Playwright's own process, which starts them all). */
export const E2E = stackOf(Number(process.env.TEST_PARALLEL_INDEX ?? 0));
