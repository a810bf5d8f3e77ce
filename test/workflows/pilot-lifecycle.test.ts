/**
 * The pilot's implementation lifecycle on the time-skipping server: provincial material
 * requests (Art. 19(1)), the fund ledger (Art. 5(3), 11, 14), assessments and the pass-rate
 * restriction (Art. 12, 17), inspections (Art. 18), violations and cancellation (Art. 19),
 * completion with and without accountability (Art. 20), and a three-year pilot that uses
 * all of it with bounded history.
 */
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { describe, expect, it } from 'vitest';
import { addDays, createChinaCalendar, shanghaiDate } from '../../domain/calendar';
import type { RuleResult } from '../../domain/errors';
import type { PilotNoticeNotification } from '../../domain/notifications';
import { pilotRecordSchema, pilotWorkflowId, type PilotRecordInput } from '../../domain/pilot';
import {
  approvalStateQuery,
  extendDeadline,
  refreshCalendar,
  remindNow,
  applicationStateQuery,
  createApplication,
  passRecordsQuery,
  submitApplication,
  cancelPilot,
  decideApproval,
  delegateApproval,
  recordApprovalFiling,
  resubmitApproval,
  submitForApproval,
  pilotAuditQuery,
  pilotStateQuery,
  recordAssessment,
  recordExpense,
  recordIncome,
  recordInspection,
  recordProvincialRequest,
  recordReinspection,
  recordViolation,
  submitProvincialMaterial,
  submitWeeklyReport,
} from '../../workflows/messages';
import type { approvalWorkflow } from '../../workflows/approval';
import { pilotWorkflow } from '../../workflows/pilot';
import { pilotStartOptions } from '../../workflows/pilot-start';
import { firstWeeklyPeriod, followingWeeklyPeriod } from '../../domain/weekly';
import { roundStartOptions, roundWorkflow } from '../../workflows/round';
import { applicationWorkflowId, programmeRegistryWorkflowId, roundRecordSchema } from '../../domain/round';
import { aaActor, sampleApplication, sampleRound, staff } from '../../scripts/support/rounds';
import { samplePilot } from '../../scripts/support/pilots';
import { runThreeYearPilot, THREE_YEAR_APPROVED_TASK, THREE_YEAR_MONTHS } from '../../scripts/support/three-year-pilot';
import { runsOf } from '../../scripts/record-histories';
import { recordingActivities, useTimeSkippingWorker } from '../helpers/temporal';
import { childHandle } from '../helpers/children';
import { eventually, queryUntil, sleepUntil } from '../helpers/wait';
import type { PilotState } from '../../workflows/pilot-state';

let env: TestWorkflowEnvironment;
const activities = recordingActivities();
const taskQueue = 'lifecycle-test';
const aa = { id: 'jwb', role: 'academicAffairs' as const };
const lead = { id: 'zhang', role: 'pilotLead' as const };

useTimeSkippingWorker(taskQueue, activities, (e) => (env = e));

const calendarOf = createChinaCalendar();

/** The pilot's state once every due instant the server's clock has passed is handled (no past one still pending). */
async function settled(h: WorkflowHandle<typeof pilotWorkflow>): Promise<PilotState> {
  const now = await env.currentTimeMs();
  const past = (dueAt: string) => Date.parse(dueAt) <= now;
  return queryUntil(h, pilotStateQuery, (st) => ![...st.periods, ...st.provincial].some((x) => x.outcome === 'pending' && past(x.dueAt)));
}

/**
 * Skips the clock a minute past provincial request `id`'s due instant (read from the state:
 * a due date on a rest day moves to the next working day, so "5 days" may be 7 or more)
 * and waits until the workflow has counted it.
 */
async function pastDue(h: WorkflowHandle<typeof pilotWorkflow>, id: string): Promise<PilotState> {
  const due = (await h.query(pilotStateQuery)).provincial.find((r) => r.id === id)!.dueAt;
  await sleepUntil(env, due);
  return queryUntil(h, pilotStateQuery, (st) => st.provincial.find((r) => r.id === id)?.counted === true);
}

async function today(): Promise<string> {
  return shanghaiDate(await env.currentTimeMs());
}

async function start(id: string, days: number, over: Partial<PilotRecordInput> = {}): Promise<WorkflowHandle<typeof pilotWorkflow>> {
  const t = await today();
  const pilot = pilotRecordSchema.parse(
    samplePilot({ id, startDate: t, endDate: addDays(t, days), schoolLeaderEmail: 'vp@college.test', ...over }),
  );
  return env.client.workflow.start(pilotWorkflow, { taskQueue, workflowId: pilotWorkflowId(id), args: [{ pilot }] });
}

async function refusedWith(p: Promise<unknown>): Promise<RuleResult[]> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
  const cause = (err as WorkflowUpdateFailedError).cause as ApplicationFailure;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  return cause.details?.[0] as RuleResult[];
}

const notices = (wf: string, topic?: string) =>
  activities.sent.filter(
    (n): n is PilotNoticeNotification => n.workflowId === wf && n.kind === 'pilotNotice' && (topic === undefined || n.topic === topic),
  );

async function request(h: WorkflowHandle<typeof pilotWorkflow>, id: string, dueInDays: number) {
  const t = await today();
  return h.executeUpdate(recordProvincialRequest, {
    args: [
      {
        id,
        pilotId: h.workflowId.slice('pilot:'.length),
        title: `材料 ${id}`,
        requestedOn: t,
        dueDate: addDays(t, dueInDays),
        recordedBy: aa,
      },
    ],
  });
}

