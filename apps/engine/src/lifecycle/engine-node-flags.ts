/**
 * The flags `organism start` gives the Node process of each engine it supervises. A young generation of
 * 4 MB a half (V8's default is 16 MB) keeps each isolate's nursery small; the journal's writer thread
 * inherits it. Measured on 2026-12-01 (`pnpm -C bench soak --seconds 90 --rate 1400`, two alternating
 * pairs): engine RSS at most 324–329 MB instead of 380–382, 284–289 MB at the end instead of 353–365,
 * with no difference in throughput in process beyond the machine's noise (bench/README.md, "Soak").
 * They can only be given on the command line: V8 sizes its heap as the process starts.
 */
export const ENGINE_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=4'];
