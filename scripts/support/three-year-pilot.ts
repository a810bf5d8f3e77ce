/**
 * A three-year pilot with every kind of event, on the time-skipping server: weekly reports
 * (Art. 5), provincial material requests and their material (Art. 19(1)), special-fund
 * income and expenses (Art. 11–14), an assessment and an inspection each year (Art. 16–18),
 * until completion (Art. 20). One scenario, two readers: the workflow test checks what the
 * pilot kept (test/workflows/pilot-lifecycle.test.ts), the benchmark times it and counts
 * the events of every run (scripts/bench.ts; issue 14's target: ≤ 20 s, every run under
 * 4,096 events).
 */
import type { WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { addDays, shanghaiDate } from '../../domain/calendar';
import { pilotRecordSchema } from '../../domain/pilot';
import {
  pilotStateQuery,
  recordAssessment,
  recordExpense,
  recordIncome,
  recordInspection,
  recordProvincialRequest,
  submitProvincialMaterial,
  submitWeeklyReport,
} from '../../workflows/messages';
import { pilotWorkflow } from '../../workflows/pilot';
import { pilotStartOptions } from '../../workflows/pilot-start';
import type { PilotOutcome, PilotState } from '../../workflows/pilot-state';
import { waitFor } from '../temporal-dev-server';
import { samplePilot } from './pilots';

export const THREE_YEAR_MONTHS = 36;
export const THREE_YEAR_APPROVED_TASK = 60;

export interface ThreeYearRun {
  handle: WorkflowHandleWithFirstExecutionRunId<typeof pilotWorkflow>;
  outcome: PilotOutcome;
  /** Weekly reports submitted (one every other month, while a period was open). */
  reports: number;
  /** Wall-clock seconds from the start to the outcome. */
  seconds: number;
}

/**
 * Runs the scenario to the pilot's completion. `checkpoint` is called once a simulated month
 * (the benchmark's deadline check).
 */
export async function runThreeYearPilot(
  env: TestWorkflowEnvironment,
  taskQueue: string,
  pilotId: string,
  checkpoint: () => void = () => undefined,
): Promise<ThreeYearRun> {
  const aa = { id: 'jwb', role: 'academicAffairs' as const };
  const lead = { id: 'zhang', role: 'pilotLead' as const };
  const began = performance.now();
  const today = async () => shanghaiDate(await env.currentTimeMs());
  const t0 = await today();
  const pilot = pilotRecordSchema.parse(
    samplePilot({
      id: pilotId,
      startDate: t0,
      endDate: addDays(t0, 3 * 365),
      schoolLeaderEmail: 'vp@college.test',
      approvedTask: THREE_YEAR_APPROVED_TASK,
    }),
  );
  const handle = await env.client.workflow.start(pilotWorkflow, { ...pilotStartOptions(pilot), taskQueue });

  /** The state once every due instant the server's clock has passed is handled. */
  async function settled(): Promise<PilotState> {
    const now = await env.currentTimeMs();
    const past = (dueAt: string) => Date.parse(dueAt) <= now;
    let state: PilotState | undefined;
    await waitFor(
      'the pilot to handle what is due',
      async () => {
        state = await handle.query(pilotStateQuery);
        return ![...state.periods, ...state.provincial].some((x) => x.outcome === 'pending' && past(x.dueAt));
      },
      30_000,
    );
    return state!;
  }

  let reports = 0;
  for (let month = 0; month < THREE_YEAR_MONTHS; month++) {
    checkpoint();
    const t = await today();
    const state = await settled();
    const open = state.periods.find((p) => p.outcome === 'pending');
    if (open && month % 2 === 0) {
      await handle.executeUpdate(submitWeeklyReport, { args: [{ periodId: open.id, content: `第 ${month} 月周报`, actor: lead }] });
      reports++;
    }
    if (month % 4 === 0) {
      const requestId = `req${month}`;
      await handle.executeUpdate(recordProvincialRequest, {
        args: [{ id: requestId, pilotId, title: `材料 ${requestId}`, requestedOn: t, dueDate: addDays(t, 10), recordedBy: aa }],
      });
      await handle.executeUpdate(submitProvincialMaterial, { args: [{ requestId, actor: lead }] });
    }
    await handle.executeUpdate(recordIncome, {
      args: [{ id: `in${month}`, pilotId, date: t, source: 'specialFundAllocation', payer: '省教育厅', amountFen: 10_000, actor: aa }],
    });
    await handle.executeUpdate(recordExpense, {
      args: [
        { id: `ex${month}`, pilotId, date: t, category: 'certificateAssessment', amountFen: 5_000, description: '考核费', actor: lead },
      ],
    });
    if (month % 12 === 6) {
      await handle.executeUpdate(recordAssessment, {
        args: [
          {
            session: {
              id: `s${month}`,
              pilotId,
              date: t,
              components: [{ form: 'written', weightBp: 10_000 }],
              publishedFeeFen: 20_000,
              candidates: 20,
              passed: 19,
            },
            actor: lead,
          },
        ],
      });
      await handle.executeUpdate(recordInspection, {
        args: [
          {
            id: `i${month}`,
            pilotId,
            inspectedOn: t,
            inspector: aa,
            progress: { result: 'satisfactory', notes: '正常' },
            funds: { result: 'satisfactory', notes: '到位' },
            problems: { result: 'satisfactory', notes: '无', measures: '继续' },
          },
        ],
      });
    }
    await env.sleep('30d');
  }
  const outcome = await handle.result();
  return { handle, outcome, reports, seconds: (performance.now() - began) / 1000 };
}
