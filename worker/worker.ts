/** Builds the onex worker: the workflow bundle plus activities over real SMTP. */
import { log } from '@temporalio/activity';
import { NativeConnection, Worker } from '@temporalio/worker';
import { createActivities } from '../activities/index';
import { linkSigner } from './links';
import type { WorkerConfig } from './config';
import { workflowBundlerOptions, workflowsPath } from './paths';

export async function createOnexWorker(
  config: WorkerConfig,
  connection?: NativeConnection,
): Promise<{ worker: Worker; connection: NativeConnection }> {
  const conn = connection ?? (await NativeConnection.connect(config.temporal.connectionOptions));
  const worker = await Worker.create({
    connection: conn,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    // A pre-built bundle (production image) or webpack at start (development).
    ...(config.ONEX_WORKFLOW_BUNDLE
      ? { workflowBundle: { codePath: config.ONEX_WORKFLOW_BUNDLE } }
      : { workflowsPath, bundlerOptions: workflowBundlerOptions }),
    activities: createActivities({
      transport: config.ONEX_SMTP_URL,
      from: config.ONEX_MAIL_FROM,
      adminUrl: config.ONEX_ADMIN_URL,
      // Signed one-click links (issue 6), with the admin API's secret; plain links without one.
      ...(config.ONEX_LINK_SECRET ? { signLink: linkSigner(config.ONEX_LINK_SECRET, config.ONEX_ADMIN_URL) } : {}),
      // The activity context's logger: each line carries workflowId, activityType and attempt.
      logger: { info: (m, meta) => log.info(m, meta), warn: (m, meta) => log.warn(m, meta) },
    }),
    maxConcurrentActivityTaskExecutions: config.ONEX_MAX_ACTIVITIES,
    shutdownGraceTime: config.ONEX_SHUTDOWN_GRACE_SECONDS * 1000,
    maxCachedWorkflows: config.ONEX_MAX_CACHED_WORKFLOWS,
  });
  return { worker, connection: conn };
}
