/**
 * The approval child workflow on the time-skipping test server: working-day due dates,
 * reminders and one escalation per step; a budget chain (Art. 13) returned to a chosen step
 * and to the submitter, each resubmission going straight back; a delegated approval (the
 * record shows "on behalf of") copied to CC; a withdrawal; a change request (Art. 7) that
 * counts as approved only once its provincial filing is recorded; cancellation. Each child
 * is started by a test-only parent (fixtures/parent.ts) that records the signals it gets.
 */
import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { describe, expect, it } from 'vitest';
import { approvalStepDeadline } from '../../domain/approval';
import { addDays, createChinaCalendar, shanghaiDate } from '../../domain/calendar';
import type { ApprovalNotification } from '../../domain/notifications';
import { ruleTable, currentRulesVersion } from '../../domain/tables';
import type { approvalWorkflow } from '../../workflows/approval';
import type { ApprovalConcluded, ApprovalWorkflowInput, DecideApprovalInput } from '../../workflows/approval-types';
import {
  approvalStateQuery,
  approvalWorkflowId,
  ccApproval,
  decideApproval,
  delegateApproval,
  recordApprovalFiling,
  resubmitApproval,
  withdrawApproval,
} from '../../workflows/messages';
import {
  approvalInput,
  budgetPlan,
  changeRequest,
  childHandle,
  childWorkflowsPath,
  mailCount as mailCountOf,
  people,
  sentBy,
} from '../helpers/children';
import { queryUntil, sleepUntil as sleepUntilOf } from '../helpers/wait';
import { recordingActivities, useTimeSkippingWorker } from '../helpers/temporal';
import { recordedSignalsQuery, signalRecorderWorkflow, stopRecorder, type SignalRecorderInput } from './fixtures/parent';

let env: TestWorkflowEnvironment;
const activities = recordingActivities();
const taskQueue = 'approval-test';
const calendar = createChinaCalendar();
const table = ruleTable(currentRulesVersion);

useTimeSkippingWorker(taskQueue, activities, (e) => (env = e), childWorkflowsPath);

/** Starts the recorder parent `pilot:<id>` and its approval child `pilot:<id>/<kind>/1`. */
async function startApproval(
  pilotId: string,
  kind: 'budget' | 'changeRequest' | 'examinerPlan' = 'budget',
  submittedBy: ApprovalWorkflowInput['submittedBy'] = people.lead,
) {
  const parentId = `pilot:${pilotId}`;
  const childId = approvalWorkflowId(parentId, kind, 1);
  const now = new Date(await env.currentTimeMs()).toISOString();
  const subject = kind === 'budget' ? budgetPlan(pilotId) : kind === 'changeRequest' ? changeRequest(pilotId, now) : undefined;
  const input: SignalRecorderInput = {
    approval: { workflowId: childId, input: { ...approvalInput(kind, pilotId, parentId, subject as never, now), submittedBy } },
  };
  // The test server's default execution timeout is short of a pilot's life: set one explicitly.
  const parent = await env.client.workflow.start(signalRecorderWorkflow, {
    taskQueue,
    workflowId: parentId,
    args: [input],
    workflowExecutionTimeout: '3650 days',
  });
  const child = await childHandle<typeof approvalWorkflow>(env, childId, approvalStateQuery);
  return { parent, child, childId };
}

const sent = (workflowId: string) => sentBy(activities.sent, workflowId);
const mails = (workflowId: string) => sent(workflowId).map((n) => `${n.kind}→${n.to.map((r) => r.email).join(',')}`);
const mailCount = (workflowId: string, count: number) => mailCountOf(activities.sent, workflowId, count);
const sleepUntil = (instant: string) => sleepUntilOf(env, instant);

const decide = (child: WorkflowHandle<typeof approvalWorkflow>, input: DecideApprovalInput) =>
  child.executeUpdate(decideApproval, { args: [input] });

