/**
 * The pilot workflow (试点实施): one per approved pilot, for its whole implementation
 * (typically one to three years, Art. 9(4)) until completion (Art. 20) or cancellation
 * (Art. 19). This file is its spine: the run loop, continue-as-new, the state query and the
 * outbox drain. What the regulation asks of a pilot lives in one module per obligation, each
 * with its Update/Signal handlers, what falls due, when to wake and what it is waiting on:
 *
 *   weekly.ts          weekly work reports (Art. 5)
 *   provincial.ts      provincial material requests (Art. 19(1))
 *   ledger.ts          the special-fund ledger (Art. 11–14)
 *   assessments.ts     assessments, fee caps, pass rates (Art. 12, 16, 17)
 *   inspections.ts     periodic and ad-hoc inspections (Art. 18)
 *   approvals.ts       plans, change requests and budgets for approval (Art. 6, 7, 13)
 *   rectifications.ts  rectification after a failed inspection (Art. 18)
 *   deadlines.ts       reminders, deadline extensions, the working-day schedule (Art. 4)
 *   closure.ts         violations, cancellation and completion (Art. 19, 20)
 *
 * Every obligation is data with an absolute due instant; the loop wakes for the earliest.
 * Human actions are Updates whose validators refuse bad input before anything is written;
 * side effects (e-mail, child workflows, registry reports) go through one outbox drained by
 * the loop, in order.
 *
 * Deterministic: time comes from Temporal (Date.now() inside a workflow is workflow time),
 * deadlines from the pure calendar in domain/, e-mail through an activity. History stays
 * bounded: continue-as-new between wake-ups, once every handler has finished and the
 * outbox is empty, carrying the whole state with absolute dates.
 */
