/**
 * Records the event histories the replay test (test/replay/replay.test.ts) replays against
 * today's workflow code: `npm run record-histories`. Each scenario drives real workflows on
 * the time-skipping test server (years of timers in seconds) through the paths that matter
 * — reminders, misses, the escalation ladder, on-time and late reports, continue-as-new;
 * a round from the provincial call to a started pilot; the programme registry — and writes
 * every run of every workflow it started to test/replay/histories/<name>.json as
 * `{ workflowId, workflowType, runId, recordedAt, scenario, history }` (history in the
 * proto-JSON form other Temporal tools read).
 *
 * Re-record after a deliberate, versioned change (with `patched()`), never to make a replay
 * failure go away: a failing replay means running workflows would break.
 *
 *   npm run record-histories               all scenarios
 *   npm run record-histories -- pilot      only scenarios whose name contains "pilot"
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { addDays, createChinaCalendar, shanghaiDate } from '../domain/calendar';
import { pilotRecordSchema, pilotWorkflowId } from '../domain/pilot';
import { applicationWorkflowId, roundRecordSchema } from '../domain/round';
import { samplePilot } from './support/pilots';
import { aaActor, leader, sampleApplication, sampleRound, staff } from './support/rounds';
import { recordingActivities } from './support/recording-activities';
import { workflowBundlerOptions, workflowsPath } from '../worker/paths';
import { registerSearchAttributes } from '../worker/temporal';
import {
  confirmSubmission,
  createApplication,
  editApplication,
  pilotStateQuery,
  recordObjection,
  recordPassRecord,
  recordProvincialResult,
  recordPublicNotice,
  reviewApplication,
  roundStateQuery,
  signOffApplication,
  submitApplication,
  submitWeeklyReport,
  withdrawSubmission,
  approvalStateQuery,
  approvalWorkflowId,
  ccApproval,
  decideApproval,
  delegateApproval,
  recordApprovalFiling,
  recordReinspection,
  rectificationStateQuery,
  rectificationWorkflowId,
  resubmitApproval,
  cancelPilot,
  recordAssessment,
  recordExpense,
  recordIncome,
  recordInspection,
  recordProvincialRequest,
  recordViolation,
  submitForApproval,
  submitProvincialMaterial,
} from '../workflows/messages';
import { pilotWorkflow } from '../workflows/pilot';
import { approvalWorkflow } from '../workflows/approval';
import type { DecideApprovalInput } from '../workflows/approval-types';
import { rectificationWorkflow } from '../workflows/rectification';
import { inspectionSchema, rectificationFor } from '../domain/inspection';
import { currentRulesVersion, ruleTable } from '../domain/tables';
import { approvalInput, budgetPlan, changeRequest, childPilot, childRecipients, inspection, people } from './support/children';
import { programmeRegistryWorkflow, registryStartOptions } from '../workflows/registry';
import { roundStartOptions, roundWorkflow } from '../workflows/round';
import { projectRoot, temporalTestServerPath } from './binaries';
import { isMainModule } from '../client/main-module';

export const historiesDir = join(projectRoot, 'test', 'replay', 'histories');

export interface RecordedHistory {
  workflowId: string;
  workflowType: string;
  runId: string;
  recordedAt: string;
  scenario: string;
  /** Proto JSON, as `temporal workflow show --output json` writes it. */
  history: unknown;
}

interface Ctx {
  env: TestWorkflowEnvironment;
  client: Client;
  taskQueue: string;
  /** Marks a workflow whose every run is written once the scenario ends. */
  keep(handle: WorkflowHandle, name: string): void;
}

