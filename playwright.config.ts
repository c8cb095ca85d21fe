import { defineConfig, devices } from '@playwright/test';
import { E2E, stackOf, WORKERS } from './e2e/support/e2e-env.mjs';

// `npx playwright install` cannot download browsers on our machines, so the specs drive Debian's Chromium
// headless shell (scripts/install-chromium.mjs puts it at /usr/bin/chromium-headless-shell): what Playwright
// runs headless with its own browsers, and a quarter quicker a spec on two cores than the full browser
// headless, which also composites every frame in a GPU process of its own. Playwright adds the headless flag.
export default defineConfig({
  testDir: 'e2e',
  // Each worker drives a stack of its own (e2e/support/e2e-env.mjs): the specs act on their engine.
  workers: WORKERS,
  forbidOnly: Boolean(process.env.CI),
  reporter: 'list',
  timeout: 60_000,
  expect: { timeout: 15_000 },
  // The real engine (demo organism, supervised, with traffic) and the console's production build, a stack
  // for each worker: the last stack's console answers once every stack is ready (stack.mjs).
  webServer: {
    command: 'node e2e/support/stack.mjs',
    url: `${stackOf(WORKERS - 1).consoleUrl}/sign-in`,
    timeout: 600_000,
    reuseExistingServer: false,
    stdout: 'pipe',
    stderr: 'pipe',
    gracefulShutdown: { signal: 'SIGTERM', timeout: 20_000 },
  },
  use: {
    baseURL: E2E.consoleUrl,
    // An action or a navigation that never ends fails at its own step, saying which, rather than as the
    // test's timeout with no line (as "a tab whose session ended elsewhere…" did once in a hundred runs).
    actionTimeout: 20_000,
    navigationTimeout: 30_000,
    screenshot: 'only-on-failure',
    // No trace unless asked for (`--trace retain-on-failure`): recording one for every spec, to keep it
    // only for a failure, made the specs 12% slower here (dead letters and palette: 97–102 s against
    // 86–90 s), and CI keeps only its log, where a failure's error context and screenshot path are. A
    // trace asked for has no film strip (`screenshots: false` below): recording it made Chromium composite
    // a frame for every change of a live page, most of a core on the map with no GPU.
    trace: { mode: 'off', screenshots: false },
  },
  projects: [
    {
      name: 'chromium',
      use: {
        ...devices['Desktop Chrome'],
        launchOptions: {
          executablePath: '/usr/bin/chromium-headless-shell',
          args: [
            '--no-sandbox',
            '--disable-gpu',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
            '--disable-quic',
            '--no-first-run',
          ],
        },
      },
    },
  ],
});
