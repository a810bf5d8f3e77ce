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
          // expect.poll waits for what a page or an Update makes true; its default of 1 s was
          // shorter than one Update's round trip on a loaded CI machine (the pilot page's
          // income, 2026-12-02). A value that never comes still fails the poll, after 15 s.
          expect: { poll: { timeout: 15_000, interval: 100 } },
        },
      },
    ],
  },
});
