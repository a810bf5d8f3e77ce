/**
 * Issue 14: one evaluated copy of domain/ and zod serves every workflow of a worker
 * (workflows/shared-modules.ts). Workflows run one after another on a worker built as the
 * onex worker builds its bundle (the preload) must see the records collected once and adopted
 * by every later workflow, and a shared schema must still parse; the same bundle without the
 * preload (the negative control) gives every workflow its own copy.
 */
import { fileURLToPath } from 'node:url';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workflowBundlerOptions } from '../../worker/paths';
import { recordingActivities, startTimeSkippingEnv } from '../helpers/temporal';
import { sharedModulesProbeWorkflow } from './fixtures/shared-probe';

const probePath = fileURLToPath(new URL('./fixtures/shared-probe.ts', import.meta.url));
let env: TestWorkflowEnvironment;

beforeAll(async () => {
  env = await startTimeSkippingEnv();
});
afterAll(async () => {
  await env?.teardown();
});

async function runProbes(preload: boolean, taskQueue: string): Promise<Awaited<ReturnType<typeof sharedModulesProbeWorkflow>>[]> {
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowsPath: probePath,
    ...(preload ? { bundlerOptions: workflowBundlerOptions } : {}),
    activities: recordingActivities(),
  });
  return worker.runUntil(async () => {
    const out = [];
    for (let i = 0; i < 3; i++) {
      out.push(await env.client.workflow.execute(sharedModulesProbeWorkflow, { taskQueue, workflowId: `${taskQueue}-${i}` }));
    }
    return out;
  });
}

describe('domain/ and zod shared across the workflows of a worker', () => {
  it('collects the module records once and gives them to every later workflow', async () => {
    const runs = await runProbes(true, 'shared-modules');
    expect(runs.map((r) => [r.fills, r.adoptions])).toEqual([
      [1, 0],
      [1, 1],
      [1, 2],
    ]);
    // zod's 20 modules plus domain/pilot.ts and what it imports (30 when written).
    for (const r of runs) expect(r.shared).toBeGreaterThan(20);
    expect(runs.every((r) => r.rejectsEmpty)).toBe(true);
  });

  it('without the preload every workflow evaluates its own copy (negative control)', async () => {
    const runs = await runProbes(false, 'unshared-modules');
    expect(runs.map((r) => [r.fills, r.adoptions])).toEqual([
      [1, 0],
      [1, 0],
      [1, 0],
    ]);
    expect(runs.every((r) => r.rejectsEmpty)).toBe(true);
  });
});
