/**
 * The rectification child workflow (Art. 18) on the time-skipping test server: the notice to
 * the college, the reminder before the working-day deadline, the overdue escalation to
 * Academic Affairs and the school leader, a failed re-inspection with its new deadline, and
 * the passing re-inspection that closes it — with exactly the signals the parent receives.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { describe, expect, it } from 'vitest';
import { createChinaCalendar, shanghaiDate } from '../../domain/calendar';
import { inspectionSchema, rectificationFor } from '../../domain/inspection';
import type { RectificationNotification } from '../../domain/notifications';
import { currentRulesVersion, ruleTable } from '../../domain/tables';
import { rectificationStateQuery, rectificationWorkflowId, recordReinspection } from '../../workflows/messages';
import type { rectificationWorkflow } from '../../workflows/rectification';
import {
  childHandle,
  childPilot,
  childRecipients,
  childWorkflowsPath,
  inspection,
  mailCount as mailCountOf,
  sentBy,
} from '../helpers/children';
import { queryUntil, sleepUntil as sleepUntilOf } from '../helpers/wait';
import { recordingActivities, useTimeSkippingWorker } from '../helpers/temporal';
import { recordedSignalsQuery, signalRecorderWorkflow, stopRecorder } from './fixtures/parent';

let env: TestWorkflowEnvironment;
const activities = recordingActivities();
const taskQueue = 'rectification-test';
const calendar = createChinaCalendar();
const table = ruleTable(currentRulesVersion);

useTimeSkippingWorker(taskQueue, activities, (e) => (env = e), childWorkflowsPath);

const sentOf = (workflowId: string) => sentBy(activities.sent, workflowId) as RectificationNotification[];
const mailCount = async (workflowId: string, count: number) =>
  (await mailCountOf(activities.sent, workflowId, count)) as RectificationNotification[];
const sleepUntil = (instant: string) => sleepUntilOf(env, instant);

describe('rectification workflow (Art. 18)', () => {
  it('notifies the college, reminds, escalates an overdue rectification to Academic Affairs and the school leader, and closes on a passing re-inspection', async () => {
    const pilotId = 'rect-1';
    const parentId = `pilot:${pilotId}`;
    const childId = rectificationWorkflowId(parentId, 'I-1');
    const today = shanghaiDate(await env.currentTimeMs());
    const failed = inspectionSchema.parse(inspection(pilotId, { inspectedOn: today }));
    const deadline = rectificationFor(failed, table, calendar)!;
    // 30 working days from the inspection day on the Chinese calendar, due 17:00 Beijing time.
    expect(calendar.countWorkingDays(calendar.nextWorkingDay(calendar.onOrNextWorkingDay(today)), deadline.dueDate)).toBe(
      table.rectificationWorkingDays,
    );
    expect(deadline.dueAt.endsWith('T09:00:00.000Z')).toBe(true);

    const parent = await env.client.workflow.start(signalRecorderWorkflow, {
      taskQueue,
      workflowId: parentId,
      workflowExecutionTimeout: '3650 days',
      args: [
        {
          rectification: {
            workflowId: childId,
            input: {
              rectificationId: 'R-1',
              parentWorkflowId: parentId,
              pilot: childPilot(pilotId),
              recipients: childRecipients,
              inspection: failed,
              deadline,
              rulesVersion: currentRulesVersion,
            },
          },
        },
      ],
    });
    const child = await childHandle<typeof rectificationWorkflow>(env, childId, rectificationStateQuery);

    // The notice (通报) to the college: lead and college leader.
    let sent = await mailCount(childId, 1);
    expect(sent[0]).toMatchObject({
      kind: 'rectificationOpened',
      eventKey: 'round:1:notice',
      round: 1,
      failed: ['funds'],
      inspectionId: 'I-1',
      inspectedOn: today,
      dueAt: deadline.dueAt,
      article: { article: 18 },
    });
    expect(sent[0]!.to).toEqual([
      { role: 'pilotLead', email: 'lead@college.test', name: '张老师' },
      { role: 'collegeLeader', email: 'dean@college.test' },
    ]);

    await sleepUntil(deadline.remindAt);
    sent = await mailCount(childId, 2);
    expect(sent[1]).toMatchObject({ kind: 'rectificationReminder', eventKey: 'round:1:reminder', dueAt: deadline.dueAt });
    expect(sent[1]!.to.map((r) => r.email)).toEqual(['lead@college.test', 'dean@college.test']);
    expect(sent[1]!.occurredAt < deadline.dueAt).toBe(true);

    // Overdue: escalation to exactly Academic Affairs and the school leader; the parent is told.
    await sleepUntil(deadline.dueAt);
    sent = await mailCount(childId, 3);
    expect(sent[2]).toMatchObject({ kind: 'rectificationOverdue', eventKey: 'round:1:overdue', dueAt: deadline.dueAt });
    expect(sent[2]!.to).toEqual([
      { role: 'academicAffairs', email: 'jwb@college.test' },
      { role: 'schoolLeader', email: 'vp@college.test' },
    ]);
    let state = await child.query(rectificationStateQuery);
    expect(state.status).toBe('overdue');
    expect((await child.describe()).typedSearchAttributes.getAll().find((p) => p.key.name === 'OnexOverdue')?.value).toBe(true);
    // The parent handles the child's signal in its own workflow task: wait for it.
    let signals = await queryUntil(parent, recordedSignalsQuery, (r) => r.length >= 1);
    expect(signals).toEqual([
      {
        signal: 'rectificationEvent',
        payload: { rectificationId: 'R-1', event: 'overdue', dueAt: deadline.dueAt, at: expect.any(String) },
      },
    ]);
    // Escalated once: a week later, no more mail.
    await env.sleep('7 days');
    expect(sentOf(childId)).toHaveLength(3);

    // A failed re-inspection: the parent is told, and a new deadline counts from the re-inspection day.
    const reDay = shanghaiDate(await env.currentTimeMs());
    const re1 = inspection(pilotId, { id: 'I-1-R1', inspectedOn: reDay, reinspectionOf: 'I-1' });
    const r1 = await child.executeUpdate(recordReinspection, { args: [re1] });
    const next = rectificationFor(inspectionSchema.parse(re1), table, calendar)!;
    expect(r1).toEqual({ passed: false, status: 'open', dueAt: next.dueAt });
    sent = await mailCount(childId, 4);
    expect(sent[3]).toMatchObject({
      kind: 'rectificationOpened',
      eventKey: 'round:2:notice',
      round: 2,
      inspectedOn: reDay,
      dueAt: next.dueAt,
    });
    expect(sent[3]!.to.map((r) => r.email)).toEqual(['lead@college.test', 'dean@college.test']);
    await queryUntil(parent, recordedSignalsQuery, (r) => r.length >= 2);

    // A passing re-inspection closes it.
    const re2 = inspection(pilotId, {
      id: 'I-1-R2',
      inspectedOn: reDay,
      reinspectionOf: 'I-1',
      funds: { result: 'satisfactory', notes: '已建立专账' },
    });
    expect(await child.executeUpdate(recordReinspection, { args: [re2] })).toEqual({ passed: true, status: 'closed' });
    const result = await child.result();
    expect(result).toEqual({ status: 'closed', rectificationId: 'R-1', closedBy: 'I-1-R2', closedAt: expect.any(String), rounds: 2 });
    sent = sentOf(childId);
    expect(sent.map((n) => n.kind)).toEqual([
      'rectificationOpened',
      'rectificationReminder',
      'rectificationOverdue',
      'rectificationOpened',
      'rectificationClosed',
    ]);
    expect(sent[4]).toMatchObject({ reinspectionId: 'I-1-R2', reinspectedOn: reDay });
    expect(sent[4]!.to.map((r) => r.email)).toEqual(['lead@college.test', 'dean@college.test', 'jwb@college.test', 'vp@college.test']);

    state = await child.query(rectificationStateQuery);
    expect(state.status).toBe('closed');
    expect(state.rectification.closedBy).toBe('I-1-R2');
    expect(state.rounds.map((r) => [r.round, r.openedBy, r.reminded, r.overdue, r.endedBy])).toEqual([
      [1, 'I-1', true, true, 'I-1-R1'],
      [2, 'I-1-R1', false, false, 'I-1-R2'],
    ]);

    // Exactly these signals, in this order.
    signals = await queryUntil(parent, recordedSignalsQuery, (r) => r.length >= 3);
    expect(signals.map((s) => s.payload)).toEqual([
      { rectificationId: 'R-1', event: 'overdue', dueAt: deadline.dueAt, at: expect.any(String) },
      { rectificationId: 'R-1', event: 'reinspectionFailed', reinspectionId: 'I-1-R1', dueAt: next.dueAt, at: expect.any(String) },
      {
        rectificationId: 'R-1',
        event: 'closed',
        passed: true,
        reinspectionId: 'I-1-R2',
        at: result.status === 'closed' ? result.closedAt : '',
      },
    ]);
    await parent.signal(stopRecorder);
  });
});
