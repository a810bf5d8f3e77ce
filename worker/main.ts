/**
 * The worker process: `npm run worker`. Polls the onex task queue, runs workflows and the
 * e-mail activity. Stops gracefully on SIGINT/SIGTERM (the SDK's runtime handles them and
 * drains in-flight tasks); exits non-zero when it cannot start (e.g. server down).
 */
import { loadWorkerConfig } from './config';
import { createOnexWorker } from './worker';

async function main(): Promise<void> {
  const config = loadWorkerConfig();
  const { worker, connection } = await createOnexWorker(config);
  console.log(
    `[worker] polling task queue "${config.temporal.taskQueue}" on ${config.temporal.address} (namespace ${config.temporal.namespace}); mail via ${config.ONEX_SMTP_URL}`,
  );
  try {
    await worker.run();
  } finally {
    await connection.close();
  }
  console.log('[worker] stopped');
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error('[worker] failed:', err);
    process.exit(1);
  },
);
