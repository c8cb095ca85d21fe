import { afterAll, vi } from 'vitest';

// The suite's files share their worker's modules (`isolate: false`, vitest.config.ts): after each file,
// spies and fake timers it left behind are undone, so the next file starts with the real console,
// process.stderr and clocks.
afterAll(() => {
  vi.restoreAllMocks();
  vi.useRealTimers();
});
