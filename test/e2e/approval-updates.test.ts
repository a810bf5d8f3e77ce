/**
 * Update validation of the pilot's child workflows on the real dev server (a refused update
 * runs in a speculative workflow task that is dropped from history): the wrong actor, the
 * wrong step, an expired delegation, a withdrawal after the next step acted, a rejection
 * where the chain does not allow one, and a re-inspection by someone other than Academic
 * Affairs — each refused with a bilingual RuleResult naming the field and the article, and
 * not one event added to history.
 */
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { shanghaiDate } from '../../domain/calendar';
import type { RuleResult } from '../../domain/errors';
import { inspectionSchema, rectificationFor } from '../../domain/inspection';
import { currentRulesVersion, ruleTable } from '../../domain/tables';
import { createChinaCalendar } from '../../domain/calendar';
import { approvalWorkflow } from '../../workflows/approval';
import {
  REFUSAL_FAILURE_TYPE,
  approvalStateQuery,
  approvalWorkflowId,
  decideApproval,
  delegateApproval,
  rectificationWorkflowId,
  recordReinspection,
  withdrawApproval,
} from '../../workflows/messages';
import { rectificationWorkflow } from '../../workflows/rectification';
import { approvalInput, budgetPlan, childPilot, childRecipients, childWorkflowsPath, inspection, people } from '../helpers/children';
import { connectDevServer, createTestWorker, recordingActivities } from '../helpers/temporal';

let env: Awaited<ReturnType<typeof connectDevServer>>;
let worker: Worker;
let running: Promise<void>;
const taskQueue = 'approval-updates';
const run = Date.now();
const started: WorkflowHandle[] = [];

beforeAll(async () => {
  env = await connectDevServer(inject('temporalAddress'));
  worker = await createTestWorker(env.nativeConnection, taskQueue, recordingActivities(), 'default', childWorkflowsPath);
  running = worker.run();
});

afterAll(async () => {
  await Promise.all(started.map((h) => h.terminate('test done').catch(() => undefined)));
  worker?.shutdown();
  await running;
  await env?.close();
});

async function startBudgetApproval(name: string): Promise<WorkflowHandle<typeof approvalWorkflow>> {
  const pilotId = `${name}-${run}`;
  // Standalone: the parent id names no running workflow (these tests never conclude).
  const parentId = `pilot:${pilotId}`;
  const handle = await env.client.workflow.start(approvalWorkflow, {
    taskQueue,
    workflowId: approvalWorkflowId(parentId, 'budget', 1),
    args: [approvalInput('budget', pilotId, parentId, budgetPlan(pilotId), new Date().toISOString())],
  });
  started.push(handle);
  await handle.query(approvalStateQuery);
  return handle;
}

async function historyEvents(handle: WorkflowHandle): Promise<string[]> {
  const history = await handle.fetchHistory();
  return (history.events ?? []).map((e) => String(e.eventType));
}

/** The history once the workflow is idle: no workflow task or mail activity in flight. */
async function settledHistory(handle: WorkflowHandle): Promise<string[]> {
  let last: string[] = [];
  for (let i = 0; i < 100; i++) {
    const events = await historyEvents(handle);
    const open = events.filter((t) => t === '10').length > events.filter((t) => t === '12').length; // activity scheduled, not completed
    if (!open && events.at(-1) === '7' && events.length === last.length) return events; // last: workflow task completed
    last = events;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`history of ${handle.workflowId} did not settle: ${last.join(',')}`);
}

/** Runs the update, expects a refusal with no trace in history, and returns its results. */
async function refused(handle: WorkflowHandle, update: () => Promise<unknown>): Promise<RuleResult[]> {
  const before = await settledHistory(handle);
  const err = await update().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
  const cause = (err as WorkflowUpdateFailedError).cause;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  expect((cause as ApplicationFailure).type).toBe(REFUSAL_FAILURE_TYPE);
  expect(await historyEvents(handle)).toEqual(before);
  const results = (cause as ApplicationFailure).details?.[0] as RuleResult[];
  for (const r of results) {
    expect(r.message.zh).toMatch(/[\u4e00-\u9fff]/);
    expect(r.message.en).toMatch(/[a-z]/);
  }
  return results;
}

