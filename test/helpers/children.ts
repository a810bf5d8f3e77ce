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
import { eventually } from './wait';

export const childWorkflowsPath = fileURLToPath(new URL('../workflows/fixtures/index.ts', import.meta.url));

export { approvalInput, budgetPlan, changeRequest, childPilot, childRecipients, inspection, people } from '../../scripts/support/children';

/** Notifications a workflow sent, from recording activities. */
export const sentBy = (sent: Notification[], workflowId: string): Notification[] => sent.filter((n) => n.workflowId === workflowId);

/** Mail leaves a workflow's outbox after the update or timer: wait until it sent `count` mails, then exactly that many. */
export async function mailCount(sent: Notification[], workflowId: string, count: number): Promise<Notification[]> {
  await eventually(() => (sentBy(sent, workflowId).length >= count ? true : undefined), `${count} mails from ${workflowId}`).catch(
    () => undefined,
  );
  expect(sentBy(sent, workflowId)).toHaveLength(count);
  return sentBy(sent, workflowId);
}

/** A child started by a parent workflow, once it answers `query`. */
export function childHandle<W extends Workflow>(
  env: TestWorkflowEnvironment,
  workflowId: string,
  query: QueryDefinition<unknown>,
): Promise<WorkflowHandle<W>> {
  const h = env.client.workflow.getHandle<W>(workflowId);
  return eventually(
    () =>
      h.query(query).then(
        () => h,
        () => undefined,
      ),
    `child workflow ${workflowId} to start`,
  );
}
