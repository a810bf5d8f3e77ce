/**
 * Inputs for the pilot's child workflows (approval, rectification) in tests, and the worker
 * bundle that includes the test-only parent (test/workflows/fixtures).
 */
import { fileURLToPath } from 'node:url';
import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { QueryDefinition, Workflow } from '@temporalio/common';
import { expect } from 'vitest';
import type { Notification } from '../../domain/notifications';

export const childWorkflowsPath = fileURLToPath(new URL('../workflows/fixtures/index.ts', import.meta.url));

export { approvalInput, budgetPlan, changeRequest, childPilot, childRecipients, inspection, people } from '../../scripts/support/children';

/** Notifications a workflow sent, from recording activities. */
export const sentBy = (sent: Notification[], workflowId: string): Notification[] => sent.filter((n) => n.workflowId === workflowId);

/** Mail leaves a workflow's outbox after the update or timer: wait until it sent `count` mails, then exactly that many. */
export async function mailCount(sent: Notification[], workflowId: string, count: number): Promise<Notification[]> {
  for (let i = 0; i < 100 && sentBy(sent, workflowId).length < count; i++) await new Promise((r) => setTimeout(r, 50));
  expect(sentBy(sent, workflowId)).toHaveLength(count);
  return sentBy(sent, workflowId);
}

/** Skips the test server's clock to a minute past `instant`. */
export async function sleepUntil(env: TestWorkflowEnvironment, instant: string, plusMs = 60_000): Promise<void> {
  const ms = Date.parse(instant) + plusMs - (await env.currentTimeMs());
  if (ms > 0) await env.sleep(ms);
}

/** A child started by a parent workflow, once it answers `query`. */
export async function childHandle<W extends Workflow>(env: TestWorkflowEnvironment, workflowId: string, query: QueryDefinition<unknown>): Promise<WorkflowHandle<W>> {
  for (let i = 0; i < 100; i++) {
    const h = env.client.workflow.getHandle<W>(workflowId);
    if (await h.query(query).then(() => true, () => false)) return h;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`child workflow ${workflowId} did not start`);
}
