import { defineConfig } from 'vitest/config';

// Files that run Temporal servers and workers need forked processes and generous
// timeouts (see shared TEMPORAL-NOTES). The dev server for e2e is shared through
// globalSetup; each time-skipping test file starts its own server.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    globalSetup: ['test/global-setup.ts'],
    reporters: ['default', ['json', { outputFile: 'test-results/vitest.json' }]],
  },
});