describe('approval workflow: due dates, reminders, escalation', () => {
  it('gives each step a due date 5 working days on, reminds the approver before it and escalates once to the next level after it', async () => {
    const { parent, child, childId } = await startApproval('timer-1');
    let state = await child.query(approvalStateQuery);
    const step = state.currentStep!;
    expect(step.id).toBe('college');
    // The due date is the rule table's working days from the opening day on the Chinese calendar.
    const expected = approvalStepDeadline(new Date(step.openedAt), table, calendar);
    expect({ dueDate: step.dueDate, dueAt: step.dueAt, remindAt: step.remindAt }).toEqual(expected);
    const openDay = shanghaiDate(Date.parse(step.openedAt));
    expect(table.approvalStepWorkingDays).toBe(5);
    expect(calendar.isWorkingDay(step.dueDate)).toBe(true);
    // A rest day counts from the next working day (domain/calendar.ts#addWorkingDays); then 5 working days.
    expect(calendar.countWorkingDays(calendar.nextWorkingDay(calendar.onOrNextWorkingDay(openDay)), step.dueDate)).toBe(5);
    // Five working days always span a weekend: more than five calendar days.
    expect(step.dueDate > addDays(openDay, 5)).toBe(true);
    expect(step.dueAt.endsWith('T09:00:00.000Z')).toBe(true); // 17:00 Beijing time
    await mailCount(childId, 1);
    expect(mails(childId)).toEqual(['approvalStepRequested→dean@college.test']);

    await sleepUntil(step.remindAt);
    await mailCount(childId, 2);
    expect(mails(childId)).toEqual(['approvalStepRequested→dean@college.test', 'approvalStepReminder→dean@college.test']);
    const reminder = sent(childId)[1] as ApprovalNotification;
    expect(reminder.occurredAt < step.dueAt).toBe(true);
    expect(reminder).toMatchObject({
      eventKey: 'step:1:college:reminder',
      article: { article: 13 },
      approvalKind: 'budget',
      step: { id: 'college' },
      dueAt: step.dueAt,
    });

    await sleepUntil(step.dueAt);
    await mailCount(childId, 3);
    const overdue = sent(childId)[2] as ApprovalNotification;
    expect(overdue).toMatchObject({
      kind: 'approvalStepOverdue',
      eventKey: 'step:1:college:overdue',
      escalatedTo: { zh: '教务部', en: 'Academic Affairs' },
    });
    expect(overdue.to).toEqual([
      { role: 'collegeLeader', email: 'dean@college.test' },
      { role: 'academicAffairs', email: 'jwb@college.test' },
    ]);
    expect(overdue.occurredAt >= step.dueAt).toBe(true);
    const described = await child.describe();
    expect(described.typedSearchAttributes.getAll().find((p) => p.key.name === 'OnexOverdue')?.value).toBe(true);
    expect(described.typedSearchAttributes.getAll().find((p) => p.key.name === 'OnexStage')?.value).toBe('college');
    expect(described.typedSearchAttributes.getAll().find((p) => p.key.name === 'OnexKind')?.value).toBe('approval');

    // Escalated once per step: a week later, nothing more; the step still waits.
    await env.sleep('7 days');
    expect(sent(childId)).toHaveLength(3);
    state = await child.query(approvalStateQuery);
    expect(state.currentStep).toMatchObject({ id: 'college', reminded: true, escalated: true });

    // The late decision opens the next step with its own due date, counted from now.
    await decide(child, { stepId: 'college', outcome: 'approve', actor: people.dean });
    state = await child.query(approvalStateQuery);
    expect(state.currentStep!.id).toBe('academicAffairs');
    expect(state.currentStep!.dueAt).toBe(approvalStepDeadline(new Date(state.currentStep!.openedAt), table, calendar).dueAt);
    await mailCount(childId, 4);
    expect(mails(childId).slice(3)).toEqual(['approvalStepRequested→jwb@college.test']);
    expect((await child.describe()).typedSearchAttributes.getAll().find((p) => p.key.name === 'OnexOverdue')?.value).toBe(false);
    await child.cancel();
    await parent.signal(stopRecorder);
  });
});

