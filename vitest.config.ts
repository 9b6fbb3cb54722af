import { defineConfig } from 'vitest/config';

// Two projects: `unit` (pure, no kernel) and `lab` (runs the real C programs).
// Playwright specs live in tests/e2e and are excluded here on purpose.
export default defineConfig({
  test: {
    projects: [
      // Unit tests are pure and share no state: one module graph for all (isolate: false) is three times faster.
      // Some replay every recorded trace, or 100 000 events: on a loaded 2-core machine that can pass vitest's
      // 5 s default. They test correctness, not speed (that is `npm run bench`), so they get 30 s.
      { test: { name: 'unit', include: ['tests/unit/**/*.test.ts'], environment: 'node', isolate: false, testTimeout: 30_000 } },
      {
        test: {
          name: 'lab',
          include: ['tests/lab/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