describe('provincial material requests (Art. 19(1))', () => {
  it('three consecutive misses cancel the pilot and notify everyone', async () => {
    const h = await start('prov-cancel', 400);
    for (const [i, id] of ['m1', 'm2', 'm3'].entries()) {
      await request(h, id, 10);
      await env.sleep(`${11 + i * 0}d`);
    }
    const outcome = await h.result();
    expect(outcome).toMatchObject({ status: 'cancelled', grounds: ['art19.provincialMisses'] });
    const state = await h.query(pilotStateQuery);
    expect(state.status).toBe('cancelled');
    expect(state.consecutiveProvincialMisses).toBe(3);
    expect(state.provincial.map((r) => r.outcome)).toEqual(['missed', 'missed', 'missed']);
    const cancelled = notices(h.workflowId, 'pilotCancelled');
    expect(cancelled).toHaveLength(1);
    expect(cancelled[0]!.to.map((r) => r.role)).toEqual(['pilotLead', 'collegeLeader', 'academicAffairs', 'schoolLeader']);
    expect(notices(h.workflowId, 'provincialMissed').map((n) => n.to.map((r) => r.email))).toEqual([
      ['lead@college.test', 'dean@college.test', 'jwb@college.test'],
      ['lead@college.test', 'dean@college.test', 'jwb@college.test'],
      ['lead@college.test', 'dean@college.test', 'jwb@college.test'],
    ]);
    expect(notices(h.workflowId, 'provincialReminder')).toHaveLength(3);
  });

  it('two misses, a submission, then a miss does not cancel', async () => {
    const h = await start('prov-reset', 400);
    await request(h, 'a', 5);
    await pastDue(h, 'a');
    await request(h, 'b', 5);
    await pastDue(h, 'b');
    await request(h, 'c', 5);
    await h.executeUpdate(submitProvincialMaterial, { args: [{ requestId: 'c', note: '已通过省厅系统报送', actor: lead }] });
    await pastDue(h, 'c');
    await request(h, 'd', 5);
    // Past the fourth request's real due instant (a weekend or holiday moves it), once the workflow has counted it.
    const state = await pastDue(h, 'd');
    expect(state.status).toBe('running');
    expect(state.provincial.map((r) => r.outcome)).toEqual(['missed', 'missed', 'submitted', 'missed']);
    expect(state.consecutiveProvincialMisses).toBe(1);
    expect(state.overdue).toBe(true);
    // A late submission is recorded but does not undo the miss.
    await h.executeUpdate(submitProvincialMaterial, { args: [{ requestId: 'd', actor: lead }] });
    expect((await h.query(pilotStateQuery)).provincial[3]).toMatchObject({ outcome: 'late' });
    await h.terminate('done');
  });
});

describe('fund ledger (Art. 5(3), 11, 12, 14)', () => {
  it('books income and allowed expenses, refuses a forbidden use and an overdraft, and audits before/after', async () => {
    const h = await start('ledger-1', 200);
    const pilotId = 'ledger-1';
    const t = await today();
    await h.executeUpdate(recordIncome, {
      args: [{ id: 'in1', pilotId, date: t, source: 'examServiceFee', payer: '某培训评价组织', amountFen: 500_000, actor: lead }],
    });
    await h.executeUpdate(recordExpense, {
      args: [{ id: 'ex1', pilotId, date: t, category: 'teacherTraining', amountFen: 120_000, description: '考评员培训', actor: lead }],
    });
    const forbidden = await refusedWith(
      h.executeUpdate(recordExpense, {
        args: [{ id: 'ex2', pilotId, date: t, category: 'managementFees', amountFen: 10_000, description: '管理费', actor: lead }],
      }),
    );
    expect(forbidden[0]).toMatchObject({ ruleId: 'art11.forbiddenUse', article: { article: 11 }, field: 'category' });
    const overdraft = await refusedWith(
      h.executeUpdate(recordExpense, {
        args: [{ id: 'ex3', pilotId, date: t, category: 'equipmentPurchase', amountFen: 400_000, description: '设备', actor: lead }],
      }),
    );
    expect(overdraft.map((r) => r.field)).toContain('amountFen');
    const studentFee = await refusedWith(
      h.executeUpdate(recordIncome, {
        args: [{ id: 'in2', pilotId, date: t, source: 'studentFee', payer: '学生', amountFen: 1, actor: lead }],
      }),
    );
    expect(studentFee[0]).toMatchObject({ article: { article: 12 } });
    const state = await h.query(pilotStateQuery);
    expect(state.ledger.balanceFen).toBe(380_000);
    expect(state.ledger.entries).toBe(2);
    const audit = await h.query(pilotAuditQuery);
    expect(audit.filter((a) => a.action.startsWith('ledger.')).map((a) => [a.action, a.before, a.after])).toEqual([
      ['ledger.income', { balanceFen: 0 }, { balanceFen: 500_000 }],
      ['ledger.expense', { balanceFen: 500_000 }, { balanceFen: 380_000 }],
    ]);
    await h.terminate('done');
  });
});

