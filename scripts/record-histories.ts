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
import { inspectionSchema, rectificationFor } from '../domain/inspection';
import { pilotRecordSchema, pilotWorkflowId } from '../domain/pilot';
import { applicationWorkflowId, roundRecordSchema } from '../domain/round';
import { approvalInput, budgetPlan, changeRequest, childPilot, childRecipients, childWorkflowsPath, inspection, people } from '../test/helpers/children';
import { samplePilot } from '../test/helpers/pilots';
import { aaActor, leader, sampleApplication, sampleRound, staff } from '../test/helpers/rounds';
import { recordingActivities } from '../test/helpers/temporal';
import { workflowsPath } from '../worker/paths';
import { registerSearchAttributes } from '../worker/temporal';
import { signalRecorderWorkflow, stopRecorder } from '../test/workflows/fixtures/parent';
import { currentRulesVersion, ruleTable } from '../domain/tables';
import {
  approvalStateQuery,
  approvalWorkflowId,
  rectificationWorkflowId,
  ccApproval,
  confirmSubmission,
  decideApproval,
  delegateApproval,
  rectificationStateQuery,
  recordApprovalFiling,
  recordReinspection,
  resubmitApproval,
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
} from '../workflows/messages';
import { pilotWorkflow } from '../workflows/pilot';
import { programmeRegistryWorkflow, registryStartOptions } from '../workflows/registry';
import { roundStartOptions, roundWorkflow } from '../workflows/round';
import { projectRoot, temporalTestServerPath } from './binaries';
import { isMainModule } from './main-module';

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
  const open = async (n: number) => until(`period ${n}`, async () => {
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
  await handle.executeUpdate(submitWeeklyReport, { args: [{ periodId: first, content: '补交第一周周报', actor: { id: 'chen', role: 'collegeStaff', college: 'forestry' } }] });
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
    args: [{ record: { year: 2026, collegeId: 'ecology', major: { code: '420101', name: '环境监测技术' }, certificate: { name: '环境监测', evaluationOrg: '某培训评价组织' }, candidates: 40, passed: 35 }, note: '手工录入', actor: aaActor }],
  });

  const today = shanghaiDate(await c.env.currentTimeMs());
  const internalDeadline = calendar.addWorkingDays(today, 5);
  const round = roundRecordSchema.parse(sampleRound({ id: 'replay-round', internalDeadline, provincialDeadline: calendar.addWorkingDays(internalDeadline, 10) }));
  const handle = await c.client.workflow.start(roundWorkflow, { ...roundStartOptions(round, aaActor), taskQueue: c.taskQueue });
  c.keep(handle, 'round');
  const app = (id: string) => c.client.workflow.getHandle(applicationWorkflowId(round.id, id));
  const create = (a: ReturnType<typeof sampleApplication>, actor = staff(a.college.id)) => handle.executeUpdate(createApplication, { args: [{ application: a, actor }] });

  await create(sampleApplication({ id: 'F1' }));
  await create(sampleApplication({ id: 'I2', collegeId: 'it', major: { code: '510203', name: '软件技术' }, certificate: { name: '云计算平台运维', evaluationOrg: '某科技公司', level: 'advanced' } }), leader('it'));
  await create(sampleApplication({ id: 'E2', collegeId: 'ecology', major: { code: '420102', name: '环境工程技术' } }));
  for (const id of ['F1', 'I2', 'E2']) c.keep(app(id), `application-${id}`);

  await app('F1').executeUpdate(submitApplication, { args: [{ actor: staff('forestry') }] });
  await app('F1').executeUpdate(signOffApplication, { args: [{ outcome: 'approve', declareAuthentic: true, actor: leader('forestry') }] });
  await app('F1').executeUpdate(reviewApplication, { args: [{ outcome: 'return', returnTo: 'draft', comment: '考证人数请按两个年级合计填写', actor: aaActor }] });
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
  await handle.executeUpdate(recordObjection, { args: [{ applicationId: 'F1', content: '有教师反映考证人数统计有误，经核实无误', actor: aaActor }] });
  await sleepUntil(c.env, notice.endsAt);
  const outcome = await handle.result();
  for (const pilotId of outcome.pilots) {
    const pilot = c.client.workflow.getHandle(pilotWorkflowId(pilotId));
    await until('the pilot started by the round', async () => (await pilot.query(pilotStateQuery)).periods.length > 0);
    c.keep(pilot, 'pilot-from-round');
  }
}

