/** Builds the onex worker: the workflow bundle plus activities over real SMTP. */
import { NativeConnection, Worker } from '@temporalio/worker';
import { createActivities } from '../activities/index';
import type { WorkerConfig } from './config';
import { workflowsPath } from './paths';

export async function createOnexWorker(config: WorkerConfig, connection?: NativeConnection): Promise<{ worker: Worker; connection: NativeConnection }> {
  const conn = connection ?? (await NativeConnection.connect(config.temporal.connectionOptions));
  const worker = await Worker.create({
    connection: conn,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    workflowsPath,
    activities: createActivities({ transport: config.ONEX_SMTP_URL, from: config.ONEX_MAIL_FROM, adminUrl: config.ONEX_ADMIN_URL }),
    maxConcurrentActivityTaskExecutions: config.ONEX_MAX_ACTIVITIES,
  });
  return { worker, connection: conn };
}