describe('assessments (Art. 12, 16–17)', () => {
  const session = (id: string, date: string, candidates: number, passed: number, fee = 40_000) => ({
    id,
    pilotId: 'assess-1',
    date,
    components: [
      { form: 'written' as const, weightBp: 6000 },
      { form: 'practicalSpecial' as const, weightBp: 4000 },
    ],
    publishedFeeFen: fee,
    candidates,
    passed,
  });

  it("a pass rate of 89 % records next year's restriction; a fee over the mixed cap needs an Academic Affairs waiver", async () => {
    const h = await start('assess-1', 300, { approvedTask: 100 });
    const t = await today();
    const year = Number(t.slice(0, 4));
    const over = await refusedWith(
      h.executeUpdate(recordAssessment, { args: [{ session: session('s0', t, 10, 10, 40_001), actor: lead }] }),
    );
    expect(over[0]).toMatchObject({ ruleId: 'art17.feeCap', field: 'session.publishedFeeFen' });
    const notAa = await refusedWith(
      h.executeUpdate(recordAssessment, {
        args: [{ session: session('s0', t, 10, 10, 40_001), actor: lead, feeCapWaiverReason: '评价组织公告收费' }],
      }),
    );
    expect(notAa.map((r) => [r.ruleId, r.field])).toEqual([['waiver.academicAffairsOnly', 'actor.role']]);
    await h.executeUpdate(recordAssessment, {
      args: [{ session: session('s0', t, 10, 10, 40_001), actor: aa, feeCapWaiverReason: '评价组织公告收费，经教务部同意' }],
    });

    await h.executeUpdate(recordAssessment, { args: [{ session: session('s1', t, 90, 79), actor: lead }] });
    let state = await h.query(pilotStateQuery);
    // 89 of 100 passed: 89.00 % < 90 %.
    expect(state.passYears).toEqual([{ year, candidates: 100, passed: 89, rateBp: 8900, restricted: true }]);
    expect(state.waivers.map((w) => [w.ruleId, w.subjectId, w.grantedBy.id])).toEqual([['art17.feeCap', 's0', 'jwb']]);
    await env.sleep('1h'); // the main loop sends it
    await eventually(() => notices(h.workflowId, 'passRateRestricted')[0], 'the pass-rate restriction notice');
    expect(notices(h.workflowId, 'passRateRestricted').map((n) => n.to.map((r) => r.role))).toEqual([['collegeLeader', 'academicAffairs']]);
    state = await h.query(pilotStateQuery);
    expect(state.audit.find((a) => a.action === 'assessment.restriction')?.ruleIds).toEqual(['art12.passRateRestriction']);

    // The programme registry holds the pilot-year, where next year's round reads it.
    const registry = env.client.workflow.getHandle(programmeRegistryWorkflowId());
    const records = await eventually(async () => {
      const r = await registry.query(passRecordsQuery, { year });
      return r.some((x) => x.passed === 89) ? r : undefined;
    }, 'the pilot-year in the programme registry');
    expect(
      records
        .filter((r) => r.source === 'pilot:assess-1')
        .map((r) => [r.collegeId, r.major.name, r.certificate.name, r.candidates, r.passed]),
    ).toEqual([['forestry', '园林技术', '花卉园艺', 100, 89]]);
    const t2 = await today();
    const internalDeadline = calendarOf.addWorkingDays(t2, 5);
    const round = roundRecordSchema.parse(
      sampleRound({
        id: `next-${year + 1}`,
        year: year + 1,
        internalDeadline,
        provincialDeadline: calendarOf.addWorkingDays(internalDeadline, 5),
      }),
    );
    const roundHandle = await env.client.workflow.start(roundWorkflow, { ...roundStartOptions(round, aaActor), taskQueue });
    const again = sampleApplication({
      id: 'G1',
      major: { name: '园林技术' },
      certificate: { name: '花卉园艺', evaluationOrg: '某培训评价组织', level: 'intermediate' },
    });
    await roundHandle.executeUpdate(createApplication, { args: [{ application: again, actor: staff('forestry') }] });
    const app = env.client.workflow.getHandle(applicationWorkflowId(round.id, 'G1'));
    // Submitting loads last year's pass records from the registry: the pilot's 89 % restricts it.
    const submitted = await app.executeUpdate(submitApplication, { args: [{ actor: staff('forestry') }] });
    expect(submitted.evaluation.blocking.map((r) => [r.ruleId, r.article, r.severity])).toEqual([
      ['art12.passRateRestriction', { article: 12 }, 'waivable'],
    ]);
    expect(submitted.evaluation.blocking[0]!.message.zh).toContain('（89/100）');
    expect((await app.query(applicationStateQuery)).passRecords).toEqual([
      {
        year,
        collegeId: 'forestry',
        major: { name: '园林技术' },
        certificate: { name: '花卉园艺', evaluationOrg: '某培训评价组织' },
        candidates: 100,
        passed: 89,
      },
    ]);
    await roundHandle.terminate('done');
    await app.terminate('done').catch(() => undefined);
    await h.terminate('done');
  });
});