/**
 * The pilot's child workflows (Art. 6(4), 7, 13, 18), started the way a pilot starts them
 * by the test-only parent of test/workflows/fixtures (whose own history is not kept: it is
 * no production workflow): a budget approval that is reminded, escalated, returned twice,
 * resubmitted, delegated, copied and approved; a change request approved once filed; a
 * rectification that is reminded, overdue, re-inspected (failed) and closed.
 */
async function pilotChildren(c: Ctx): Promise<void> {
  const worker = await Worker.create({ connection: c.env.nativeConnection, taskQueue: 'record-children', workflowsPath: childWorkflowsPath, activities: recordingActivities() });
  await worker.runUntil(async () => {
    const now = () => c.env.currentTimeMs();
    const startParent = (pilotId: string, args: Parameters<typeof signalRecorderWorkflow>[0]) =>
      c.client.workflow.start(signalRecorderWorkflow, { taskQueue: 'record-children', workflowId: pilotWorkflowId(pilotId), args: [args], workflowExecutionTimeout: '3650 days' });
    const child = async (id: string, query: typeof approvalStateQuery | typeof rectificationStateQuery) => {
      const h = c.client.workflow.getHandle(id);
      await until(`child ${id}`, async () => (await h.query(query as never)) !== undefined);
      return h;
    };

    // A budget approval (Art. 13).
    const budgetParent = pilotWorkflowId('replay-budget');
    const budgetId = approvalWorkflowId(budgetParent, 'budget', 1);
    const budgetStart = new Date(await now()).toISOString();
    const p1 = await startParent('replay-budget', { approval: { workflowId: budgetId, input: approvalInput('budget', 'replay-budget', budgetParent, budgetPlan('replay-budget') as never, budgetStart) } });
    const budget = await child(budgetId, approvalStateQuery);
    c.keep(budget, 'approval-budget');
    await budget.executeUpdate(ccApproval, { args: [{ people: [{ email: 'finance@college.test', name: '财务处' }], actor: people.lead }] });
    const step = (await budget.query(approvalStateQuery)).currentStep!;
    await sleepUntil(c.env, step.dueAt); // reminded, then escalated
    const until3 = new Date((await now()) + 3 * 86_400_000).toISOString();
    await budget.executeUpdate(delegateApproval, { args: [{ stepId: 'college', delegate: { userId: 'sec.zhou', email: 'zhou@college.test', name: '周秘书' }, validUntil: until3, actor: people.dean }] });
    await budget.executeUpdate(decideApproval, { args: [{ stepId: 'college', outcome: 'approve', comment: '代为审核通过', actor: { id: 'sec.zhou', role: 'collegeStaff', college: 'forestry' } }] });
    await budget.executeUpdate(decideApproval, { args: [{ stepId: 'academicAffairs', outcome: 'approve', actor: people.jwb }] });
    await budget.executeUpdate(decideApproval, { args: [{ stepId: 'schoolLeader', outcome: 'return', returnTo: 'academicAffairs', comment: '请复核考核费测算', actor: people.vp }] });
    await budget.executeUpdate(decideApproval, { args: [{ stepId: 'academicAffairs', outcome: 'approve', comment: '已复核', actor: people.jwb }] });
    await budget.executeUpdate(decideApproval, { args: [{ stepId: 'schoolLeader', outcome: 'return', comment: '请补充经费筹措依据', actor: people.vp }] });
    await budget.executeUpdate(resubmitApproval, { args: [{ subject: budgetPlan('replay-budget', { rationale: '补充：专项资金已列入学校年度预算' }), note: '已补充', actor: people.lead }] });
    await budget.executeUpdate(decideApproval, { args: [{ stepId: 'schoolLeader', outcome: 'approve', comment: '同意', actor: people.vp }] });
    await budget.result();
    await p1.signal(stopRecorder);

    // A change request (Art. 7): approved once the provincial filing is recorded.
    const changeParent = pilotWorkflowId('replay-change');
    const changeId = approvalWorkflowId(changeParent, 'changeRequest', 1);
    const changeStart = new Date(await now()).toISOString();
    const p2 = await startParent('replay-change', { approval: { workflowId: changeId, input: approvalInput('changeRequest', 'replay-change', changeParent, changeRequest('replay-change', changeStart) as never, changeStart) } });
    const change = await child(changeId, approvalStateQuery);
    c.keep(change, 'approval-change-request');
    await change.executeUpdate(decideApproval, { args: [{ stepId: 'college', outcome: 'approve', actor: people.dean }] });
    await change.executeUpdate(decideApproval, { args: [{ stepId: 'academicAffairs', outcome: 'approve', actor: people.jwb }] });
    await change.executeUpdate(recordApprovalFiling, { args: [{ filedOn: shanghaiDate(await now()), reference: '粤教职函〔2027〕备 12 号', actor: people.jwb }] });
    await change.result();
    await p2.signal(stopRecorder);

    // A rectification (Art. 18).
    const rectParent = pilotWorkflowId('replay-rect');
    const rectId = rectificationWorkflowId(rectParent, 'I-1');
    const today = shanghaiDate(await now());
    const failed = inspectionSchema.parse(inspection('replay-rect', { inspectedOn: today }));
    const deadline = rectificationFor(failed, ruleTable(currentRulesVersion), createChinaCalendar())!;
    const p3 = await startParent('replay-rect', { rectification: { workflowId: rectId, input: { rectificationId: 'R-1', parentWorkflowId: rectParent, pilot: childPilot('replay-rect'), recipients: childRecipients, inspection: failed, deadline, rulesVersion: currentRulesVersion } } });
    const rect = await child(rectId, rectificationStateQuery);
    c.keep(rect, 'rectification');
    await sleepUntil(c.env, deadline.dueAt); // reminded, then overdue
    const reDay = shanghaiDate(await now());
    await rect.executeUpdate(recordReinspection, { args: [inspection('replay-rect', { id: 'I-1-R1', inspectedOn: reDay, reinspectionOf: 'I-1' })] });
    await rect.executeUpdate(recordReinspection, { args: [inspection('replay-rect', { id: 'I-1-R2', inspectedOn: reDay, reinspectionOf: 'I-1', funds: { result: 'satisfactory', notes: '已建立专账' } })] });
    await rect.result();
    await p3.signal(stopRecorder);
  });
}