async function until<T>(what: string, probe: () => Promise<T | undefined | false>, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe().catch(() => undefined);
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function sleepUntil(env: TestWorkflowEnvironment, instant: string, plusMs = 60_000): Promise<void> {
  const ms = Date.parse(instant) + plusMs - (await env.currentTimeMs());
  if (ms > 0) await env.sleep(ms);
}

const lead = { id: 'zhang', role: 'pilotLead' as const };

/**
 * The pilot's weekly reports (Art. 5): three misses (the whole escalation ladder), an
 * on-time report that clears it, a miss answered late, a late report for the first week,
 * continue-as-new every ~60 events, and the pilot's end.
 */
async function pilotWeeklyReports(c: Ctx): Promise<void> {
  const now = await c.env.currentTimeMs();
  const today = shanghaiDate(now);
  const pilot = pilotRecordSchema.parse(samplePilot({ id: 'replay-weekly', startDate: today, endDate: addDays(today, 7 * 9) }));
  const handle = await c.client.workflow.start(pilotWorkflow, {
    taskQueue: c.taskQueue,
    workflowId: pilotWorkflowId(pilot.id),
    args: [{ pilot, continueAsNewAfterEvents: 60 }],
  });
  c.keep(handle, 'pilot');
  const state = () => handle.query(pilotStateQuery);
  const open = async (n: number) =>
    until(`period ${n}`, async () => {
      const s = await state();
      return s.periods.length === n && s.nextDue ? s.nextDue : undefined;
    });
  const plan = ['miss', 'miss', 'miss', 'onTime', 'lateAfterMiss', 'miss'] as const;
  let first = '';
  for (const [i, step] of plan.entries()) {
    const due = await open(i + 1);
    if (i === 0) first = due.periodId;
    if (step === 'onTime') {
      await sleepUntil(c.env, due.remindAt);
      await until('reminded', async () => (await state()).periods[i]?.reminded);
      await handle.executeUpdate(submitWeeklyReport, { args: [{ periodId: due.periodId, content: '本周完成考评员培训。', actor: lead }] });
      continue;
    }
    await sleepUntil(c.env, due.dueAt);
    if (step === 'lateAfterMiss') {
      await until('missed', async () => (await state()).periods[i]?.outcome === 'missed');
      await handle.executeUpdate(submitWeeklyReport, { args: [{ periodId: due.periodId, content: '补交本周周报', actor: lead }] });
    }
  }
  await handle.executeUpdate(submitWeeklyReport, {
    args: [{ periodId: first, content: '补交第一周周报', actor: { id: 'chen', role: 'collegeStaff', college: 'forestry' } }],
  });
  // The rest of the pilot passes unanswered; it ends after its last period.
  await c.env.sleep('70 days');
  const outcome = await handle.result();
  if (outcome.runs < 2) throw new Error(`expected continue-as-new, got ${outcome.runs} run(s)`);
}

/**
 * A round (Art. 5(2), 8, 9, 12) with its applications and the programme registry: a
 * return-for-revision loop, a withdrawal, a missed internal deadline, the consolidated list,
 * a provincial approval, a public notice with an objection, and the pilot it starts.
 */
async function roundToPilot(c: Ctx): Promise<void> {
  const calendar = createChinaCalendar();
  const registry = await c.client.workflow.start(programmeRegistryWorkflow, { ...registryStartOptions(), taskQueue: c.taskQueue });
  c.keep(registry, 'registry');
  await registry.executeUpdate(recordPassRecord, {
    args: [
      {
        record: {
          year: 2026,
          collegeId: 'ecology',
          major: { code: '420101', name: '环境监测技术' },
          certificate: { name: '环境监测', evaluationOrg: '某培训评价组织' },
          candidates: 40,
          passed: 35,
        },
        note: '手工录入',
        actor: aaActor,
      },
    ],
  });

  const today = shanghaiDate(await c.env.currentTimeMs());
  const internalDeadline = calendar.addWorkingDays(today, 5);
  const round = roundRecordSchema.parse(
    sampleRound({ id: 'replay-round', internalDeadline, provincialDeadline: calendar.addWorkingDays(internalDeadline, 10) }),
  );
  const handle = await c.client.workflow.start(roundWorkflow, { ...roundStartOptions(round, aaActor), taskQueue: c.taskQueue });
  c.keep(handle, 'round');
  const app = (id: string) => c.client.workflow.getHandle(applicationWorkflowId(round.id, id));
  const create = (a: ReturnType<typeof sampleApplication>, actor = staff(a.college.id)) =>
    handle.executeUpdate(createApplication, { args: [{ application: a, actor }] });

  await create(sampleApplication({ id: 'F1' }));
  await create(
    sampleApplication({
      id: 'I2',
      collegeId: 'it',
      major: { code: '510203', name: '软件技术' },
      certificate: { name: '云计算平台运维', evaluationOrg: '某科技公司', level: 'advanced' },
    }),
    leader('it'),
  );
  await create(sampleApplication({ id: 'E2', collegeId: 'ecology', major: { code: '420102', name: '环境工程技术' } }));
  for (const id of ['F1', 'I2', 'E2']) c.keep(app(id), `application-${id}`);

  await app('F1').executeUpdate(submitApplication, { args: [{ actor: staff('forestry') }] });
  await app('F1').executeUpdate(signOffApplication, { args: [{ outcome: 'approve', declareAuthentic: true, actor: leader('forestry') }] });
  await app('F1').executeUpdate(reviewApplication, {
    args: [{ outcome: 'return', returnTo: 'draft', comment: '考证人数请按两个年级合计填写', actor: aaActor }],
  });
  await app('F1').executeUpdate(editApplication, { args: [{ changes: { plannedExaminees: 45 }, actor: staff('forestry') }] });
  await app('F1').executeUpdate(submitApplication, { args: [{ actor: staff('forestry') }] });
  await app('F1').executeUpdate(reviewApplication, { args: [{ outcome: 'approve', actor: aaActor }] });

  const lead2 = { id: 'lead.I2', role: 'pilotLead' as const };
  await app('I2').executeUpdate(submitApplication, { args: [{ actor: lead2 }] });
  await app('I2').executeUpdate(withdrawSubmission, { args: [{ actor: lead2, reason: '补充课程材料' }] });

  // E2 is never submitted: the internal deadline reminds, then escalates.
  const s = await handle.query(roundStateQuery);
  await sleepUntil(c.env, s.internalDeadlineAt);
  await until('consolidation', async () => (await handle.query(roundStateQuery)).stage === 'consolidation');
  await handle.executeUpdate(confirmSubmission, { args: [{ applicationIds: ['F1'], actor: aaActor }] });
  await handle.executeUpdate(recordProvincialResult, { args: [{ applicationId: 'F1', outcome: 'approved', actor: aaActor }] });
  let start = calendar.addWorkingDays(shanghaiDate(await c.env.currentTimeMs()), 1);
  while (!calendar.isWorkingDay(start)) start = addDays(start, 1);
  const notice = await handle.executeUpdate(recordPublicNotice, { args: [{ startDate: start, actor: aaActor }] });
  await handle.executeUpdate(recordObjection, {
    args: [{ applicationId: 'F1', content: '有教师反映考证人数统计有误，经核实无误', actor: aaActor }],
  });
  await sleepUntil(c.env, notice.endsAt);
  const outcome = await handle.result();
  for (const pilotId of outcome.pilots) {
    const pilot = c.client.workflow.getHandle(pilotWorkflowId(pilotId));
    await until('the pilot started by the round', async () => (await pilot.query(pilotStateQuery)).periods.length > 0);
    c.keep(pilot, 'pilot-from-round');
  }
}

/**
 * The pilot's child workflows, started standalone (their parent id names no workflow, so
 * the conclusion signal is recorded as failed): a budget approval (Art. 13) with CC, a
 * delegated decision, a return to an earlier step and to the submitter, a resubmission and
 * the approval; a change request (Art. 7) through its filing; a rectification (Art. 18)
 * reminded, overdue, re-inspected failing, then passing.
 */
async function approvalAndRectification(c: Ctx): Promise<void> {
  const now = new Date(await c.env.currentTimeMs()).toISOString();
  const parentId = pilotWorkflowId('replay-children');
  const budget = await c.client.workflow.start(approvalWorkflow, {
    taskQueue: c.taskQueue,
    workflowId: approvalWorkflowId(parentId, 'budget', 1),
    args: [approvalInput('budget', 'replay-children', parentId, budgetPlan('replay-children'), now)],
  });
  c.keep(budget, 'budget');
  const decide = (h: typeof budget, input: DecideApprovalInput) => h.executeUpdate(decideApproval, { args: [input] });
  await budget.executeUpdate(ccApproval, { args: [{ people: [{ email: 'finance@college.test' }], actor: people.lead }] });
  const state = await budget.query(approvalStateQuery);
  await sleepUntil(c.env, state.currentStep!.dueAt);
  await until('escalated', async () => (await budget.query(approvalStateQuery)).currentStep?.escalated);
  const until3Days = new Date((await c.env.currentTimeMs()) + 3 * 86_400_000).toISOString();
  await budget.executeUpdate(delegateApproval, {
    args: [{ stepId: 'college', delegate: { userId: 'sec.zhou', email: 'zhou@college.test' }, validUntil: until3Days, actor: people.dean }],
  });
  await decide(budget, { stepId: 'college', outcome: 'approve', actor: { id: 'sec.zhou', role: 'collegeStaff', college: 'forestry' } });
  await decide(budget, { stepId: 'academicAffairs', outcome: 'approve', actor: people.jwb });
  await decide(budget, { stepId: 'schoolLeader', outcome: 'return', returnTo: 'academicAffairs', comment: '请复核', actor: people.vp });
  await decide(budget, { stepId: 'academicAffairs', outcome: 'approve', actor: people.jwb });
  await decide(budget, { stepId: 'schoolLeader', outcome: 'return', comment: '请补充', actor: people.vp });
  await budget.executeUpdate(resubmitApproval, {
    args: [{ subject: budgetPlan('replay-children', { rationale: '已补充' }), actor: people.lead }],
  });
  await decide(budget, { stepId: 'schoolLeader', outcome: 'approve', actor: people.vp });
  await budget.result();

  const change = await c.client.workflow.start(approvalWorkflow, {
    taskQueue: c.taskQueue,
    workflowId: approvalWorkflowId(parentId, 'changeRequest', 1),
    args: [approvalInput('changeRequest', 'replay-children', parentId, changeRequest('replay-children', now), now)],
  });
  c.keep(change, 'change');
  await decide(change, { stepId: 'college', outcome: 'approve', actor: people.dean });
  await decide(change, { stepId: 'academicAffairs', outcome: 'approve', actor: people.jwb });
  await change.executeUpdate(recordApprovalFiling, {
    args: [{ filedOn: shanghaiDate(await c.env.currentTimeMs()), reference: '备 12 号', actor: people.jwb }],
  });
  await change.result();

  const calendar = createChinaCalendar();
  const today = shanghaiDate(await c.env.currentTimeMs());
  const failed = inspectionSchema.parse(inspection('replay-children', { inspectedOn: today }));
  const deadline = rectificationFor(failed, ruleTable(currentRulesVersion), calendar)!;
  const rect = await c.client.workflow.start(rectificationWorkflow, {
    taskQueue: c.taskQueue,
    workflowId: rectificationWorkflowId(parentId, failed.id),
    args: [
      {
        rectificationId: 'R-1',
        parentWorkflowId: parentId,
        pilot: childPilot('replay-children'),
        recipients: childRecipients,
        inspection: failed,
        deadline,
        rulesVersion: currentRulesVersion,
      },
    ],
  });
  c.keep(rect, 'rectification');
  await sleepUntil(c.env, deadline.dueAt);
  await until('overdue', async () => (await rect.query(rectificationStateQuery)).status === 'overdue');
  const reDay = shanghaiDate(await c.env.currentTimeMs());
  await rect.executeUpdate(recordReinspection, {
    args: [inspection('replay-children', { id: 'I-1-R1', inspectedOn: reDay, reinspectionOf: 'I-1' })],
  });
  await rect.executeUpdate(recordReinspection, {
    args: [
      inspection('replay-children', {
        id: 'I-1-R2',
        inspectedOn: reDay,
        reinspectionOf: 'I-1',
        funds: { result: 'satisfactory', notes: '已建立专账' },
      }),
    ],
  });
  await rect.result();
}

/**
 * The pilot's implementation lifecycle (Art. 11–19): a provincial request submitted and one
 * missed, ledger income and expense, an assessment with a fee-cap waiver, a failed
 * inspection (its rectification child), a budget approval child, a violation, and
 * cancellation closing both children.
 */
async function pilotLifecycle(c: Ctx): Promise<void> {
  const today = shanghaiDate(await c.env.currentTimeMs());
  const pilotId = 'replay-lifecycle';
  const pilot = pilotRecordSchema.parse(
    samplePilot({ id: pilotId, startDate: today, endDate: addDays(today, 300), schoolLeaderEmail: 'vp@college.test', approvedTask: 40 }),
  );
  const handle = await c.client.workflow.start(pilotWorkflow, {
    taskQueue: c.taskQueue,
    workflowId: pilotWorkflowId(pilot.id),
    args: [{ pilot }],
  });
  c.keep(handle, 'pilot');
  const aa = { id: 'jwb', role: 'academicAffairs' as const };
  await handle.executeUpdate(recordProvincialRequest, {
    args: [{ id: 'P1', pilotId, title: '年度总结', requestedOn: today, dueDate: addDays(today, 10), recordedBy: aa }],
  });
  await handle.executeUpdate(submitProvincialMaterial, { args: [{ requestId: 'P1', actor: lead }] });
  await handle.executeUpdate(recordProvincialRequest, {
    args: [{ id: 'P2', pilotId, title: '中期材料', requestedOn: today, dueDate: addDays(today, 10), recordedBy: aa }],
  });
  await handle.executeUpdate(recordIncome, {
    args: [{ id: 'IN1', pilotId, date: today, source: 'examServiceFee', payer: '评价组织', amountFen: 500_000, actor: lead }],
  });
  await handle.executeUpdate(recordExpense, {
    args: [{ id: 'EX1', pilotId, date: today, category: 'teacherTraining', amountFen: 100_000, description: '培训', actor: lead }],
  });
  await handle.executeUpdate(recordAssessment, {
    args: [
      {
        session: {
          id: 'S1',
          pilotId,
          date: today,
          components: [{ form: 'written', weightBp: 10_000 }],
          publishedFeeFen: 20_100,
          candidates: 40,
          passed: 35,
        },
        actor: aa,
        feeCapWaiverReason: '评价组织公告收费',
      },
    ],
  });
  const ok = { result: 'satisfactory' as const, notes: '正常' };
  await handle.executeUpdate(recordInspection, {
    args: [
      {
        id: 'K1',
        pilotId,
        inspectedOn: today,
        inspector: aa,
        progress: ok,
        funds: { result: 'unsatisfactory', notes: '未到位' },
        problems: { ...ok, measures: '整改' },
      },
    ],
  });
  await handle.executeUpdate(submitForApproval, {
    args: [
      {
        kind: 'budget',
        subject: {
          id: 'B1',
          pilotId,
          year: 2027,
          rationale: '培训',
          lines: [{ category: 'teacherTraining', description: '培训', amountFen: 100_000 }],
          funding: [{ source: 'specialFund', amountFen: 100_000 }],
        },
        actor: lead,
      },
    ],
  });
  await c.env.sleep('12 days'); // P2 is missed; the rectification is reminded
  await handle.executeUpdate(recordViolation, {
    args: [{ id: 'V1', pilotId, ground: 'laxManagement', description: '考核管理不严', occurredOn: today, recordedBy: aa }],
  });
  await handle.executeUpdate(cancelPilot, { args: [{ actor: aa, reason: '考核管理不严' }] });
  await handle.result();
  const state = await handle.query(pilotStateQuery);
  for (const child of [...state.approvals.map((a) => a.workflowId), ...state.rectifications.map((r) => r.workflowId)]) {
    const h = c.client.workflow.getHandle(child);
    await h.result();
    c.keep(h, child.includes('/budget/') ? 'budget' : 'rectification');
  }
}

export const scenarios: Record<string, (c: Ctx) => Promise<void>> = {
  'pilot-weekly-reports': pilotWeeklyReports,
  'pilot-lifecycle': pilotLifecycle,
  'round-to-pilot': roundToPilot,
  'approval-and-rectification': approvalAndRectification,
};

/** Every run of a workflow, oldest first, following continue-as-new. */
export async function runsOf(
  client: Client,
  workflowId: string,
  firstRunId: string,
): Promise<{ runId: string; type: string; history: Awaited<ReturnType<WorkflowHandle['fetchHistory']>> }[]> {
  type History = Awaited<ReturnType<WorkflowHandle['fetchHistory']>>;
  const out: { runId: string; type: string; history: History }[] = [];
  for (let runId: string | undefined = firstRunId; runId;) {
    const history: History = await client.workflow.getHandle(workflowId, runId).fetchHistory();
    const events = history.events ?? [];
    out.push({ runId, type: events[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name ?? 'unknown', history });
    runId = events[events.length - 1]?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
  }
  return out;
}

/** The time-skipping test server from the project's binary, with onex's search attributes. */
export async function startTimeSkipping(): Promise<TestWorkflowEnvironment> {
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: temporalTestServerPath() } },
  });
  await registerSearchAttributes(env.connection.operatorService, env.namespace ?? 'default');
  return env;
}

