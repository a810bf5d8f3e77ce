import { defineConfig } from 'vitest/config';

// Three projects, one per test layer (see README). Files that run Temporal servers and
// workers use forked processes and generous timeouts (shared TEMPORAL-NOTES). The e2e
// layer shares one dev server through globalSetup; each time-skipping workflow test file
// starts its own test server (one global clock per server), so those files run one at a
// time.
export default defineConfig({
  test: {
    pool: 'forks',
    reporters: ['default', ['json', { outputFile: 'test-results/vitest.json' }]],
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['test/unit/**/*.test.ts'], testTimeout: 10_000 },
      },
      {
        extends: true,
        test: {
          name: 'workflows',
          include: ['test/workflows/**/*.test.ts', 'test/replay/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts', 'test/security/**/*.test.ts'],
          globalSetup: ['test/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