export const scenarios: Record<string, (c: Ctx) => Promise<void>> = {
  'pilot-weekly-reports': pilotWeeklyReports,
  'round-to-pilot': roundToPilot,
  'pilot-children': pilotChildren,
};

/** Every run of a workflow, oldest first, following continue-as-new. */
export async function runsOf(client: Client, workflowId: string, firstRunId: string): Promise<{ runId: string; type: string; history: Awaited<ReturnType<WorkflowHandle['fetchHistory']>> }[]> {
  type History = Awaited<ReturnType<WorkflowHandle['fetchHistory']>>;
  const out: { runId: string; type: string; history: History }[] = [];
  for (let runId: string | undefined = firstRunId; runId; ) {
    const history: History = await client.workflow.getHandle(workflowId, runId).fetchHistory();
    const events = history.events ?? [];
    out.push({ runId, type: events[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name ?? 'unknown', history });
    runId = events[events.length - 1]?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
  }
  return out;
}

/** The time-skipping test server from the project's binary, with onex's search attributes. */
export async function startTimeSkipping(): Promise<TestWorkflowEnvironment> {
  const env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: temporalTestServerPath() } } });
  await registerSearchAttributes(env.connection.operatorService, env.namespace ?? 'default');
  return env;
}

export async function recordHistories(filter?: string): Promise<string[]> {
  const env = await startTimeSkipping();
  const written: string[] = [];
  try {
    const taskQueue = 'record-histories';
    const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowsPath, activities: recordingActivities() });
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
            const doc: RecordedHistory = { workflowId: handle.workflowId, workflowType: r.type, runId: r.runId, recordedAt: new Date().toISOString(), scenario, history: JSON.parse(historyToJSON(r.history)) };
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