describe('inspections, violations and cancellation (Art. 18–19)', () => {
  const inspection = (id: string, date: string, ok: boolean, reinspectionOf?: string) => ({
    id,
    pilotId: 'insp-1',
    inspectedOn: date,
    inspector: aa,
    progress: { result: 'satisfactory' as const, notes: '进展正常' },
    funds: { result: ok ? ('satisfactory' as const) : ('unsatisfactory' as const), notes: ok ? '到位' : '经费未到位' },
    problems: { result: 'satisfactory' as const, notes: '无', measures: '继续推进' },
    ...(reinspectionOf ? { reinspectionOf } : {}),
  });

  it('a failed inspection opens a rectification; overdue it escalates; a failed re-inspection flags cancellation risk', async () => {
    const h = await start('insp-1', 300);
    const t = await today();
    const notAa = await refusedWith(h.executeUpdate(recordInspection, { args: [{ ...inspection('i1', t, false), inspector: lead }] }));
    expect(notAa[0]).toMatchObject({ article: { article: 18 }, field: 'inspector' });
    await h.executeUpdate(recordInspection, { args: [inspection('i1', t, false)] });
    let state = await h.query(pilotStateQuery);
    expect(state.inspections.map((i) => [i.id, i.kind, i.outcome])).toEqual([['i1', 'adHoc', 'fail']]);
    expect(state.rectifications).toMatchObject([{ id: 'i1', workflowId: 'pilot:insp-1/rectification/i1', status: 'open' }]);
    const rect = env.client.workflow.getHandle(state.rectifications[0]!.workflowId);
    // The notice (通报) goes to the college; after the working-day deadline, escalation to Academic Affairs and the school leader.
    await env.sleep(Date.parse(state.rectifications[0]!.dueAt) - (await env.currentTimeMs()) + 3_600_000);
    // The child mails and signals the pilot after the clock passed its deadline: wait for both.
    await eventually(
      () => (activities.sent.filter((n) => n.workflowId === rect.workflowId).length >= 3 ? true : undefined),
      'the rectification overdue mail',
    );
    state = await queryUntil(h, pilotStateQuery, (st) => st.rectifications[0]?.status === 'overdue');
    expect(state.rectifications[0]!.status).toBe('overdue');
    expect(state.cancellationRisk.flagged).toBe(true);
    expect(state.overdue).toBe(true);
    const childMails = activities.sent.filter((n) => n.workflowId === rect.workflowId);
    expect(childMails.map((n) => [n.kind, n.to.map((r) => r.role)])).toEqual([
      ['rectificationOpened', ['pilotLead', 'collegeLeader']],
      ['rectificationReminder', ['pilotLead', 'collegeLeader']],
      ['rectificationOverdue', ['academicAffairs', 'schoolLeader']],
    ]);
    // Re-inspections are recorded in the rectification, not as a fresh pilot inspection.
    const direct = await refusedWith(h.executeUpdate(recordInspection, { args: [inspection('i2', t, false, 'i1')] }));
    expect(direct[0]).toMatchObject({ ruleId: 'art18.rectificationClosure', field: 'reinspectionOf' });
    await rect.executeUpdate(recordReinspection, { args: [inspection('i2', await today(), false, 'i1')] });
    await env.sleep('1h');
    state = await queryUntil(h, pilotStateQuery, (st) => st.rectifications[0]?.reinspectionFailures === 1);
    expect(state.rectifications[0]).toMatchObject({ status: 'open', reinspectionFailures: 1 });
    expect(state.cancellationRisk.reasons.map((r) => r.reason.en)).toEqual([
      'rectification overdue (inspection i1)',
      'the re-inspection failed again (i2)',
    ]);
    await rect.executeUpdate(recordReinspection, { args: [inspection('i3', await today(), true, 'i1')] });
    await env.sleep('1h');
    state = await queryUntil(h, pilotStateQuery, (st) => st.rectifications[0]?.status === 'closed');
    expect(state.rectifications[0]).toMatchObject({ status: 'closed' });
    expect(state.inspections.map((i) => [i.id, i.kind, i.outcome])).toEqual([
      ['i1', 'adHoc', 'fail'],
      ['i2', 'reinspection', 'fail'],
      ['i3', 'reinspection', 'pass'],
    ]);
    await h.terminate('done');
  });

  it("cancellation needs a recorded Art. 19 ground, is Academic Affairs' alone, and closes the pilot and its children", async () => {
    const h = await start('cancel-1', 300);
    const t = await today();
    await h.executeUpdate(recordInspection, { args: [{ ...inspection('c1', t, false), pilotId: 'cancel-1' }] });
    const noGround = await refusedWith(h.executeUpdate(cancelPilot, { args: [{ actor: aa, reason: '检查不合格' }] }));
    expect(noGround[0]).toMatchObject({ ruleId: 'art19.grounds', article: { article: 19 } });
    await h.executeUpdate(recordViolation, {
      args: [
        {
          id: 'v1',
          pilotId: 'cancel-1',
          ground: 'forcedParticipation',
          description: '变相强制学生参加考核',
          evidence: '教务部调查记录 2026-12',
          occurredOn: t,
          recordedBy: aa,
        },
      ],
    });
    const byLead = await refusedWith(h.executeUpdate(cancelPilot, { args: [{ actor: lead, reason: 'x' }] }));
    expect(byLead[0]!.field).toBe('actor.role');
    await h.executeUpdate(cancelPilot, { args: [{ actor: aa, reason: '违反第十九条第（三）项' }] });
    const outcome = await h.result();
    expect(outcome).toMatchObject({ status: 'cancelled', grounds: ['art19.forcedParticipation'] });
    const state = await h.query(pilotStateQuery);
    expect(state.cancellation?.by).toEqual(aa);
    expect(state.rectifications[0]!.status).toBe('cancelled');
    // The rectification child is closed with the pilot.
    const child = await env.client.workflow.getHandle(state.rectifications[0]!.workflowId).result();
    expect(child).toMatchObject({ status: 'cancelled' });
    // The workflow has closed: nothing more can be applied to it.
    await expect(
      h.executeUpdate(submitWeeklyReport, { args: [{ periodId: state.periods[0]!.id, content: 'x', actor: lead }] }),
    ).rejects.toThrow(WorkflowNotFoundError);
  });
});

