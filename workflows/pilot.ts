/**
 * The pilot workflow (试点实施): one per approved pilot, for its whole implementation
 * (typically one to three years, Art. 9(4)). First capability: the weekly work report
 * cycle of Art. 5 with reminders and the three-miss escalation ladder.
 *
 * Deterministic: time comes from Temporal (Date.now() inside a workflow is workflow time),
 * due instants from the pure calendar in domain/, e-mail through an activity.
 * History stays bounded: continue-as-new between periods, carrying absolute due dates and
 * every period's outcome, once all update handlers have finished.
 */
import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { OnexActivities } from '../activities/types';
import { createChinaCalendar, formatShanghai, type CalendarWarning } from '../domain/calendar';
import { OnexRefusal, inputError, type RuleResult } from '../domain/errors';
import { notificationActivityOptions, type Notification } from '../domain/notifications';
import type { PilotRecord } from '../domain/pilot';
import { ruleTable } from '../domain/tables';
import { safeParseBilingual } from '../domain/validation';
import {
  ART5,
  escalationLevel,
  escalationRecipients,
  firstWeeklyPeriod,
  followingWeeklyPeriod,
  mayReportWeekly,
  weeklyReportSchema,
  type WeeklyPeriod,
} from '../domain/weekly';
import { REFUSAL_FAILURE_TYPE, pilotStateQuery, submitWeeklyReport } from './messages';
import type {
  EmailRecord,
  PeriodRecord,
  PilotCarriedState,
  PilotOutcome,
  PilotState,
  PilotWorkflowInput,
  SubmitWeeklyReportResult,
} from './pilot-state';
import { OnexEscalated, OnexNextDue, OnexStage } from './search-attributes';

// A mail server that is down must delay a reminder, never lose it: retry without limit.
const { sendNotification } = proxyActivities<OnexActivities>(notificationActivityOptions);

const DEFAULT_CONTINUE_AS_NEW_AFTER_EVENTS = 2_000;
const EXCERPT_CHARS = 200;

/** Throws the refusal as an ApplicationFailure whose details carry the RuleResults. */
function refuse(results: RuleResult[]): never {
  const refusal = new OnexRefusal(results);
  throw ApplicationFailure.create({ type: REFUSAL_FAILURE_TYPE, message: refusal.message, details: [results], nonRetryable: true });
}

interface Runtime {
  pilot: PilotRecord;
  s: PilotCarriedState;
  status: PilotState['status'];
  current?: WeeklyPeriod;
}

/** Builds the run's state from the input: a fresh pilot, or one carried by continue-as-new. */
function setup(input: PilotWorkflowInput): Runtime {
  const s: PilotCarriedState = input.carried ?? {
    periods: [],
    consecutiveMisses: 0,
    escalated: false,
    emails: [],
    calendarWarnings: [],
    startedAt: new Date(Date.now()).toISOString(),
    runIndex: 1,
  };
  return { pilot: input.pilot, s, status: 'running' };
}

