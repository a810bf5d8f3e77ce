/**
 * submitWeeklyReport's validator (Art. 5): a wrong period, empty content, a foreign actor
 * and a duplicate are refused with a clear bilingual error naming the field, and leave no
 * event in history. On the dev server: it rejects updates in a speculative workflow task
 * that is dropped from history (the time-skipping test server records that task).
 */
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { addDays, shanghaiDate } from '../../domain/calendar';
import type { RuleResult } from '../../domain/errors';
import { pilotRecordSchema, pilotWorkflowId } from '../../domain/pilot';
import type { WeeklyReportInput } from '../../domain/weekly';
import { REFUSAL_FAILURE_TYPE, pilotStateQuery, submitWeeklyReport } from '../../workflows/messages';
import { pilotWorkflow } from '../../workflows/pilot';
import { connectDevServer, createTestWorker, recordingActivities } from '../helpers/temporal';
import { samplePilot } from '../../scripts/support/pilots';

let env: Awaited<ReturnType<typeof connectDevServer>>;
let worker: Worker;
let running: Promise<void>;
let handle: WorkflowHandle<typeof pilotWorkflow>;
let openPeriod: string;
const taskQueue = 'weekly-validation';
const lead = { id: 'zhang', role: 'pilotLead' as const };

beforeAll(async () => {
  env = await connectDevServer(inject('temporalAddress'));
  worker = await createTestWorker(env.nativeConnection, taskQueue, recordingActivities());
  running = worker.run();
  const today = shanghaiDate(Date.now());
  const pilot = pilotRecordSchema.parse(samplePilot({ id: `val-${Date.now()}`, startDate: today, endDate: addDays(today, 200) }));
  handle = await env.client.workflow.start(pilotWorkflow, { taskQueue, workflowId: pilotWorkflowId(pilot.id), args: [{ pilot }] });
  const state = await handle.query(pilotStateQuery);
  openPeriod = state.periods[0]!.id;
});

afterAll(async () => {
  await handle?.terminate('test done').catch(() => undefined);
  worker?.shutdown();
  await running;
  await env?.close();
});

async function historyEvents(): Promise<string[]> {
  const history = await handle.fetchHistory();
  return (history.events ?? []).map((e) => String(e.eventType));
}

async function refusal(input: unknown): Promise<RuleResult[]> {
  const before = await historyEvents();
  const err = await handle.executeUpdate(submitWeeklyReport, { args: [input as WeeklyReportInput] }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
  const cause = (err as WorkflowUpdateFailedError).cause;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  expect((cause as ApplicationFailure).type).toBe(REFUSAL_FAILURE_TYPE);
  // No trace in history: not one event added by the refused update.
  expect(await historyEvents()).toEqual(before);
  return (cause as ApplicationFailure).details?.[0] as RuleResult[];
}

describe('submitWeeklyReport validation (Art. 5)', () => {
  it('refuses a period that is not open, citing Art. 5 and naming periodId', async () => {
    const [r] = await refusal({ periodId: '2030-W01', content: '内容', actor: lead });
    expect(r).toMatchObject({ ruleId: 'art5.weeklyReport.period', article: { article: 5 }, field: 'periodId' });
    expect(r!.message.zh).toContain('2030-W01');
    expect(r!.message.zh).toContain(openPeriod);
    expect(r!.message.en).toContain('not open');
  });

  it('refuses a malformed period id', async () => {
    const [r] = await refusal({ periodId: 'week 5', content: '内容', actor: lead });
    expect(r).toMatchObject({ field: 'periodId', message: { zh: '周次格式应为 2026-W08', en: 'expected an ISO week such as 2026-W08' } });
  });

  it('refuses empty (and blank) content', async () => {
    for (const content of ['', '   \n ']) {
      const [r] = await refusal({ periodId: openPeriod, content, actor: lead });
      expect(r).toMatchObject({ field: 'content', message: { zh: '周报内容不能为空', en: 'the report must not be empty' } });
    }
  });

  it("refuses an actor who is not this pilot's lead or working group", async () => {
    const [r] = await refusal({
      periodId: openPeriod,
      content: '内容',
      actor: { id: 'li', role: 'collegeStaff', college: 'other-college' },
    });
    expect(r).toMatchObject({ ruleId: 'art5.weeklyReport.actor', article: { article: 5 }, field: 'actor' });
    const [missing] = await refusal({ periodId: openPeriod, content: '内容' });
    expect(missing!.field).toBe('actor');
  });

  it('accepts the report once, then refuses the duplicate', async () => {
    const ok = await handle.executeUpdate(submitWeeklyReport, { args: [{ periodId: openPeriod, content: '第一份周报', actor: lead }] });
    expect(ok.outcome).toBe('onTime');
    const [r] = await refusal({ periodId: openPeriod, content: '第二份', actor: { id: 'li', role: 'collegeStaff', college: 'forestry' } });
    expect(r).toMatchObject({ ruleId: 'art5.weeklyReport.duplicate', field: 'periodId' });
    const state = await handle.query(pilotStateQuery);
    expect(state.periods[0]).toMatchObject({ outcome: 'onTime', excerpt: '第一份周报' });
  });
});
