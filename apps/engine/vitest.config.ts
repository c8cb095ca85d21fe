import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // libxml2-wasm uses top-level await and one WASM heap per process: forks isolate it cleanly.
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
