/**
 * The flags `organism start` gives the Node process of each engine it supervises; the journal's writer
 * thread and the other workers inherit them. Both bound what each isolate's heap holds between
 * collections, which under a steady load is mostly garbage (a heap snapshot of the engine's thread at
 * 1,400 msg/s: 27 MB live in an old space of 50–96 MB):
 * - a young generation of 4 MB a half (V8's default is 16 MB): engine RSS at most 324–329 MB instead
 *   of 380–382 (`pnpm -C bench soak --seconds 90 --rate 1400`, two alternating pairs, 2026-12-01);
 * - an old generation that may grow by half its live size before a full collection, where V8 lets it
 *   grow up to fourfold when the program allocates fast: 263 MB instead of 277–295 at the end of a
 *   60 s load at 1,400 msg/s, the engine's CPU per request the same within the machine's noise.
 * Throughput did not change beyond that noise (bench/NOTES.md, "Soak"). They can only be given on the
 * command line: V8 sizes its heap as the process starts.
 */
export const ENGINE_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=4', '--heap-growing-percent=50'];