describe('approval workflow: the budget chain (Art. 13)', () => {
  it('returns to a chosen earlier step and to the submitter; each goes straight back to the step that returned it', async () => {
    const { parent, child, childId } = await startApproval('budget-1');
    await decide(child, { stepId: 'college', outcome: 'approve', comment: '同意', actor: people.dean });
    await decide(child, { stepId: 'academicAffairs', outcome: 'approve', actor: people.jwb });
    // The school leader returns it to Academic Affairs (a chosen earlier step).
    const r1 = await decide(child, {
      stepId: 'schoolLeader',
      outcome: 'return',
      returnTo: 'academicAffairs',
      comment: '请复核考核费测算',
      actor: people.vp,
    });
    expect(r1).toMatchObject({ status: 'pending', currentStepId: 'academicAffairs' });
    await mailCount(childId, 4);
    const returned = sent(childId).find((n) => n.kind === 'approvalReturned')!;
    expect(returned.to.map((r) => r.email)).toEqual(['jwb@college.test', 'lead@college.test']);
    expect(returned).toMatchObject({
      step: { id: 'schoolLeader' },
      returnTo: { id: 'academicAffairs' },
      comment: '请复核考核费测算',
      by: { id: 'vp.huang' },
    });
    // Academic Affairs approves again: straight back to the school leader, not through the college.
    const r2 = await decide(child, { stepId: 'academicAffairs', outcome: 'approve', comment: '已复核', actor: people.jwb });
    expect(r2).toMatchObject({ status: 'pending', currentStepId: 'schoolLeader' });
    // Returned to the submitter, resubmitted amended: straight back to the school leader.
    const r3 = await decide(child, { stepId: 'schoolLeader', outcome: 'return', comment: '请补充经费筹措依据', actor: people.vp });
    expect(r3).toEqual({ status: 'returned' });
    let state = await child.query(approvalStateQuery);
    expect(state.returnedBy).toEqual({ stepId: 'schoolLeader', comment: '请补充经费筹措依据' });
    await mailCount(childId, 6);
    expect(
      sent(childId)
        .filter((n) => n.kind === 'approvalReturned')
        .at(-1)!.to,
    ).toEqual([{ role: 'pilotLead', email: 'lead@college.test', name: '张老师' }]);
    const amended = budgetPlan('budget-1', { rationale: '补充：专项资金 40 万元已列入学校年度预算' });
    const r4 = await child.executeUpdate(resubmitApproval, { args: [{ subject: amended, note: '已补充', actor: people.lead }] });
    expect(r4).toMatchObject({ status: 'pending', currentStepId: 'schoolLeader' });
    const r5 = await decide(child, { stepId: 'schoolLeader', outcome: 'approve', comment: '同意', actor: people.vp });
    expect(r5).toEqual({ status: 'approved' });

    const result = await child.result();
    expect(result).toMatchObject({ status: 'concluded', outcome: 'approved', kind: 'budget', approvalId: 'budget-1' });
    state = await child.query(approvalStateQuery);
    expect(state.round).toBe(2);
    expect(state.decisions.map((d) => [d.round, d.stepId, d.outcome, d.returnTo ?? '-', d.actor.id])).toEqual([
      [1, 'college', 'approve', '-', 'dean.li'],
      [1, 'academicAffairs', 'approve', '-', 'jwb.wang'],
      [1, 'schoolLeader', 'return', 'academicAffairs', 'vp.huang'],
      [1, 'academicAffairs', 'approve', '-', 'jwb.wang'],
      [1, 'schoolLeader', 'return', 'submitter', 'vp.huang'],
      [2, 'schoolLeader', 'approve', '-', 'vp.huang'],
    ]);
    expect(state.timeline.map((t) => t.event)).toEqual([
      'submitted',
      'stepOpened',
      'approved',
      'stepOpened',
      'approved',
      'stepOpened',
      'returned',
      'stepOpened',
      'approved',
      'stepOpened',
      'returned',
      'resubmitted',
      'stepOpened',
      'approved',
      'concluded',
      'parentSignalled',
    ]);
    expect(mails(childId).at(-1)).toBe('approvalConcluded→lead@college.test,dean@college.test');

    // The parent got exactly the conclusion, with the amended subject and every decision.
    const signals = await queryUntil(parent, recordedSignalsQuery, (r) => r.length > 0); // the parent handles it in its own task
    expect(signals).toHaveLength(1);
    expect(signals[0]!.signal).toBe('approvalConcluded');
    const payload = signals[0]!.payload as ApprovalConcluded;
    expect(payload).toMatchObject({ approvalId: 'budget-1', kind: 'budget', outcome: 'approved', concludedAt: state.concludedAt });
    expect((payload.subject as { rationale: string }).rationale).toBe('补充：专项资金 40 万元已列入学校年度预算');
    expect(payload.decisions).toEqual(state.decisions);
    expect('filing' in payload).toBe(false);
    await parent.signal(stopRecorder);
  });

  it('a delegate approves on behalf of the college leader; people copied get each decision', async () => {
    const { parent, child, childId } = await startApproval('deleg-1');
    await child.executeUpdate(ccApproval, { args: [{ people: [{ email: 'finance@college.test', name: '财务处' }], actor: people.lead }] });
    const until = new Date((await env.currentTimeMs()) + 3 * 86_400_000).toISOString();
    await child.executeUpdate(delegateApproval, {
      args: [
        {
          stepId: 'college',
          delegate: { userId: 'sec.zhou', email: 'zhou@college.test', name: '周秘书' },
          validUntil: until,
          actor: people.dean,
        },
      ],
    });
    await mailCount(childId, 2);
    const delegated = sent(childId).find((n) => n.kind === 'approvalDelegated')!;
    expect(delegated).toMatchObject({
      to: [{ role: 'delegate', email: 'zhou@college.test', name: '周秘书' }],
      delegatorId: 'dean.li',
      validUntil: until,
      step: { id: 'college' },
    });

    const secretary = { id: 'sec.zhou', role: 'collegeStaff' as const, college: 'forestry' };
    await decide(child, { stepId: 'college', outcome: 'approve', comment: '代为审核通过', actor: secretary });
    const state = await child.query(approvalStateQuery);
    expect(state.decisions).toHaveLength(1);
    expect(state.decisions[0]).toMatchObject({
      stepId: 'college',
      outcome: 'approve',
      actor: { ...secretary, onBehalfOf: 'dean.li' },
      onBehalfOf: 'dean.li',
    });
    expect(state.delegations).toEqual([
      {
        stepId: 'college',
        delegator: people.dean,
        delegate: { userId: 'sec.zhou', email: 'zhou@college.test', name: '周秘书' },
        validFrom: expect.any(String),
        validUntil: until,
      },
    ]);
    expect(state.cc).toMatchObject([{ email: 'finance@college.test', name: '财务处', addedBy: 'zhang' }]);
    await mailCount(childId, 4);
    const copy = sent(childId).find((n) => n.kind === 'approvalDecided')!;
    expect(copy).toMatchObject({
      to: [{ role: 'cc', email: 'finance@college.test', name: '财务处' }],
      outcome: 'approve',
      by: { id: 'sec.zhou', onBehalfOf: 'dean.li' },
      step: { id: 'college' },
    });
    expect(state.timeline.find((t) => t.event === 'approved')).toMatchObject({ actor: 'sec.zhou', onBehalfOf: 'dean.li' });
    await child.cancel();
    await parent.signal(stopRecorder);
  });

  it('the submitter withdraws before the first step acts; the parent is told `withdrawn`', async () => {
    const { parent, child, childId } = await startApproval('withdraw-1');
    const r = await child.executeUpdate(withdrawApproval, { args: [{ reason: '预算需重新编制', actor: people.lead }] });
    expect(r).toEqual({ status: 'withdrawn' });
    const result = await child.result();
    expect(result).toMatchObject({ status: 'concluded', outcome: 'withdrawn', decisions: [] });
    expect(mails(childId)).toEqual(['approvalStepRequested→dean@college.test', 'approvalConcluded→lead@college.test,dean@college.test']);
    expect(sent(childId)[1]).toMatchObject({ outcome: 'withdrawn', comment: '预算需重新编制' });
    const signals = await queryUntil(parent, recordedSignalsQuery, (r) => r.length > 0); // the parent handles it in its own task
    expect(signals.map((s) => [s.signal, (s.payload as { outcome: string }).outcome])).toEqual([['approvalConcluded', 'withdrawn']]);
    // The conclusion names who concluded it: the withdrawing submitter (issue 12, observation 1).
    expect((signals[0]!.payload as ApprovalConcluded).by).toEqual(people.lead);
    await parent.signal(stopRecorder);
  });
});

