import { defineConfig } from '@playwright/test';
import { findChromium } from './tests/e2e/browser.ts';

// The companion (real C lab, real kernel) and, to test the fallback, the same build served
// statically with no companion at all.
const COMPANION_PORT = Number(process.env.FORKSCOPE_E2E_PORT ?? 4913);
const STATIC_PORT = COMPANION_PORT + 1;
process.env.FORKSCOPE_E2E_COMPANION = `http://127.0.0.1:${COMPANION_PORT}`;
process.env.FORKSCOPE_E2E_STATIC = `http://127.0.0.1:${STATIC_PORT}`;

const browser = findChromium();

export default defineConfig({
  testDir: 'tests/e2e',
  testMatch: '**/*.spec.ts',
  fullyParallel: false,
  // Two workers: the recorded parts (one page each on the static server) run side by side; the
  // tests of one file run in order unless the file says otherwise. FORKSCOPE_E2E_WORKERS=1 to debug.
  workers: Number(process.env.FORKSCOPE_E2E_WORKERS ?? 2),
  retries: 0,
  timeout: 60_000,
  reporter: process.env.CI ? [['list']] : [['list']],
  outputDir: 'test-results',
  use: {
    baseURL: `http://127.0.0.1:${COMPANION_PORT}`,
    viewport: { width: 1280, height: 720 },
    // The page's transitions (the figure's moves, 0.3–0.5 s a step) are off under reduced motion:
    // the tests look at where things end, and a GPU-less Chromium drawing every frame of every
    // move slows the other worker.
    reducedMotion: 'reduce',
    // Recording a Playwright trace snapshots the page at every action: it made the suite three
    // times slower. FORKSCOPE_E2E_TRACE=1 records them (kept for failed tests) when debugging.
    trace: process.env.FORKSCOPE_E2E_TRACE ? 'retain-on-failure' : 'off',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: browser.executablePath,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    },
  },
  webServer: [
    {
      command: `node --import tsx src/server/main.ts --port ${COMPANION_PORT}`,
      url: `http://127.0.0.1:${COMPANION_PORT}/`,
      reuseExistingServer: false,
      timeout: 120_000,
      stdout: 'pipe',
      stderr: 'pipe',
    },
    {
      command: `npx vite preview --host 127.0.0.1 --port ${STATIC_PORT} --strictPort`,
      url: `http://127.0.0.1:${STATIC_PORT}/`,
      reuseExistingServer: false,
      timeout: 60_000,
    },
  ],
});
