/**
 * Test harness: real Temporal servers from the project's own binaries (never the SDK
 * download), a worker over the real workflow bundle, and recording activities that share
 * the production activity type.
 */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll } from 'vitest';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection as NativeConnectionImpl, Worker, type NativeConnection } from '@temporalio/worker';
import { temporalTestServerPath } from '../../scripts/binaries';
import type { OnexActivities } from '../../activities/types';
import { workflowBundlerOptions, workflowsPath } from '../../worker/paths';
import { registerSearchAttributes } from '../../worker/temporal';

export { workflowsPath };
export { recordingActivities } from '../../scripts/support/recording-activities';

export async function startTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: temporalTestServerPath() } },
  });
  await registerSearchAttributes(env.connection.operatorService, env.namespace ?? 'default');
  return env;
}

export async function createTestWorker(
  connection: NativeConnection,
  taskQueue: string,
  activities: OnexActivities,
  namespace = 'default',
  bundle: string = workflowsPath,
): Promise<Worker> {
  return Worker.create({ connection, namespace, taskQueue, workflowsPath: bundle, bundlerOptions: workflowBundlerOptions, activities });
}

/** A client + worker on the shared e2e dev server (see test/global-setup.ts). */
export async function connectDevServer(
  address: string,
): Promise<{ client: Client; connection: Connection; nativeConnection: NativeConnection; close(): Promise<void> }> {
  const connection = await Connection.connect({ address });
  const nativeConnection = await NativeConnectionImpl.connect({ address });
  return {
    client: new Client({ connection, namespace: 'default' }),
    connection,
    nativeConnection,
    async close() {
      await nativeConnection.close();
      await connection.close();
    },
  };
}

/**
 * One time-skipping test server and a worker on `taskQueue` for a test file: registers the
 * file's beforeAll/afterAll. `onReady` receives the environment once the server is up.
 */
export function useTimeSkippingWorker(
  taskQueue: string,
  activities: OnexActivities,
  onReady: (env: TestWorkflowEnvironment) => void,
  bundle: string = workflowsPath,
): void {
  let env: TestWorkflowEnvironment | undefined;
  let worker: Worker | undefined;
  let running: Promise<void> | undefined;
  beforeAll(async () => {
    env = await startTimeSkippingEnv();
    onReady(env);
    worker = await createTestWorker(env.nativeConnection, taskQueue, activities, 'default', bundle);
    running = worker.run();
  });
  afterAll(async () => {
    worker?.shutdown();
    await running;
    await env?.teardown();
  });
}
