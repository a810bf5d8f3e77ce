/**
 * The worker process: `npm run worker`. Polls the onex task queue, runs workflows and the
 * e-mail activity.
 *
 * - Logs: JSON lines on stdout through Temporal's Runtime logger (ONEX_LOG_FORMAT=text for
 *   the SDK's plain format; ONEX_LOG_LEVEL).
 * - Health: with ONEX_WORKER_HEALTH_PORT set, /healthz and /readyz (worker/health.ts).
 * - Shutdown: SIGINT/SIGTERM are handled by the SDK's Runtime: the worker stops polling,
 *   lets in-flight tasks finish (activities get ONEX_SHUTDOWN_GRACE_SECONDS), and the
 *   process exits 0. It exits non-zero when it cannot start (e.g. server down) or fails.
 */
import type { NativeConnection, Worker } from '@temporalio/worker';
import { loadWorkerConfig } from './config';
import { startHealthServer, type HealthServer, type HealthState } from './health';
import { installRuntimeLogger } from './logging';
import { createOnexWorker } from './worker';

const HEALTH_PROBE_DEADLINE_MS = 2_000;

async function main(): Promise<void> {
  const config = loadWorkerConfig();
  const logger = installRuntimeLogger(config.ONEX_LOG_FORMAT, config.ONEX_LOG_LEVEL);
  let worker: Worker | undefined;
  let connection: NativeConnection | undefined;
  let health: HealthServer | undefined;
  if (config.ONEX_WORKER_HEALTH_PORT !== undefined) {
    health = await startHealthServer({
      host: config.ONEX_WORKER_HEALTH_HOST,
      port: config.ONEX_WORKER_HEALTH_PORT,
      state: (): HealthState => worker?.getState() ?? 'STARTING',
      temporalReachable: async () => {
        const conn = connection;
        if (!conn) return false;
        await conn.withDeadline(Date.now() + HEALTH_PROBE_DEADLINE_MS, () => conn.workflowService.getSystemInfo({}));
        return true;
      },
    });
    logger.info('health endpoint listening', { component: 'onex-worker', url: health.url });
  }
  try {
    ({ worker, connection } = await createOnexWorker(config));
    logger.info(`polling task queue "${config.temporal.taskQueue}"`, {
      component: 'onex-worker',
      taskQueue: config.temporal.taskQueue,
      address: config.temporal.address,
      namespace: config.temporal.namespace,
      smtp: config.ONEX_SMTP_URL,
    });
    await worker.run();
    logger.info('worker stopped', { component: 'onex-worker' });
  } finally {
    await connection?.close();
    await health?.close();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    // The Runtime logger may not be installed yet (bad configuration): plain stderr, one JSON line.
    const e = err as Error;
    process.stderr.write(
      `${JSON.stringify({ time: new Date().toISOString(), level: 'ERROR', msg: 'worker failed', component: 'onex-worker', error: e?.message ?? String(err), stack: e?.stack })}\n`,
    );
    process.exit(1);
  },
);