describe('completion (Art. 20)', () => {
  it('completes without accountability when the approved task is met', async () => {
    const h = await start('done-ok', 30, { approvedTask: 30 });
    const t = await today();
    await h.executeUpdate(recordAssessment, {
      args: [
        {
          session: {
            id: 's',
            pilotId: 'done-ok',
            date: t,
            components: [{ form: 'computer', weightBp: 10_000 }],
            publishedFeeFen: 30_000,
            candidates: 30,
            passed: 29,
          },
          actor: lead,
        },
      ],
    });
    const outcome = await h.result();
    expect(outcome).toMatchObject({ status: 'completed', accountability: false });
    const state = await h.query(pilotStateQuery);
    expect(state.completion).toMatchObject({ assessed: 30, approvedTask: 30, accountability: null });
    expect(notices(h.workflowId, 'pilotCompleted')[0]!.subject.zh).toBe('【试点结项】');
  });

  it('flags accountability when the approved task is not met', async () => {
    const h = await start('done-short', 30, { approvedTask: 30 });
    const outcome = await h.result();
    expect(outcome).toMatchObject({ status: 'completed', accountability: true });
    const state = await h.query(pilotStateQuery);
    expect(state.completion?.accountability).toMatchObject({ ruleId: 'art20.assessmentTask', article: { article: 20 } });
    expect(notices(h.workflowId, 'pilotCompleted')[0]!.subject.zh).toBe('【试点结项：考核任务未完成】');
  });
});

describe('a three-year pilot with every kind of event', () => {
  it('stays bounded in history across continue-as-new and keeps everything', async () => {
    const { handle: h, outcome, reports } = await runThreeYearPilot(env, taskQueue, 'three-years');
    const state = await h.query(pilotStateQuery);
    expect(outcome.status).toBe('completed');
    expect(outcome.runs).toBeGreaterThanOrEqual(2);
    // Every run of the continue-as-new chain stays under 4,096 events (issue 14).
    const runs = await runsOf(env.client, h.workflowId, h.firstExecutionRunId);
    expect(runs).toHaveLength(outcome.runs);
    for (const r of runs) expect(r.history.events?.length ?? 0).toBeLessThan(4096);
    expect(state.historyLength).toBeLessThan(4096);
    expect(outcome.onTime).toBe(reports);
    expect(reports).toBeGreaterThan(0);
    expect(state.ledger).toMatchObject({ balanceFen: THREE_YEAR_MONTHS * 5_000, entries: 2 * THREE_YEAR_MONTHS });
    expect(state.provincial).toHaveLength(9);
    expect(state.provincial.every((r) => r.outcome === 'submitted')).toBe(true);
    expect(state.assessments).toHaveLength(3);
    expect(state.passYears.every((y) => !y.restricted)).toBe(true);
    expect(state.completion).toMatchObject({ assessed: 60, approvedTask: THREE_YEAR_APPROVED_TASK, accountability: null });
    // Every action is in the audit trail, across runs.
    const audit = await h.query(pilotAuditQuery);
    expect(audit.filter((a) => a.action === 'ledger.income')).toHaveLength(THREE_YEAR_MONTHS);
    expect(audit.map((a) => a.seq)).toEqual(audit.map((_, i) => i + 1));
  });
});

