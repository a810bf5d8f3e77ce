/**
 * The baseline worker process for `npm run bench`: the same SDK, connection and process
 * shape as the onex worker (node --import tsx), bundling only scripts/bench/baseline-workflows.ts.
 * Prints one line `ready` once it polls; SIGTERM stops it (the SDK's Runtime handles it).
 */
import { fileURLToPath } from 'node:url';
import { NativeConnection, Worker } from '@temporalio/worker';
import { loadTemporalSettings } from '../../worker/temporal';

async function main(): Promise<void> {
  const settings = loadTemporalSettings();
  const connection = await NativeConnection.connect(settings.connectionOptions);
  const worker = await Worker.create({
    connection,
    namespace: settings.namespace,
    taskQueue: settings.taskQueue,
    // Pre-bundled by the bench (as the onex side), or bundled here (--bundle-at-start).
    ...(process.env.BASELINE_WORKFLOW_BUNDLE
      ? { workflowBundle: { codePath: process.env.BASELINE_WORKFLOW_BUNDLE } }
      : { workflowsPath: fileURLToPath(new URL('./baseline-workflows.ts', import.meta.url)) }),
    // The same cache size as the onex worker when the bench sets one (--max-cached).
    ...(process.env.ONEX_MAX_CACHED_WORKFLOWS ? { maxCachedWorkflows: Number(process.env.ONEX_MAX_CACHED_WORKFLOWS) } : {}),
  });
  const running = worker.run();
  console.log('ready');
  try {
    await running;
  } finally {
    await connection.close();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error('[baseline-worker] failed:', err);
    process.exit(1);
  },
);