import {
  ActivityFailure,
  ParentClosePolicy,
  allHandlersFinished,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  patched,
  proxyActivities,
  setHandler,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import type { OnexActivities } from '../../activities/types';
import { createChinaCalendar, type WorkingCalendar } from '../../domain/calendar';
import type { Bilingual } from '../../domain/errors';
import { emptyLedger } from '../../domain/funds';
import { notificationActivityOptions } from '../../domain/notifications';
import type { PilotRecord } from '../../domain/pilot';
import { approvalWorkflow } from '../approval';
import { pilotAuditQuery, pilotStateQuery } from '../messages';
import { refusal, sendNotification } from '../outbox';
import type { EmailRecord, PeriodRecord, PilotCarriedState, PilotOutcome, PilotState, PilotWorkflowInput } from '../pilot-state';
import { rectificationWorkflow } from '../rectification';
import { approvals } from './approvals';
import { assessments } from './assessments';
import { closedText, closure } from './closure';
import { createContext, nowIso, type Obligation } from './context';
import { deadlines } from './deadlines';
import { inspectionSchedule, inspections } from './inspections';
import { ledger } from './ledger';
import { provincial } from './provincial';
import { rectifications } from './rectifications';
import { weekly } from './weekly';

// A registry that is down must delay a pass record, never lose it: retry without limit.
const { reportPassRecord } = proxyActivities<OnexActivities>(notificationActivityOptions);

const DEFAULT_CONTINUE_AS_NEW_AFTER_EVENTS = 2_000;

/**
 * The obligations, in the order their handlers are registered (buffered messages are
 * delivered in that order), things fall due and the state query lists what is awaited.
 */
const obligations: Obligation[] = [weekly, provincial, ledger, assessments, inspections, approvals, rectifications, deadlines, closure];

/**
 * A fresh pilot's state. `startedAt` is the instant from which obligations count (weeks
 * already due then are not held against the pilot): the workflow's start, or — for a pilot
 * taken over from before onex — the instant the college's records stop.
 */
export function initialPilotState(
  pilot: PilotRecord,
  startedAt: string,
  calendar: WorkingCalendar = createChinaCalendar(),
): PilotCarriedState {
  return {
    current: pilot,
    periods: [],
    consecutiveMisses: 0,
    escalated: false,
    provincial: [],
    consecutiveProvincialMisses: 0,
    ledger: emptyLedger(pilot.id),
    assessments: [],
    passYears: [],
    inspections: [],
    schedule: inspectionSchedule(pilot, startedAt, calendar),
    rectifications: [],
    approvals: [],
    violations: [],
    waivers: [],
    cancellationRisk: { flagged: false, reasons: [] },
    status: 'running',
    audit: [],
    emails: [],
    calendarWarnings: [],
    startedAt,
    runIndex: 1,
  };
}

export async function pilotWorkflow(input: PilotWorkflowInput): Promise<PilotOutcome> {
  const ctx = createContext(input, (calendar) => initialPilotState(input.pilot, nowIso(), calendar));
  const s = ctx.s;

  setHandler(pilotStateQuery, () => state());
  setHandler(pilotAuditQuery, () => s.audit);
  for (const o of obligations) o.register(ctx);

  /** Does whatever is due now, obligation by obligation; stops once the pilot has ended. */
  function processDue(): void {
    const now = nowIso();
    for (const o of obligations) {
      if (s.status !== 'running') return;
      o.due?.(ctx, now);
    }
  }

  /** The earliest future instant something is due. */
  function nextWake(): number | undefined {
    const times = obligations.flatMap((o) => o.nextWake?.(ctx) ?? []);
    const now = nowIso();
    const future = times.filter((t) => t > now).sort();
    return future.length ? Date.parse(future[0]!) : undefined;
  }

  async function drainOutbox(): Promise<void> {
    while (ctx.outbox.size > 0) {
      const item = ctx.outbox.take()!;
      if (item.kind === 'startApproval') {
        if (s.approvals.find((a) => a.workflowId === item.workflowId)?.status === 'cancelled') continue;
        // ABANDON: the approval outlives this run when the pilot continues-as-new.
        await startChild(approvalWorkflow, {
          workflowId: item.workflowId,
          args: [item.input],
          parentClosePolicy: ParentClosePolicy.ABANDON,
        });
        const rec = s.approvals.find((a) => a.workflowId === item.workflowId);
        if (rec && rec.status === 'starting') rec.status = 'pending';
        continue;
      }
      if (item.kind === 'startRectification') {
        if (s.rectifications.find((r) => r.workflowId === item.workflowId)?.status === 'cancelled') continue;
        await startChild(rectificationWorkflow, {
          workflowId: item.workflowId,
          args: [item.input],
          parentClosePolicy: ParentClosePolicy.ABANDON,
        });
        continue;
      }
      if (item.kind === 'reportPassRecord') {
        await reportPassRecord(item.report).catch((err: unknown) => {
          if (!(err instanceof ActivityFailure)) throw err;
          ctx.audit('registry.reportFailed', undefined, {
            zh: `通过率记录未能报送至登记簿：${err.cause?.message ?? err.message}`,
            en: `the pass record could not be reported to the registry: ${err.cause?.message ?? err.message}`,
          });
        });
        continue;
      }
      if (item.kind === 'cancelChild') {
        // A child that has just concluded on its own needs no cancelling.
        await getExternalWorkflowHandle(item.workflowId)
          .cancel()
          .catch(() => undefined);
        continue;
      }
      const n = item.notification;
      if (n.to.length === 0) continue;
      const record: EmailRecord = {
        eventKey: n.eventKey,
        kind: n.kind,
        ...(n.kind === 'pilotNotice' ? { topic: n.topic } : {}),
        to: n.to.map((r) => ({ role: r.role, email: r.email })),
        messageId: '',
        at: n.occurredAt,
        ...('periodId' in n ? { periodId: n.periodId } : {}),
      };
      try {
        record.messageId = (await sendNotification(n)).messageId;
      } catch (err) {
        // The server refused it for good (e.g. a mistyped address): recorded and audited, never
        // fatal — a three-year pilot must not end over one address. Retryable faults never get here.
        record.failed = refusal(err, { cancellationStops: false });
        ctx.audit('email.failed', undefined, {
          zh: `邮件未能送达（${n.eventKey}）：${record.failed}`,
          en: `an e-mail could not be delivered (${n.eventKey}): ${record.failed}`,
        });
      }
      s.emails.push(record);
    }
  }

  async function maybeContinueAsNew(): Promise<void> {
    const info = workflowInfo();
    const limit = input.continueAsNewAfterEvents ?? DEFAULT_CONTINUE_AS_NEW_AFTER_EVENTS;
    if (!info.continueAsNewSuggested && info.historyLength < limit) return;
    // Every update handled and every side effect sent, then carry the whole state.
    while (ctx.outbox.size > 0 || !allHandlersFinished()) {
      await condition(allHandlersFinished);
      await drainOutbox();
    }
    await continueAsNew<typeof pilotWorkflow>({
      pilot: ctx.pilot,
      carried: { ...s, runIndex: s.runIndex + 1 },
      continueAsNewAfterEvents: input.continueAsNewAfterEvents,
      ...(ctx.calendarData ? { calendar: ctx.calendarData } : {}),
    });
  }

  async function run(): Promise<PilotOutcome> {
    // v2 of the loop resets the wake-up flag before processing, so a change made by a handler
    // while the loop was sending mail is not lost (pilots started before run the v1 loop).
    const resetBeforeProcessing = patched('pilot-loop-dirty-before-process');
    while (s.status === 'running') {
      if (resetBeforeProcessing) ctx.dirty = false;
      processDue();
      await drainOutbox();
      if (s.status !== 'running') break;
      await maybeContinueAsNew();
      const next = nextWake();
      if (!resetBeforeProcessing) ctx.dirty = false;
      const done = () => ctx.dirty || s.status !== 'running';
      if (next === undefined) await condition(done);
      else if (next > Date.now()) await condition(done, next - Date.now());
    }
    await drainOutbox();
    await condition(allHandlersFinished);
    await drainOutbox();
    const count = (o: PeriodRecord['outcome']) => s.periods.filter((p) => p.outcome === o).length;
    return {
      pilotId: ctx.pilot.id,
      status: s.status === 'cancelled' ? 'cancelled' : 'completed',
      periods: s.periods.length,
      onTime: count('onTime'),
      late: count('late'),
      missed: count('missed'),
      escalated: s.escalated,
      runs: s.runIndex,
      accountability: Boolean(s.completion?.accountability),
      grounds: s.cancellation?.grounds.map((g) => g.ruleId) ?? [],
    };
  }

  function state(): PilotState {
    const open = ctx.openPeriod();
    return {
      ...s,
      pilot: ctx.pilot,
      workflowId: ctx.workflowId,
      escalationLevel: ctx.level(),
      ...(open ? { nextDue: { periodId: open.id, dueAt: open.dueAt, remindAt: open.remindAt } } : {}),
      overdue: ctx.overdue(),
      waitingOn: waitingOn(),
      historyLength: workflowInfo().historyLength,
      ...(ctx.calendarData ? { calendar: ctx.calendarData } : {}),
    };
  }

  function waitingOn(): Bilingual[] {
    const closed = closedText(ctx);
    if (closed.length) return closed;
    const out = obligations.flatMap((o) => o.waitingOn?.(ctx) ?? []);
    if (out.length === 0) out.push({ zh: '等待下一个周期', en: 'waiting for the next period' });
    return out;
  }

  return run();
}