describe('approvals started by the pilot (Art. 6(4), 7, 13)', () => {
  const dean = { id: 'dean', role: 'collegeLeader' as const, college: 'forestry' };
  const vp = { id: 'vp', role: 'schoolLeader' as const };

  it('a budget plan goes college → Academic Affairs (returned, resubmitted straight back) → school leader via a delegate; the pilot records the approved budget', async () => {
    const h = await start('budget-1', 300);
    const plan = {
      id: 'B-2027',
      pilotId: 'budget-1',
      year: 2027,
      rationale: '考评员培训与设备采购',
      lines: [
        { category: 'teacherTraining', description: '考评员培训', amountFen: 2_000_000 },
        { category: 'equipmentPurchase', description: '实训设备', amountFen: 3_000_000 },
      ],
      funding: [{ source: 'specialFund', amountFen: 5_000_000 }],
    };
    const forbidden = await refusedWith(
      h.executeUpdate(submitForApproval, {
        args: [
          {
            kind: 'budget',
            subject: { ...plan, lines: [{ category: 'interestPayment', description: '利息', amountFen: 1 }] },
            actor: lead,
          },
        ],
      }),
    );
    expect(forbidden[0]).toMatchObject({ ruleId: 'art11.forbiddenUse', field: 'subject.lines.0.category' });
    const started = await h.executeUpdate(submitForApproval, { args: [{ kind: 'budget', subject: plan, actor: lead }] });
    expect(started).toMatchObject({ approvalId: 'budget-1', workflowId: 'pilot:budget-1/budget/1' });
    const again = await refusedWith(
      h.executeUpdate(submitForApproval, { args: [{ kind: 'budget', subject: { ...plan, id: 'B-2' }, actor: lead }] }),
    );
    expect(again[0]!.ruleId).toBe('approval.inProgress');
    await env.sleep('1m');
    const child = await childHandle<typeof approvalWorkflow>(env, started.workflowId, approvalStateQuery);
    await child.executeUpdate(decideApproval, { args: [{ stepId: 'college', outcome: 'approve', actor: dean }] });
    await child.executeUpdate(decideApproval, {
      args: [{ stepId: 'academicAffairs', outcome: 'return', returnTo: 'submitter', comment: '请补充设备清单', actor: aa }],
    });
    await child.executeUpdate(resubmitApproval, {
      args: [{ subject: { ...plan, rationale: '考评员培训与设备采购（附设备清单）' }, actor: lead }],
    });
    // Straight back to Academic Affairs, who returned it.
    await child.executeUpdate(decideApproval, { args: [{ stepId: 'academicAffairs', outcome: 'approve', actor: aa }] });
    const validUntil = new Date((await env.currentTimeMs()) + 7 * 86_400_000).toISOString();
    await child.executeUpdate(delegateApproval, {
      args: [
        { stepId: 'schoolLeader', delegate: { userId: 'deputy', email: 'deputy@college.test', name: '李副校长' }, validUntil, actor: vp },
      ],
    });
    await child.executeUpdate(decideApproval, {
      args: [{ stepId: 'schoolLeader', outcome: 'approve', actor: { id: 'deputy', role: 'schoolLeader' as const, onBehalfOf: 'vp' } }],
    });
    await env.sleep('1h');
    const state = await queryUntil(h, pilotStateQuery, (st) => st.approvals[0]?.status === 'approved');
    expect(state.approvals).toMatchObject([{ approvalId: 'budget-1', status: 'approved' }]);
    expect(state.approvedBudgetFen).toBe(5_000_000);
    const approved = state.audit.find((a) => a.action === 'budget.approved')!;
    expect(approved).toMatchObject({
      before: { approvedBudgetFen: null },
      after: { approvedBudgetFen: 5_000_000 },
      actor: { id: 'deputy', onBehalfOf: 'vp' },
    });
    await h.terminate('done');
  });

  it('an approved and filed lead change redirects every later reminder to the new lead', async () => {
    const h = await start('lead-change', 300);
    const newLead = { name: '王老师', email: 'wang@college.test', userId: 'wang' };
    const req = {
      id: 'CR-1',
      pilotId: 'lead-change',
      changes: { lead: newLead },
      reason: '张老师调任',
      requestedBy: lead,
      requestedAt: new Date(await env.currentTimeMs()).toISOString(),
    };
    const started = await h.executeUpdate(submitForApproval, { args: [{ kind: 'changeRequest', subject: req, actor: lead }] });
    await env.sleep('1m');
    const child = await childHandle<typeof approvalWorkflow>(env, started.workflowId, approvalStateQuery);
    await child.executeUpdate(decideApproval, { args: [{ stepId: 'college', outcome: 'approve', actor: dean }] });
    await child.executeUpdate(decideApproval, { args: [{ stepId: 'academicAffairs', outcome: 'approve', actor: aa }] });
    // Not in effect until the provincial filing is recorded (Art. 7).
    await env.sleep('1m');
    expect((await h.query(pilotStateQuery)).current.lead.email).toBe('lead@college.test');
    await child.executeUpdate(recordApprovalFiling, { args: [{ filedOn: await today(), reference: '粤教职函〔2026〕88号', actor: aa }] });
    await env.sleep('1m');
    const changedAt = new Date(await env.currentTimeMs()).toISOString();
    let state = await queryUntil(h, pilotStateQuery, (st) => st.current.lead.email === newLead.email);
    expect(state.current.lead).toEqual(newLead);
    expect(state.pilot.lead.email).toBe('lead@college.test'); // as approved at start
    expect(state.audit.find((a) => a.action === 'change.applied')).toMatchObject({
      before: { lead: { email: 'lead@college.test' } },
      after: { lead: { email: 'wang@college.test' } },
    });
    // The old lead may no longer report; the new one may.
    const remindersSince = () =>
      activities.sent.filter((n) => n.workflowId === h.workflowId && n.kind === 'weeklyReminder' && n.occurredAt > changedAt);
    // Two more weeks' reminders (a holiday week may move one on): a day at a time, bounded.
    for (let day = 0; day < 60 && remindersSince().length < 2; day++) await env.sleep('1d');
    const later = await eventually(
      () => (remindersSince().length >= 2 ? remindersSince() : undefined),
      'two reminders to the new lead',
    ).catch(remindersSince);
    state = await settled(h);
    expect(later.length).toBeGreaterThanOrEqual(2);
    expect(later.every((n) => n.to.map((r) => r.email).join() === 'wang@college.test')).toBe(true);
    const open = state.periods.find((p) => p.outcome === 'pending')!;
    expect(
      (await refusedWith(h.executeUpdate(submitWeeklyReport, { args: [{ periodId: open.id, content: '旧负责人', actor: lead }] })))[0]!
        .field,
    ).toBe('actor');
    await h.executeUpdate(submitWeeklyReport, {
      args: [{ periodId: open.id, content: '新负责人提交', actor: { id: 'wang', role: 'pilotLead' } }],
    });
    await h.terminate('done');
  });
});