describe('approval workflow: routed as an OA user expects (issue 12)', () => {
  const secretary = { id: 'sec.zhou', role: 'collegeStaff' as const, college: 'forestry' };

  it('the submitter never decides their own item; a return goes to the submitter alone, who resubmits to the step that returned it', async () => {
    const { parent, child, childId } = await startApproval('sod-1', 'budget', people.dean);
    // The college leader submitted it: he may not decide its college step (observation 4).
    const own = await decide(child, { stepId: 'college', outcome: 'approve', actor: people.dean }).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(JSON.stringify((own as { cause?: unknown })?.cause ?? own)).toContain('approval.separationOfDuties');
    expect((await child.query(approvalStateQuery)).decisions).toEqual([]);
    // He delegates the step; his delegate decides it on his behalf.
    const until = new Date((await env.currentTimeMs()) + 3 * 86_400_000).toISOString();
    await child.executeUpdate(delegateApproval, {
      args: [
        {
          stepId: 'college',
          delegate: { userId: 'sec.zhou', email: 'zhou@college.test', name: '周秘书' },
          validUntil: until,
          actor: people.dean,
        },
      ],
    });
    await decide(child, { stepId: 'college', outcome: 'approve', comment: '代为审核', actor: secretary });
    // Academic Affairs returns it to the submitter: the mail goes to the college leader, not the pilot lead (observation 2).
    const r = await decide(child, { stepId: 'academicAffairs', outcome: 'return', comment: '请按元填写金额', actor: people.jwb });
    expect(r).toEqual({ status: 'returned' });
    await queryUntil(child, approvalStateQuery, (st) => st.emails.some((e) => e.kind === 'approvalReturned'));
    await mailCount(childId, 4);
    const returned = sent(childId).find((n) => n.kind === 'approvalReturned')!;
    expect(returned.to.map((x) => x.email)).toEqual(['dean@college.test']);
    // Only the submitter may resubmit; it goes straight back to Academic Affairs.
    const byLead = await child.executeUpdate(resubmitApproval, { args: [{ subject: budgetPlan('sod-1'), actor: people.lead }] }).then(
      () => 'accepted',
      () => 'refused',
    );
    expect(byLead).toBe('refused');
    const again = await child.executeUpdate(resubmitApproval, {
      args: [{ subject: budgetPlan('sod-1'), note: '已改为元', actor: people.dean }],
    });
    expect(again).toMatchObject({ status: 'pending', currentStepId: 'academicAffairs' });
    const state = await child.query(approvalStateQuery);
    expect(state.timeline.find((t) => t.event === 'resubmitted')).toMatchObject({ actor: 'dean.li', note: '已改为元' });
    await child.cancel();
    await parent.signal(stopRecorder);
  });

  it("Academic Affairs may decide an item it entered on a college's behalf only with a recorded reason (the rule table's override)", async () => {
    const entered = { ...people.jwb, onBehalfOf: 'zhang' }; // entered for the pilot lead
    const { parent, child } = await startApproval('sod-2', 'budget', entered);
    await decide(child, { stepId: 'college', outcome: 'approve', actor: people.dean });
    const refused = await decide(child, { stepId: 'academicAffairs', outcome: 'approve', actor: people.jwb }).then(
      () => 'accepted',
      (e: unknown) => JSON.stringify((e as { cause?: unknown }).cause ?? e),
    );
    expect(refused).toContain('overrideReason');
    await decide(child, {
      stepId: 'academicAffairs',
      outcome: 'approve',
      overrideReason: '试点负责人纸质提交，已线下审核，教务部代录入',
      actor: people.jwb,
    });
    const state = await child.query(approvalStateQuery);
    expect(state.decisions.at(-1)).toMatchObject({
      stepId: 'academicAffairs',
      overrideReason: '试点负责人纸质提交，已线下审核，教务部代录入',
    });
    await child.cancel();
    await parent.signal(stopRecorder);
  });
});