const ART13 = { ruleId: 'art13.budgetApproval', article: { article: 13 }, severity: 'hard' };

describe('approval updates are validated (Art. 13 budget chain)', () => {
  it("refuses the wrong actor: another college's leader, and a role that is not the step's", async () => {
    const h = await startBudgetApproval('wrong-actor');
    const [other] = await refused(h, () =>
      h.executeUpdate(decideApproval, { args: [{ stepId: 'college', outcome: 'approve', actor: people.otherDean }] }),
    );
    expect(other).toMatchObject({ ...ART13, field: 'actor.college' });
    expect(other!.message.zh).toContain('forestry');
    const [role] = await refused(h, () =>
      h.executeUpdate(decideApproval, { args: [{ stepId: 'college', outcome: 'approve', actor: people.lead }] }),
    );
    expect(role).toMatchObject({
      ...ART13,
      field: 'actor.role',
      message: {
        zh: '当前环节为二级学院审核（二级学院负责人），试点负责人不能审批',
        en: 'the current step is college review (college leader); pilot lead may not decide it',
      },
    });
    expect((await h.query(approvalStateQuery)).decisions).toEqual([]);
  });

  it('refuses a decision for a step that is not the current one', async () => {
    const h = await startBudgetApproval('wrong-step');
    const [r] = await refused(h, () =>
      h.executeUpdate(decideApproval, { args: [{ stepId: 'schoolLeader', outcome: 'approve', actor: people.vp }] }),
    );
    expect(r).toMatchObject({ ...ART13, field: 'stepId' });
    expect(r!.message.zh).toBe('当前审批环节为“二级学院审核”（college），不是 schoolLeader');
    expect(r!.message.en).toBe('the current step is “college review” (college), not schoolLeader');
  });

  it('refuses a decision by a delegate whose delegation has expired', async () => {
    const h = await startBudgetApproval('expired');
    const until = new Date(Date.now() + 1500).toISOString();
    await h.executeUpdate(delegateApproval, {
      args: [{ stepId: 'college', delegate: { userId: 'sec.zhou', email: 'zhou@college.test' }, validUntil: until, actor: people.dean }],
    });
    await new Promise((r) => setTimeout(r, 2500));
    const secretary = { id: 'sec.zhou', role: 'collegeStaff' as const, college: 'forestry' };
    const [r] = await refused(h, () =>
      h.executeUpdate(decideApproval, {
        args: [{ stepId: 'college', outcome: 'approve', actor: { ...secretary, onBehalfOf: 'dean.li' } }],
      }),
    );
    expect(r).toMatchObject({ ...ART13, field: 'actor.onBehalfOf' });
    expect(r!.message.zh).toContain('dean.li 对 sec.zhou 的委托已于');
    expect(r!.message.en).toContain('the delegation from dean.li to sec.zhou expired at');
    // Without naming the delegator the same delegate is refused the same way.
    const [implicit] = await refused(h, () =>
      h.executeUpdate(decideApproval, { args: [{ stepId: 'college', outcome: 'approve', actor: secretary }] }),
    );
    expect(implicit).toMatchObject({ ...ART13, field: 'actor.onBehalfOf' });
    // A delegation that ends in the past is refused outright.
    const [past] = await refused(h, () =>
      h.executeUpdate(delegateApproval, {
        args: [{ stepId: 'college', delegate: { userId: 'sec.zhou', email: 'zhou@college.test' }, validUntil: until, actor: people.dean }],
      }),
    );
    expect(past).toMatchObject({ ...ART13, field: 'validUntil' });
  });

  it('refuses a withdrawal once the next step has acted', async () => {
    const h = await startBudgetApproval('withdraw-late');
    await h.executeUpdate(decideApproval, { args: [{ stepId: 'college', outcome: 'approve', actor: people.dean }] });
    const [r] = await refused(h, () => h.executeUpdate(withdrawApproval, { args: [{ reason: '不想报了', actor: people.lead }] }));
    expect(r).toMatchObject({ ...ART13, field: 'status' });
    expect(r!.message.zh).toContain('“二级学院审核”已于');
    expect(r!.message.en).toContain('the submitter can no longer withdraw');
    // And only the submitter may withdraw at all.
    const [who] = await refused(h, () => h.executeUpdate(withdrawApproval, { args: [{ actor: people.jwb }] }));
    expect(who).toMatchObject({
      ...ART13,
      field: 'actor',
      message: { zh: '只有提交人 zhang 可以撤回', en: 'only the submitter zhang may withdraw the item' },
    });
    expect((await h.query(approvalStateQuery)).status).toBe('pending');
  });

  it('refuses a rejection at a review step (only the school leader may reject a budget) and a return without a comment', async () => {
    const h = await startBudgetApproval('reject');
    const [r] = await refused(h, () =>
      h.executeUpdate(decideApproval, { args: [{ stepId: 'college', outcome: 'reject', comment: '不同意', actor: people.dean }] }),
    );
    expect(r).toMatchObject({ ...ART13, field: 'outcome' });
    const [c] = await refused(h, () =>
      h.executeUpdate(decideApproval, { args: [{ stepId: 'college', outcome: 'return', actor: people.dean }] }),
    );
    expect(c).toMatchObject({ field: 'comment', message: { zh: '退回修改或不予通过时必须填写意见' } });
  });
});