describe("Academic Affairs' reminders and deadline extensions", () => {
  it('reminds only when something is overdue, and only Academic Affairs; the reminder lists what is due', async () => {
    const h = await start('remind-1', 200);
    const none = await refusedWith(h.executeUpdate(remindNow, { args: [{ actor: aa }] }));
    expect(none[0]).toMatchObject({ ruleId: 'reminder.nothingOverdue' });
    const first = (await h.query(pilotStateQuery)).periods[0]!;
    await env.sleep(Date.parse(first.dueAt) - (await env.currentTimeMs()) + 3_600_000);
    // remindNow needs something overdue: wait until the workflow has handled the first due instant.
    await queryUntil(h, pilotStateQuery, (st) => st.periods[0]?.outcome === 'missed');
    const byLead = await refusedWith(h.executeUpdate(remindNow, { args: [{ actor: lead }] }));
    expect(byLead[0]!.field).toBe('actor.role');
    await h.executeUpdate(remindNow, { args: [{ actor: aa, note: '请本周内补交' }] });
    await env.sleep('1m');
    const sent = await eventually(
      () => (notices(h.workflowId, 'manualReminder').length > 0 ? notices(h.workflowId, 'manualReminder') : undefined),
      'the manual reminder',
    );
    expect(sent.map((n) => n.to.map((r) => r.role))).toEqual([['pilotLead', 'collegeLeader']]);
    expect(sent[0]!.paragraphs.map((p) => p.en)).toContain(`· weekly report for ${first.id} missed (Art. 5)`);
    expect(sent[0]!.paragraphs.map((p) => p.zh)).toContain('备注：请本周内补交');
    await h.terminate('done');
  });

  it('an extended provincial deadline and an extended week are not missed at their old due instants', async () => {
    const h = await start('extend-1', 200);
    const t = await today();
    await request(h, 'x1', 3);
    const state = await h.query(pilotStateQuery);
    const week = state.periods[0]!;
    const later = addDays(t, 20);
    const byLead = await refusedWith(
      h.executeUpdate(extendDeadline, {
        args: [{ target: { kind: 'provincialRequest', id: 'x1' }, newDueDate: later, reason: '节假日调整', actor: lead }],
      }),
    );
    expect(byLead[0]!.field).toBe('actor.role');
    const earlier = await refusedWith(
      h.executeUpdate(extendDeadline, {
        args: [{ target: { kind: 'provincialRequest', id: 'x1' }, newDueDate: t, reason: '提前', actor: aa }],
      }),
    );
    expect(earlier[0]).toMatchObject({ ruleId: 'deadline.notLater', field: 'newDueDate' });
    const r1 = await h.executeUpdate(extendDeadline, {
      args: [{ target: { kind: 'provincialRequest', id: 'x1' }, newDueDate: later, reason: '省厅通知延期', actor: aa }],
    });
    expect(r1.audit).toMatchObject({ action: 'deadline.extend', before: { dueAt: state.provincial[0]!.dueAt } });
    expect(
      (
        await refusedWith(
          h.executeUpdate(extendDeadline, {
            args: [
              { target: { kind: 'weeklyPeriod', id: week.id }, newDueDate: addDays(week.dueAt.slice(0, 10), 7), reason: '调休', actor: aa },
            ],
          }),
        )
      )[0]!.ruleId,
    ).toBe('deadline.pastNextWeek');
    await h.executeUpdate(extendDeadline, {
      args: [{ target: { kind: 'weeklyPeriod', id: week.id }, newDueDate: addDays(week.dueAt.slice(0, 10), 3), reason: '调休', actor: aa }],
    });
    await env.sleep(Date.parse(week.dueAt) - (await env.currentTimeMs()) + 3_600_000);
    let s = await h.query(pilotStateQuery);
    expect(s.periods[0]).toMatchObject({ id: week.id, outcome: 'pending' });
    expect(s.provincial[0]).toMatchObject({ outcome: 'pending' });
    expect(s.consecutiveMisses).toBe(0);
    // Past both new due instants (read from the state: a rest day moves them on).
    await sleepUntil(env, [s.provincial[0]!.dueAt, s.periods[0]!.dueAt].sort()[1]!);
    s = await queryUntil(h, pilotStateQuery, (st) => st.provincial[0]?.outcome === 'missed' && st.periods[0]?.outcome === 'missed');
    expect(s.provincial[0]!.outcome).toBe('missed');
    expect(s.periods[0]!.outcome).toBe('missed');
    expect(notices(h.workflowId, 'deadlineExtended')).toHaveLength(2);
    await h.terminate('done');
  });
});