describe('approval workflow: a change request (Art. 7)', () => {
  it('counts as approved only once Academic Affairs records the provincial filing', async () => {
    const { parent, child, childId } = await startApproval('change-1', 'changeRequest');
    await decide(child, { stepId: 'college', outcome: 'approve', actor: people.dean });
    const r = await decide(child, { stepId: 'academicAffairs', outcome: 'approve', actor: people.jwb });
    expect(r).toMatchObject({ status: 'awaitingFiling', currentStepId: 'provincialFiling' });
    const state = await child.query(approvalStateQuery);
    expect(state.currentStep).toMatchObject({ id: 'provincialFiling', role: 'academicAffairs' });
    await mailCount(childId, 3);
    expect(mails(childId).at(-1)).toBe('approvalStepRequested→jwb@college.test');
    // Not approved yet: the parent has heard nothing.
    expect(await parent.query(recordedSignalsQuery)).toEqual([]);

    const today = shanghaiDate(await env.currentTimeMs());
    const done = await child.executeUpdate(recordApprovalFiling, {
      args: [{ filedOn: today, reference: '粤教职函〔2027〕备 12 号', actor: people.jwb }],
    });
    expect(done).toEqual({ status: 'approved' });
    const result = await child.result();
    expect(result).toMatchObject({
      status: 'concluded',
      outcome: 'approved',
      filing: { filedOn: today, reference: '粤教职函〔2027〕备 12 号', recordedBy: people.jwb },
    });
    expect(sent(childId).at(-1)).toMatchObject({
      kind: 'approvalConcluded',
      outcome: 'approved',
      filingReference: '粤教职函〔2027〕备 12 号',
      article: { article: 7 },
    });
    const signals = await queryUntil(parent, recordedSignalsQuery, (r) => r.length > 0); // the parent handles it in its own task
    expect(signals).toHaveLength(1);
    expect(signals[0]!.payload).toMatchObject({
      kind: 'changeRequest',
      outcome: 'approved',
      filing: { reference: '粤教职函〔2027〕备 12 号' },
    });
    await parent.signal(stopRecorder);
  });
});

