import { defineConfig } from 'vitest/config';

// The cluster layer (npm run test:cluster), apart from `npm test`'s three projects: a real
// Temporal server on PostgreSQL (scripts/temporal-cluster.ts), two worker processes, faults.
// Each file starts its own PostgreSQL and server on free ports, so the layer can run beside
// the e2e tests and the local stacks; files run one at a time (2-core machines). Its JSON
// report is a file of its own, which .ci/run adds to the main run's.
export default defineConfig({
  test: {
    pool: 'forks',
    reporters: ['default', ['json', { outputFile: 'test-results/vitest-cluster.json' }]],
    projects: [
      {
        extends: true,
        test: {
          name: 'cluster',
          include: ['test/cluster/**/*.test.ts'],
          testTimeout: 240_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