describe('robustness (review findings)', () => {
  it('a mail the server refuses for good is recorded and audited; the pilot goes on', async () => {
    const h = await start('bounce-1', 60, {
      lead: { name: '张老师', email: 'bounce-lead@college.test', userId: 'zhang' },
      reportPolicy: { weekday: 5, time: '17:00', reminderLeadHours: 168 },
    });
    await env.sleep('1h');
    const state = await queryUntil(h, pilotStateQuery, (st) => st.audit.some((a) => a.action === 'email.failed'));
    expect(state.status).toBe('running');
    expect(state.emails[0]).toMatchObject({ kind: 'weeklyReminder', messageId: '', failed: expect.stringContaining('550') });
    expect(state.audit.map((a) => a.action)).toContain('email.failed');
    await h.terminate('done');
  });

  it('reports cannot be filed for weeks ahead: at most the coming week', async () => {
    const h = await start('ahead-1', 200);
    // Report each week as soon as it opens: within two weeks one starts more than seven days ahead and is refused.
    let refused: RuleResult[] | undefined;
    for (let i = 0; i < 3 && !refused; i++) {
      await env.sleep('1m');
      const open = (await h.query(pilotStateQuery)).periods.at(-1)!;
      const err = await h.executeUpdate(submitWeeklyReport, { args: [{ periodId: open.id, content: `第 ${i + 1} 份`, actor: lead }] }).then(
        () => undefined,
        (e: unknown) => e,
      );
      if (err) {
        refused = ((err as WorkflowUpdateFailedError).cause as ApplicationFailure).details?.[0] as RuleResult[];
        expect(Date.parse(`${open.monday}T00:00:00+08:00`) - (await env.currentTimeMs())).toBeGreaterThan(7 * 86_400_000);
      }
    }
    expect(refused?.[0]).toMatchObject({ ruleId: 'art5.weeklyReport.period', field: 'periodId' });
    expect(refused?.[0]?.message.zh).toContain('尚未开始');
    await h.terminate('done');
  });

  it('provincial misses count in due order: a later request submitted early does not reset an earlier miss', async () => {
    const h = await start('order-1', 400);
    await request(h, 'A', 20);
    await request(h, 'B', 30);
    await h.executeUpdate(submitProvincialMaterial, { args: [{ requestId: 'B', actor: lead }] });
    expect((await pastDue(h, 'A')).consecutiveProvincialMisses).toBe(1);
    // B was submitted on time: at its due instant the count resets.
    expect((await pastDue(h, 'B')).consecutiveProvincialMisses).toBe(0);
    // A late submission made before the loop reached the due instant still counts as the miss.
    await request(h, 'C', 2);
    await sleepUntil(env, (await h.query(pilotStateQuery)).provincial.find((r) => r.id === 'C')!.dueAt);
    await h.executeUpdate(submitProvincialMaterial, { args: [{ requestId: 'C', actor: lead }] });
    // Whether the loop handled C's due instant before or after the submission, it ends as one counted miss.
    const s = await queryUntil(h, pilotStateQuery, (st) => st.provincial.find((r) => r.id === 'C')?.counted === true);
    expect(s.provincial.find((r) => r.id === 'C')).toMatchObject({ outcome: 'late', counted: true });
    expect(s.consecutiveProvincialMisses).toBe(1);
    await h.terminate('done');
  });
});

describe('the pinned working-day calendar', () => {
  it('a pilot keeps the schedule it started with and takes a new one only through refreshCalendar', async () => {
    const t = await today();
    const pilot = pilotRecordSchema.parse(samplePilot({ id: 'calendar-1', startDate: t, endDate: addDays(t, 120) }));
    const first = firstWeeklyPeriod(pilot, new Date(await env.currentTimeMs()).toISOString(), calendarOf)!;
    const second = followingWeeklyPeriod(pilot, first, calendarOf)!;
    // A schedule in which the first week's Friday is a holiday (whatever the bundled data says).
    const pinned = { holidays: { [first.nominalDueDate]: '测试假日 test holiday' }, workdays: {}, coveredYears: [] };
    const h = await env.client.workflow.start(pilotWorkflow, {
      taskQueue,
      workflowId: pilotWorkflowId(pilot.id),
      args: [{ pilot, calendar: pinned }],
    });
    let s = await h.query(pilotStateQuery);
    expect(s.periods[0]).toMatchObject({ id: first.id, shifted: true });
    expect(s.periods[0]!.dueAt > first.dueAt).toBe(true);
    // Academic Affairs hands over a schedule where the second week's Friday is a holiday too.
    const refreshed = { holidays: { ...pinned.holidays, [second.nominalDueDate]: '新假日 new holiday' }, workdays: {}, coveredYears: [] };
    expect((await refusedWith(h.executeUpdate(refreshCalendar, { args: [{ calendar: refreshed, actor: lead }] })))[0]!.field).toBe(
      'actor.role',
    );
    const r = await h.executeUpdate(refreshCalendar, { args: [{ calendar: refreshed, actor: aa }] });
    expect(r.audit.action).toBe('calendar.refresh');
    await env.sleep(Date.parse(s.periods[0]!.dueAt) - (await env.currentTimeMs()) + 60_000);
    s = await queryUntil(h, pilotStateQuery, (st) => st.periods.length > 1);
    expect(s.periods[1]).toMatchObject({ id: second.id, shifted: true });
    await h.terminate('done');
  });

  it("pilotStartOptions pins the schedule of the pilot's years", () => {
    const pilot = pilotRecordSchema.parse(samplePilot({ id: 'pin-1', startDate: '2025-09-01', endDate: '2026-06-30' }));
    const cal = pilotStartOptions(pilot).args[0].calendar!;
    expect(cal.coveredYears).toEqual([2025, 2026]);
    expect(cal.holidays['2026-02-17']).toContain('春节');
    expect(cal.workdays['2026-02-14']).toBeDefined();
    expect(Object.keys(cal.holidays).every((d) => d >= '2025-01-01' && d <= '2027-12-31')).toBe(true);
  });
});