describe('approval workflow: cancellation', () => {
  it('cancelled (the pilot was cancelled, Art. 19): records `cancelled`, stops quietly, no signal and no more mail', async () => {
    const { parent, child, childId } = await startApproval('cancel-1');
    await mailCount(childId, 1);
    await child.cancel();
    const result = await child.result();
    expect(result).toMatchObject({ status: 'cancelled', approvalId: 'budget-1', kind: 'budget' });
    const state = await child.query(approvalStateQuery);
    expect(state.status).toBe('cancelled');
    expect(state.timeline.at(-1)!.event).toBe('cancelled');
    // Closed as completed: no activity and no signal after the cancellation request.
    expect((await child.describe()).status.name).toBe('COMPLETED');
    const events = ((await child.fetchHistory()).events ?? []).map((e) => String(e.eventType));
    const cancelAt = events.indexOf('20'); // WORKFLOW_EXECUTION_CANCEL_REQUESTED
    expect(cancelAt).toBeGreaterThan(0);
    expect(events.slice(cancelAt).filter((t) => t === '10' || t === '37')).toEqual([]); // ACTIVITY_TASK_SCHEDULED, SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED
    expect(mails(childId)).toEqual(['approvalStepRequested→dean@college.test']);
    expect(await parent.query(recordedSignalsQuery)).toEqual([]);
    await parent.signal(stopRecorder);
  });
});
