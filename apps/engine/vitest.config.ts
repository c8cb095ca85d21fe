import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // `pnpm test` runs test/cluster/ (several engines and supervisors each, heavy for a minute) after the
    // rest, one file at a time, rather than beside it.
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // A throwaway PostgreSQL for the PostgreSQL journal's tests, started once per run.
    globalSetup: ['test/support/postgres-global.ts'],
    // libxml2-wasm uses top-level await and one WASM heap per process: forks isolate it cleanly.
    pool: 'forks',
    // Most suites wait on engines and CLIs they spawn rather than compute: twice as many files at once
    // as there are cores (at least 4) took the suite from 229 to 128 s on a 2-core machine.
    maxWorkers: Math.max(4, availableParallelism() * 2),
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