describe('recordReinspection is validated (Art. 18)', () => {
  it('refuses a re-inspection recorded by anyone but Academic Affairs, and one of another inspection', async () => {
    const pilotId = `rect-${run}`;
    const parentId = `pilot:${pilotId}`;
    const today = shanghaiDate(Date.now());
    const failed = inspectionSchema.parse(inspection(pilotId, { inspectedOn: today }));
    const deadline = rectificationFor(failed, ruleTable(currentRulesVersion), createChinaCalendar())!;
    const h = await env.client.workflow.start(rectificationWorkflow, {
      taskQueue,
      workflowId: rectificationWorkflowId(parentId, 'I-1'),
      args: [
        {
          rectificationId: 'R-1',
          parentWorkflowId: parentId,
          pilot: childPilot(pilotId),
          recipients: childRecipients,
          inspection: failed,
          deadline,
          rulesVersion: currentRulesVersion,
        },
      ],
    });
    started.push(h);
    const pass = { result: 'satisfactory' as const, notes: '已整改' };
    const [who] = await refused(h, () =>
      h.executeUpdate(recordReinspection, {
        args: [inspection(pilotId, { id: 'I-1-R1', inspectedOn: today, reinspectionOf: 'I-1', funds: pass, inspector: people.dean })],
      }),
    );
    expect(who).toMatchObject({ ruleId: 'art18.inspector', article: { article: 18 }, field: 'inspector' });
    const [of] = await refused(h, () =>
      h.executeUpdate(recordReinspection, {
        args: [inspection(pilotId, { id: 'I-1-R1', inspectedOn: today, reinspectionOf: 'I-9', funds: pass })],
      }),
    );
    expect(of).toMatchObject({ ruleId: 'art18.rectificationClosure', article: { article: 18 }, field: 'reinspectionOf' });
    const [missing] = await refused(h, () =>
      h.executeUpdate(recordReinspection, {
        args: [inspection(pilotId, { id: 'I-1-R1', inspectedOn: today, reinspectionOf: 'I-1', funds: undefined })],
      }),
    );
    expect(missing).toMatchObject({ ruleId: 'art18.inspectionContents', article: { article: 18 }, field: 'funds' });
  });
});