export async function recordHistories(filter?: string): Promise<string[]> {
  const env = await startTimeSkipping();
  const written: string[] = [];
  try {
    const taskQueue = 'record-histories';
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowsPath,
      bundlerOptions: workflowBundlerOptions,
      activities: recordingActivities(),
    });
    await worker.runUntil(async () => {
      mkdirSync(historiesDir, { recursive: true });
      for (const [scenario, run] of Object.entries(scenarios)) {
        if (filter && !scenario.includes(filter)) continue;
        const kept: { handle: WorkflowHandle; name: string }[] = [];
        console.log(`[record-histories] ${scenario}`);
        await run({ env, client: env.client, taskQueue, keep: (handle, name) => kept.push({ handle, name }) });
        for (const file of readdirSync(historiesDir)) if (file.startsWith(`${scenario}--`)) rmSync(join(historiesDir, file));
        for (const { handle, name } of kept) {
          const described = await handle.describe();
          const first = described.raw.workflowExecutionInfo?.firstRunId || described.runId;
          const runs = await runsOf(env.client, handle.workflowId, first);
          for (const [i, r] of runs.entries()) {
            const file = `${scenario}--${name}${runs.length > 1 ? `--run${i + 1}` : ''}.json`;
            const doc: RecordedHistory = {
              workflowId: handle.workflowId,
              workflowType: r.type,
              runId: r.runId,
              recordedAt: new Date().toISOString(),
              scenario,
              history: JSON.parse(historyToJSON(r.history)),
            };
            writeFileSync(join(historiesDir, file), `${JSON.stringify(doc, null, 1)}\n`);
            written.push(file);
            console.log(`[record-histories]   ${file}: ${r.type}, ${r.history.events?.length ?? 0} events`);
          }
        }
      }
    });
  } finally {
    await env.teardown();
  }
  return written;
}

if (isMainModule(import.meta.url)) {
  recordHistories(process.argv[2]).then(
    (files) => {
      console.log(`[record-histories] ${files.length} histories in ${historiesDir}`);
      process.exit(0);
    },
    (err: unknown) => {
      console.error('[record-histories] failed:', err);
      process.exit(1);
    },
  );
}