export async function pilotWorkflow(input: PilotWorkflowInput): Promise<PilotOutcome> {
  const rt = setup(input);
  const { pilot, s } = rt;
  const rules = ruleTable(pilot.rulesVersion);
  const calendar = createChinaCalendar((w: CalendarWarning) => {
    if (!s.calendarWarnings.some((x) => x.year === w.year)) s.calendarWarnings.push(w);
  });
  const workflowId = workflowInfo().workflowId;

  const level = () => escalationLevel(s.consecutiveMisses, rules.weeklyMissesToEscalate);
  const findPeriod = (id: string) => s.periods.find((p) => p.id === id);

  // ── Queries ────────────────────────────────────────────────────────────────
  setHandler(pilotStateQuery, (): PilotState => {
    const open = rt.current ? findPeriod(rt.current.id) : undefined;
    return {
      ...s,
      pilot,
      workflowId,
      status: rt.status,
      escalationLevel: level(),
      nextDue: rt.current && open ? { periodId: rt.current.id, dueAt: rt.current.dueAt, remindAt: rt.current.remindAt } : undefined,
      waitingOn: waitingOn(rt, open),
      historyLength: workflowInfo().historyLength,
    };
  });

  // ── Updates (human actions) ────────────────────────────────────────────────
  setHandler(
    submitWeeklyReport,
    (raw): SubmitWeeklyReportResult => {
      const report = weeklyReportSchema.parse(raw);
      const period = findPeriod(report.periodId)!;
      const now = new Date(Date.now()).toISOString();
      const onTime = period.outcome === 'pending' && now <= period.dueAt;
      period.outcome = onTime ? 'onTime' : 'late';
      period.submittedAt = now;
      period.by = report.actor;
      period.excerpt = report.content.slice(0, EXCERPT_CHARS);
      period.chars = report.content.length;
      if (onTime) {
        // Art. 5: an on-time report resets the consecutive count and clears the mark.
        s.consecutiveMisses = 0;
        if (s.escalated) {
          s.escalated = false;
          delete s.escalatedAt;
          upsertSearchAttributes([{ key: OnexEscalated, value: false }]);
        }
      }
      return { periodId: period.id, outcome: onTime ? 'onTime' : 'late', submittedAt: now, consecutiveMisses: s.consecutiveMisses, escalated: s.escalated };
    },
    {
      // Validators run before anything is written: a refused report leaves no event in history.
      validator: (raw) => {
        const parsed = safeParseBilingual(weeklyReportSchema, raw);
        if (!parsed.ok) refuse(parsed.errors);
        const report = parsed.value;
        const actorRefusal = mayReportWeekly(report.actor, pilot);
        if (actorRefusal) refuse([actorRefusal]);
        if (rt.status !== 'running') {
          refuse([inputError('periodId', '该试点已结束，不再接收工作周报', 'this pilot has ended and takes no more weekly reports', 'art5.weeklyReport.closed')]);
        }
        const period = findPeriod(report.periodId);
        if (!period) {
          const open = s.periods.filter((p) => p.outcome === 'pending' || p.outcome === 'missed').map((p) => p.id);
          refuse([{
            ruleId: 'art5.weeklyReport.period',
            article: ART5,
            severity: 'hard',
            field: 'periodId',
            message: {
              zh: `周次 ${report.periodId} 不是本试点可提交的周次（尚未开始或不在试点期内）；可提交：${open.join('、') || '无'}`,
              en: `period ${report.periodId} is not open for this pilot (not started yet or outside the pilot); open: ${open.join(', ') || 'none'}`,
            },
          }]);
        }
        if (period.outcome === 'onTime' || period.outcome === 'late') {
          refuse([{
            ruleId: 'art5.weeklyReport.duplicate',
            article: ART5,
            severity: 'hard',
            field: 'periodId',
            message: {
              zh: `周次 ${period.id} 的工作周报已于 ${formatShanghai(Date.parse(period.submittedAt ?? ''))} 提交，不能重复提交`,
              en: `the weekly report for ${period.id} was already submitted at ${formatShanghai(Date.parse(period.submittedAt ?? ''))}; duplicates are refused`,
            },
          }]);
        }
      },
    },
  );

  // ── Main loop: one weekly period at a time ─────────────────────────────────
  const notify = async (n: Notification): Promise<void> => {
    const receipt = await sendNotification(n);
    const record: EmailRecord = {
      eventKey: n.eventKey,
      kind: n.kind,
      to: n.to.map((r) => ({ role: r.role, email: r.email })),
      messageId: receipt.messageId,
      at: n.occurredAt,
      periodId: 'periodId' in n ? n.periodId : undefined,
    };
    s.emails.push(record);
  };
  const summary = {
    id: pilot.id,
    collegeName: pilot.college.name,
    majorName: pilot.major.name,
    certificateName: pilot.certificate.name,
    level: pilot.certificate.level,
    leadName: pilot.lead.name,
  };
  const nowIso = () => new Date(Date.now()).toISOString();
  const waitUntil = async (instant: string, done: () => boolean): Promise<void> => {
    const ms = Date.parse(instant) - Date.now();
    if (ms > 0) await condition(done, ms);
  };
  const continueAsNewAfter = input.continueAsNewAfterEvents ?? DEFAULT_CONTINUE_AS_NEW_AFTER_EVENTS;

  let period = s.lastPeriodMonday
    ? followingWeeklyPeriod(pilot, { monday: s.lastPeriodMonday }, calendar)
    : firstWeeklyPeriod(pilot, s.startedAt, calendar);

  while (period) {
    const info = workflowInfo();
    if (info.continueAsNewSuggested || info.historyLength >= continueAsNewAfter) {
      await condition(allHandlersFinished);
      const carried: PilotCarriedState = { ...s, runIndex: s.runIndex + 1 };
      await continueAsNew<typeof pilotWorkflow>({ pilot, carried, continueAsNewAfterEvents: input.continueAsNewAfterEvents });
    }

    rt.current = period;
    s.lastPeriodMonday = period.monday;
    const record: PeriodRecord = {
      id: period.id,
      dueAt: period.dueAt,
      remindAt: period.remindAt,
      shifted: period.dueDate !== period.nominalDueDate,
      outcome: 'pending',
      reminded: false,
    };
    s.periods.push(record);
    upsertSearchAttributes([{ key: OnexNextDue, value: new Date(period.dueAt) }]);
    const answered = () => record.outcome !== 'pending';

    // Remind the lead before the due instant (at once when already within the lead time).
    await waitUntil(period.remindAt, answered);
    if (!answered() && nowIso() < period.dueAt) {
      await notify({
        kind: 'weeklyReminder',
        workflowId,
        eventKey: `weekly:${period.id}:reminder`,
        occurredAt: nowIso(),
        to: escalationRecipients(1, pilot),
        pilot: summary,
        article: ART5,
        periodId: period.id,
        dueAt: period.dueAt,
      });
      record.reminded = true;
    }

    await waitUntil(period.dueAt, answered);
    if (record.outcome !== 'onTime') {
      // A miss: no report by the due instant (a late one may already have arrived).
      if (record.outcome === 'pending') record.outcome = 'missed';
      s.consecutiveMisses += 1;
      const lvl = level() as 1 | 2 | 3;
      if (lvl === 3 && !s.escalated) {
        s.escalated = true;
        s.escalatedAt = nowIso();
        upsertSearchAttributes([{ key: OnexEscalated, value: true }]);
      }
      await notify({
        kind: 'weeklyMissed',
        workflowId,
        eventKey: `weekly:${period.id}:missed`,
        occurredAt: nowIso(),
        to: escalationRecipients(lvl, pilot),
        pilot: summary,
        article: ART5,
        periodId: period.id,
        dueAt: period.dueAt,
        consecutiveMisses: s.consecutiveMisses,
        level: lvl,
      });
    }
    period = followingWeeklyPeriod(pilot, period, calendar);
  }

  rt.current = undefined;
  rt.status = 'completed';
  upsertSearchAttributes([{ key: OnexStage, value: 'completed' }]);
  await condition(allHandlersFinished);
  const count = (o: PeriodRecord['outcome']) => s.periods.filter((p) => p.outcome === o).length;
  return {
    pilotId: pilot.id,
    status: 'completed',
    periods: s.periods.length,
    onTime: count('onTime'),
    late: count('late'),
    missed: count('missed'),
    escalated: s.escalated,
    runs: s.runIndex,
  };
}

function waitingOn(rt: Runtime, open: PeriodRecord | undefined): PilotState['waitingOn'] {
  if (rt.status === 'completed') return { zh: '试点已结束', en: 'the pilot has ended' };
  if (!open || !rt.current) return { zh: '等待下一个周报周期开始', en: 'waiting for the next weekly period' };
  if (open.outcome === 'pending') {
    return {
      zh: `等待试点负责人提交 ${open.id} 工作周报（截止 ${formatShanghai(Date.parse(open.dueAt))}）`,
      en: `waiting for the pilot lead's weekly report for ${open.id} (due ${formatShanghai(Date.parse(open.dueAt))})`,
    };
  }
  return { zh: `${open.id} 工作周报已提交，等待下一周期`, en: `report for ${open.id} received; waiting for the next period` };
}
