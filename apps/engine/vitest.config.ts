import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import LongestFirst from './test/support/longest-first.ts';

export default defineConfig({
  test: {
    // `pnpm test` runs test/cluster/ (several engines and supervisors each, heavy for a minute) after the
    // rest, one file at a time, rather than beside it.
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // One temporary folder for the run, removed after it; a throwaway PostgreSQL for the PostgreSQL
    // journal's tests, started once per run.
    globalSetup: ['test/support/temp-global.ts', 'test/support/postgres-global.ts'],
    // libxml2-wasm uses top-level await and one WASM heap per process: forks isolate it cleanly.
    pool: 'forks',
    // A fork runs file after file with the modules it already imported: importing the engine afresh for
    // each of 133 files took 209 of the 353 s the suite ran on a 2-core machine, 285 s in all without it.
    // No file mocks a module; what a file may leave behind (spies, fake timers) is undone after it.
    isolate: false,
    setupFiles: ['test/support/between-files.ts'],
    // Most suites wait on engines and CLIs they spawn rather than compute: twice as many files at once
    // as there are cores (at least 4) took the suite from 229 to 128 s on a 2-core machine.
    maxWorkers: Math.max(4, availableParallelism() * 2),
    // In a fresh clone, the files known to run long go first (test/support/longest-first.ts).
    sequence: { sequencer: LongestFirst },
    // libxml2 prints an XPath's errors to stderr as it returns them, and the engine silences the print
    // (`quietly`, xml/payload-xpath.ts); libxml2-wasm bound `console.error` as it loaded, which under vitest
    // is vitest's console, out of the engine's reach. Dropped here as the engine drops them when it runs.
    onConsoleLog: (log, type) => !(type === 'stderr' && log.startsWith('XPath error :')),
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
