/**
 * The pilot workflow (试点实施): one per approved pilot, for its whole implementation
 * (typically one to three years, Art. 9(4)) until completion (Art. 20) or cancellation
 * (Art. 19). It carries every timed obligation of the regulation as data with an absolute
 * due instant — weekly work reports (Art. 5), provincial material requests (Art. 19(1)),
 * periodic inspections (Art. 18), the end date (Art. 20) — and wakes for the earliest.
 * Human actions are Updates whose validators refuse bad input before anything is written;
 * side effects (e-mail, child workflows) go through an outbox drained by the main loop.
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
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { OnexActivities } from '../activities/types';
import type { Actor } from '../domain/actor';
import { passRate, passRateBelow, feeCapFen, checkAssessmentFees, totalPassCount, formatPassRate } from '../domain/assessment';
import {
  WorkingCalendar,
  createChinaCalendar,
  formatShanghai,
  shanghaiDate,
  shanghaiInstant,
  type CalendarData,
  type CalendarWarning,
} from '../domain/calendar';
import { inputError, type Bilingual, type RuleResult } from '../domain/errors';
import { checkEntryId, emptyLedger, postToLedger, fundUseNames, incomeSourceNames } from '../domain/funds';
import { pilotDateResult } from '../domain/date-window';
import { checkInspection, inspectionOutcome, rectificationFor, type Inspection } from '../domain/inspection';
import { approvalKinds, checkApprovalStart, parseApprovalSubject, type ApprovalSubject } from '../domain/approval-kinds';
import { budgetTotalFen, type BudgetPlan } from '../domain/budget';
import { checkChangeRequest, type ChangeRequest } from '../domain/change';
import { formatFen } from '../domain/money';
import { notificationActivityOptions, type Notification, type PilotSummary } from '../domain/notifications';
import type { PilotRecord } from '../domain/pilot';
import {
  approvalSubmissionInputSchema,
  extendDeadlineInputSchema,
  refreshCalendarInputSchema,
  remindNowInputSchema,
  assessmentInputSchema,
  assessmentResultInputSchema,
  cancelPilotInputSchema,
  expenseInputSchema,
  incomeInputSchema,
  inspectionInputSchema,
  provincialRequestInputSchema,
  provincialSubmissionInputSchema,
  violationInputSchema,
} from '../domain/pilot-actions';
import * as notices from '../domain/pilot-notices';
import { ruleTable, type RuleTable } from '../domain/tables';
import { safeParseBilingual } from '../domain/validation';
import { assessmentTaskResult, cancellationGrounds, checkViolationRecord, provincialMaterialDeadline } from '../domain/violation';
import { evaluateRules, grantWaiver } from '../domain/waivers';
import type { z } from 'zod';
import {
  ART5,
  escalationLevel,
  escalationRecipients,
  firstWeeklyPeriod,
  followingWeeklyPeriod,
  mayReportWeekly,
  weeklyReportSchema,
  type Recipient,
  type WeeklyPeriod,
} from '../domain/weekly';
import {
  approvalConcludedSignal,
  approvalWorkflowId,
  cancelPilot,
  extendDeadline,
  refreshCalendar,
  remindNow,
  rectificationEventSignal,
  rectificationWorkflowId,
  submitForApproval,
  pilotAuditQuery,
  pilotStateQuery,
  recordAssessment,
  recordAssessmentResult,
  recordExpense,
  recordIncome,
  recordInspection,
  recordProvincialRequest,
  recordViolation,
  submitProvincialMaterial,
  submitWeeklyReport,
} from './messages';
import type {
  ActionResult,
  AuditEntry,
  EmailRecord,
  PeriodRecord,
  PilotCarriedState,
  PilotOutcome,
  PilotState,
  PilotWorkflowInput,
  SubmitWeeklyReportResult,
} from './pilot-state';
import { approvalWorkflow } from './approval';
import type { ApprovalConcluded, ApprovalWorkflowInput, ChildPilotSummary, ChildRecipients } from './approval-types';
import { rectificationWorkflow } from './rectification';
import type { RectificationEvent, RectificationWorkflowInput } from './rectification-types';
import type { PassRecordReport } from './round-types';
import { refuse } from './refusal';
import { OnexCancellationRisk, OnexEscalated, OnexNextDue, OnexOverdue, OnexStage } from './search-attributes';

// A mail server that is down must delay a reminder, never lose it: retry without limit.
const { sendNotification, reportPassRecord } = proxyActivities<OnexActivities>(notificationActivityOptions);

const DEFAULT_CONTINUE_AS_NEW_AFTER_EVENTS = 2_000;
const EXCERPT_CHARS = 200;
/** Periodic inspections (Art. 18) are announced at 09:00 on their (working) day. */
const INSPECTION_NOTICE_TIME = '09:00';

/** Parses an update's input with its domain schema inside a validator, refusing bilingually. */
function parseInput<S extends z.ZodType>(schema: S, raw: unknown): z.output<S> {
  const r = safeParseBilingual(schema, raw);
  if (!r.ok) refuse(r.errors);
  return r.value;
}

const nowIso = () => new Date(Date.now()).toISOString();

type OutboxItem =
  | { kind: 'notify'; notification: Notification }
  | { kind: 'startApproval'; workflowId: string; input: ApprovalWorkflowInput }
  | { kind: 'startRectification'; workflowId: string; input: RectificationWorkflowInput }
  | { kind: 'cancelChild'; workflowId: string }
  | { kind: 'reportPassRecord'; report: PassRecordReport };

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

/** Art. 18 "定期检查": each configured month-day within the pilot, on or after its start. */
function inspectionSchedule(pilot: PilotRecord, startedAt: string, calendar: WorkingCalendar): PilotCarriedState['schedule'] {
  const out: PilotCarriedState['schedule'] = [];
  const first = Number(pilot.startDate.slice(0, 4));
  const last = Number(pilot.endDate.slice(0, 4));
  for (let y = first; y <= last; y++) {
    for (const md of pilot.inspectionSchedule) {
      const nominal = `${y}-${md}`;
      if (nominal < pilot.startDate || nominal > pilot.endDate) continue;
      const date = calendar.onOrNextWorkingDay(nominal);
      const at = shanghaiInstant(date, INSPECTION_NOTICE_TIME).toISOString();
      // Two month-days moved onto the same working day are one inspection.
      if (at > startedAt && !out.some((x) => x.date === date)) out.push({ date, at, noticeSent: false });
    }
  }
  return out.sort((a, b) => a.at.localeCompare(b.at));
}

class PilotRun {
  readonly pilot: PilotRecord;
  readonly s: PilotCarriedState;
  readonly rules: RuleTable;
  calendar: WorkingCalendar;
  /** The pinned schedule (input.calendar, or a refreshed one); undefined: the bundled data. */
  calendarData: CalendarData | undefined;
  private readonly onCalendarWarning: (w: CalendarWarning) => void;
  readonly workflowId = workflowInfo().workflowId;
  private outbox: OutboxItem[] = [];
  private dirty = false;

  constructor(private readonly input: PilotWorkflowInput) {
    this.pilot = input.pilot;
    this.rules = ruleTable(input.pilot.rulesVersion);
    const warnings: CalendarWarning[] = input.carried?.calendarWarnings ?? [];
    this.onCalendarWarning = (w) => {
      if (!warnings.some((x) => x.year === w.year)) warnings.push(w);
    };
    this.calendarData = input.calendar;
    this.calendar = input.calendar
      ? new WorkingCalendar([input.calendar], this.onCalendarWarning)
      : createChinaCalendar(this.onCalendarWarning);
    this.s = input.carried ?? initialPilotState(input.pilot, nowIso(), this.calendar);
    this.s.calendarWarnings = warnings;
  }

  // ── helpers ────────────────────────────────────────────────────────────────
  get lead(): PilotRecord['lead'] {
    return this.s.current.lead;
  }

  summary(): PilotSummary {
    const p = this.s.current;
    return {
      id: p.id,
      collegeName: p.college.name,
      majorName: p.major.name,
      certificateName: p.certificate.name,
      level: p.certificate.level,
      leadName: p.lead.name,
    };
  }

  childPilot(): ChildPilotSummary {
    return { ...this.summary(), collegeId: this.s.current.college.id };
  }

  childRecipients(): ChildRecipients {
    const p = this.s.current;
    return {
      pilotLead: p.lead.email,
      collegeLeader: p.collegeLeaderEmail,
      academicAffairs: p.academicAffairsEmail,
      ...(p.schoolLeaderEmail ? { schoolLeader: p.schoolLeaderEmail } : {}),
    };
  }

  /** Cancels every approval and rectification still open (the pilot ends: Art. 19, 20). */
  closeChildren(): void {
    for (const a of this.s.approvals.filter((x) => x.status === 'pending' || x.status === 'starting')) {
      a.status = 'cancelled';
      this.outbox.push({ kind: 'cancelChild', workflowId: a.workflowId });
    }
    for (const r of this.s.rectifications.filter((x) => x.status === 'open' || x.status === 'overdue')) {
      r.status = 'cancelled';
      this.outbox.push({ kind: 'cancelChild', workflowId: r.workflowId });
    }
  }

  recipients(...roles: Recipient['role'][]): Recipient[] {
    const p = this.s.current;
    const all: Recipient[] = [
      { role: 'pilotLead', email: p.lead.email, name: p.lead.name },
      { role: 'collegeLeader', email: p.collegeLeaderEmail },
      { role: 'academicAffairs', email: p.academicAffairsEmail },
      ...(p.schoolLeaderEmail ? [{ role: 'schoolLeader' as const, email: p.schoolLeaderEmail }] : []),
    ];
    return all.filter((r) => roles.includes(r.role));
  }

  audit(
    action: string,
    actor: Actor | undefined,
    summary: Bilingual,
    extra: Pick<AuditEntry, 'before' | 'after' | 'ruleIds'> = {},
  ): AuditEntry {
    const entry: AuditEntry = { seq: this.s.audit.length + 1, at: nowIso(), action, ...(actor ? { actor } : {}), summary, ...extra };
    this.s.audit.push(entry);
    return entry;
  }

  notice(eventKey: string, to: Recipient[], text: notices.NoticeText): void {
    this.outbox.push({
      kind: 'notify',
      notification: {
        kind: 'pilotNotice',
        workflowId: this.workflowId,
        eventKey,
        occurredAt: nowIso(),
        to,
        pilot: this.summary(),
        ...text,
      },
    });
    this.dirty = true;
  }

  level(): 0 | 1 | 2 | 3 {
    return escalationLevel(this.s.consecutiveMisses, this.rules.weeklyMissesToEscalate);
  }

  openPeriod(): PeriodRecord | undefined {
    const last = this.s.periods[this.s.periods.length - 1];
    return last && !last.closed ? last : undefined;
  }

  overdue(): boolean {
    return (
      this.s.consecutiveMisses > 0 ||
      this.s.provincial.some((r) => r.outcome === 'missed') ||
      this.s.rectifications.some((r) => r.status === 'overdue')
    );
  }

  flagRisk(reason: Bilingual): void {
    this.s.cancellationRisk.reasons.push({ at: nowIso(), reason });
    if (!this.s.cancellationRisk.flagged) {
      this.s.cancellationRisk.flagged = true;
      upsertSearchAttributes([{ key: OnexCancellationRisk, value: true }]);
    }
    this.notice(
      `risk:${this.s.cancellationRisk.reasons.length}`,
      this.recipients('collegeLeader', 'academicAffairs'),
      notices.cancellationRiskNotice(reason),
    );
  }

  syncOverdue(): void {
    upsertSearchAttributes([{ key: OnexOverdue, value: this.overdue() }]);
  }

  requireRunning(field = '(pilot)'): void {
    if (this.s.status !== 'running') {
      refuse([
        inputError(
          field,
          `该试点已${this.s.status === 'cancelled' ? '取消' : '结项'}，不再受理此操作`,
          `this pilot is ${this.s.status}; the action is no longer accepted`,
          'pilot.closed',
        ),
      ]);
    }
  }

  requireOwnPilot(pilotId: string): void {
    if (pilotId !== this.pilot.id) {
      refuse([
        inputError(
          'pilotId',
          `该记录属于试点 ${pilotId}，不属于本试点 ${this.pilot.id}`,
          `this record is for pilot ${pilotId}, not ${this.pilot.id}`,
          'pilot.mismatch',
        ),
      ]);
    }
  }

  requireAcademicAffairs(actor: Actor, what: Bilingual, article: number): void {
    if (actor.role !== 'academicAffairs') {
      refuse([
        {
          ruleId: `art${article}.actor`,
          article: { article },
          severity: 'hard',
          field: 'actor.role',
          message: { zh: `只有教务部可以${what.zh}`, en: `only Academic Affairs may ${what.en}` },
        },
      ]);
    }
  }

  /** The lead, the college's own staff/leader, or Academic Affairs (on someone's behalf unless it acts in its own right). */
  requirePilotSide(actor: Actor, article: number, academicAffairsInOwnRight = false): void {
    const p = this.s.current;
    const ok =
      (academicAffairsInOwnRight && actor.role === 'academicAffairs') ||
      (actor.role === 'pilotLead' && (actor.id === p.lead.userId || actor.id.toLowerCase() === p.lead.email.toLowerCase())) ||
      ((actor.role === 'collegeStaff' || actor.role === 'collegeLeader') && actor.college === p.college.id) ||
      (actor.role === 'academicAffairs' && actor.onBehalfOf !== undefined);
    if (!ok) {
      refuse([
        {
          ruleId: `art${article}.actor`,
          article: { article },
          severity: 'hard',
          field: 'actor',
          message: {
            zh: '只有本试点负责人、本学院人员，或代为录入的教务部人员（须注明代谁）可以办理',
            en: "only this pilot's lead, its college's staff, or Academic Affairs acting on someone's behalf (onBehalfOf) may do this",
          },
        },
      ]);
    }
  }

  /** A record's date inside the pilot's period, with the margin of domain/date-window.ts. */
  requireInPilot(field: string, date: string, article: number, what: Bilingual): void {
    const r = pilotDateResult(field, date, this.s.current, article, what);
    if (r) refuse([r]);
  }

  /**
   * `onBehalfOf` names someone else in the audit trail. Only Academic Affairs records for
   * someone (Art. 4: it manages the programme); anyone else would be naming a person who
   * never delegated to them (a delegation exists only for an approval step, in the approval).
   */
  requireOwnName(actor: Actor): void {
    if (actor.onBehalfOf === undefined || actor.role === 'academicAffairs') return;
    refuse([
      {
        ruleId: 'approval.onBehalfOf',
        article: { article: 4 },
        severity: 'hard',
        field: 'actor.onBehalfOf',
        message: {
          zh: `只有教务部可以代他人办理（第四条）；${actor.id} 没有 ${actor.onBehalfOf} 的委托，不能以其名义提交（委托只适用于审批环节）`,
          en: `only Academic Affairs may act on someone's behalf (Art. 4); ${actor.id} holds no delegation from ${actor.onBehalfOf} and cannot submit in their name (delegations apply to approval steps only)`,
        },
      },
    ]);
  }

  // ── handlers ───────────────────────────────────────────────────────────────
  registerHandlers(): void {
    const s = this.s;
    setHandler(pilotStateQuery, () => this.state());
    setHandler(pilotAuditQuery, () => s.audit);

    setHandler(
      submitWeeklyReport,
      (raw): SubmitWeeklyReportResult => {
        const report = weeklyReportSchema.parse(raw);
        const period = s.periods.find((p) => p.id === report.periodId)!;
        const now = nowIso();
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
          this.syncOverdue();
        }
        this.dirty = true;
        this.audit(
          'weeklyReport.submit',
          report.actor,
          {
            zh: `提交 ${period.id} 工作周报（${onTime ? '按时' : '迟交'}）`,
            en: `weekly report for ${period.id} submitted (${onTime ? 'on time' : 'late'})`,
          },
          { ruleIds: ['art5.weeklyReport'] },
        );
        return {
          periodId: period.id,
          outcome: onTime ? 'onTime' : 'late',
          submittedAt: now,
          consecutiveMisses: s.consecutiveMisses,
          escalated: s.escalated,
        };
      },
      {
        validator: (raw) => {
          const report = parseInput(weeklyReportSchema, raw);
          const actorRefusal = mayReportWeekly(report.actor, s.current);
          if (actorRefusal) refuse([actorRefusal]);
          this.requireRunning('periodId');
          const period = s.periods.find((p) => p.id === report.periodId);
          if (!period) {
            const open = s.periods.filter((p) => p.outcome === 'pending' || p.outcome === 'missed').map((p) => p.id);
            refuse([
              {
                ruleId: 'art5.weeklyReport.period',
                article: ART5,
                severity: 'hard',
                field: 'periodId',
                message: {
                  zh: `周次 ${report.periodId} 不是本试点可提交的周次（尚未开始或不在试点期内）；可提交：${open.join('、') || '无'}`,
                  en: `period ${report.periodId} is not open for this pilot (not started yet or outside the pilot); open: ${open.join(', ') || 'none'}`,
                },
              },
            ]);
          }
          // At most the coming week may be reported ahead: a week starting more than seven days
          // from now is refused, so reports cannot be filed for weeks on end in advance.
          if (period.monday && Date.now() < shanghaiInstant(period.monday, '00:00').getTime() - 7 * 86_400_000) {
            refuse([
              {
                ruleId: 'art5.weeklyReport.period',
                article: ART5,
                severity: 'hard',
                field: 'periodId',
                message: {
                  zh: `周次 ${period.id} 尚未开始（${period.monday} 起），不能提前提交工作周报`,
                  en: `week ${period.id} has not started yet (it starts ${period.monday}); a report cannot be filed that far ahead`,
                },
              },
            ]);
          }
          if (period.outcome === 'onTime' || period.outcome === 'late') {
            const at = formatShanghai(Date.parse(period.submittedAt ?? ''));
            refuse([
              {
                ruleId: 'art5.weeklyReport.duplicate',
                article: ART5,
                severity: 'hard',
                field: 'periodId',
                message: {
                  zh: `周次 ${period.id} 的工作周报已于 ${at} 提交，不能重复提交`,
                  en: `the weekly report for ${period.id} was already submitted at ${at}; duplicates are refused`,
                },
              },
            ]);
          }
        },
      },
    );

    // Art. 19(1): provincial material requests.
    setHandler(
      recordProvincialRequest,
      (raw): ActionResult => {
        const r = provincialRequestInputSchema.parse(raw);
        const d = provincialMaterialDeadline(r, this.rules, this.calendar);
        s.provincial.push({
          id: r.id,
          title: r.title,
          requestedOn: r.requestedOn,
          dueDate: d.dueDate,
          dueAt: d.dueAt,
          remindAt: d.remindAt,
          reminded: false,
          outcome: 'pending',
          recordedBy: r.recordedBy,
        });
        this.notice(
          `provincial:${r.id}:requested`,
          this.recipients('pilotLead', 'collegeLeader'),
          notices.provincialRequestedNotice({ id: r.id, title: r.title, dueAt: d.dueAt }),
        );
        return {
          audit: this.audit(
            'provincial.request',
            r.recordedBy,
            {
              zh: `登记省厅材料报送要求“${r.title}”，截止 ${formatShanghai(Date.parse(d.dueAt))}`,
              en: `provincial request “${r.title}” recorded, due ${formatShanghai(Date.parse(d.dueAt))}`,
            },
            { after: { id: r.id, dueAt: d.dueAt }, ruleIds: ['art19.provincialMisses'] },
          ),
        };
      },
      {
        validator: (raw) => {
          const r = parseInput(provincialRequestInputSchema, raw);
          this.requireRunning();
          this.requireOwnPilot(r.pilotId);
          this.requireAcademicAffairs(r.recordedBy, { zh: '登记省厅材料报送要求', en: 'record a provincial material request' }, 4);
          this.requireInPilot('requestedOn', r.requestedOn, 19, { zh: '省厅材料报送要求', en: 'the provincial request' });
          this.requireInPilot('dueDate', r.dueDate, 19, { zh: '省厅材料报送截止', en: "the provincial request's due date" });
          if (s.provincial.some((x) => x.id === r.id))
            refuse([inputError('id', `报送要求 ${r.id} 已登记`, `request ${r.id} is already recorded`, 'provincial.duplicate')]);
          const d = provincialMaterialDeadline(r, this.rules, this.calendar);
          if (d.dueAt <= nowIso())
            refuse([
              inputError(
                'dueDate',
                '截止时间已过，不能登记为新的报送要求',
                'the due time has passed; it cannot be recorded as a new request',
                'provincial.pastDue',
              ),
            ]);
        },
      },
    );

    setHandler(
      submitProvincialMaterial,
      (raw): ActionResult => {
        const r = provincialSubmissionInputSchema.parse(raw);
        const req = s.provincial.find((x) => x.id === r.requestId)!;
        const before = req.outcome;
        const now = nowIso();
        const onTime = now <= req.dueAt && req.outcome === 'pending';
        req.outcome = onTime ? 'submitted' : 'late';
        req.submittedAt = now;
        req.submittedBy = r.actor;
        if (r.note) req.note = r.note;
        // The count moves in due order, at each due instant (processDue): an on-time submission
        // resets it there, a late one still counts as the miss it was (Art. 19(1)).
        this.syncOverdue();
        this.dirty = true;
        return {
          audit: this.audit(
            'provincial.submit',
            r.actor,
            {
              zh: `报送省厅材料“${req.title}”（${onTime ? '按时' : '逾期'}）`,
              en: `provincial material “${req.title}” submitted (${onTime ? 'on time' : 'late'})`,
            },
            { before: { outcome: before }, after: { outcome: req.outcome } },
          ),
        };
      },
      {
        validator: (raw) => {
          const r = parseInput(provincialSubmissionInputSchema, raw);
          this.requireRunning();
          this.requirePilotSide(r.actor, 19);
          const req = s.provincial.find((x) => x.id === r.requestId);
          if (!req) refuse([inputError('requestId', `没有报送要求 ${r.requestId}`, `no request ${r.requestId}`, 'provincial.unknown')]);
          if (req.outcome === 'submitted' || req.outcome === 'late')
            refuse([
              inputError(
                'requestId',
                `报送要求 ${r.requestId} 已登记报送`,
                `request ${r.requestId} is already submitted`,
                'provincial.duplicate',
              ),
            ]);
        },
      },
    );

    // Art. 5(3), 11, 12, 14: the pilot's own special-fund ledger.
    const bookValidator = (kind: 'income' | 'expense') => (raw: unknown) => {
      const entry = kind === 'income' ? parseInput(incomeInputSchema, raw) : parseInput(expenseInputSchema, raw);
      this.requireRunning();
      // The college books its spending; Academic Affairs also books allocations in its own right.
      this.requirePilotSide(entry.actor, 11, true);
      this.requireInPilot(
        'date',
        entry.date,
        5,
        kind === 'income' ? { zh: '专项资金收入', en: 'the income' } : { zh: '专项资金支出', en: 'the expense' },
      );
      const item =
        kind === 'income'
          ? { kind: 'income' as const, entry: entry as z.output<typeof incomeInputSchema> }
          : { kind: 'expense' as const, entry: entry as z.output<typeof expenseInputSchema> };
      const repeated = checkEntryId(s.ledger, item);
      if (repeated.length) refuse(repeated);
      const outcome = postToLedger(
        s.ledger,
        kind === 'income'
          ? { kind: 'income', entry: entry as z.output<typeof incomeInputSchema> }
          : { kind: 'expense', entry: entry as z.output<typeof expenseInputSchema> },
      );
      if (!outcome.ok) refuse(outcome.errors);
    };
    setHandler(
      recordExpense,
      (raw): ActionResult => {
        const e = expenseInputSchema.parse(raw);
        const before = s.ledger.balanceFen;
        const r = postToLedger(s.ledger, { kind: 'expense', entry: e });
        if (r.ok) s.ledger = r.value;
        const amt = formatFen(e.amountFen);
        return {
          audit: this.audit(
            'ledger.expense',
            e.actor,
            {
              zh: `专项资金支出 ${amt.zh}（${fundUseNames[e.category].zh}）：${e.description}`,
              en: `special-fund expense ${amt.en} (${fundUseNames[e.category].en}): ${e.description}`,
            },
            { before: { balanceFen: before }, after: { balanceFen: s.ledger.balanceFen }, ruleIds: ['art11.forbiddenUse'] },
          ),
        };
      },
      { validator: bookValidator('expense') },
    );
    setHandler(
      recordIncome,
      (raw): ActionResult => {
        const i = incomeInputSchema.parse(raw);
        const before = s.ledger.balanceFen;
        const r = postToLedger(s.ledger, { kind: 'income', entry: i });
        if (r.ok) s.ledger = r.value;
        const amt = formatFen(i.amountFen);
        return {
          audit: this.audit(
            'ledger.income',
            i.actor,
            {
              zh: `专项资金收入 ${amt.zh}（${incomeSourceNames[i.source].zh}，${i.payer}）`,
              en: `special-fund income ${amt.en} (${incomeSourceNames[i.source].en}, ${i.payer})`,
            },
            { before: { balanceFen: before }, after: { balanceFen: s.ledger.balanceFen }, ruleIds: ['art14.examServiceFee'] },
          ),
        };
      },
      { validator: bookValidator('income') },
    );

    // Art. 12, 16–17: assessments.
    setHandler(
      recordAssessment,
      (raw): ActionResult => {
        const a = assessmentInputSchema.parse(raw);
        const session = a.session;
        const waivers = a.feeCapWaiverReason ? this.feeCapWaiver(session.id, a.feeCapWaiverReason, a.actor) : [];
        s.waivers.push(...waivers);
        s.assessments.push({
          id: session.id,
          date: session.date,
          year: Number(session.date.slice(0, 4)),
          candidates: session.candidates,
          ...(session.passed !== undefined ? { passed: session.passed } : {}),
          publishedFeeFen: session.publishedFeeFen,
          capFen: feeCapFen(session.components, this.rules),
          forms: session.components.map((c) => c.form),
          waivers: waivers.map((w) => w.id),
          recordedBy: a.actor,
        });
        const entry = this.audit(
          'assessment.record',
          a.actor,
          {
            zh: `登记考核 ${session.id}：参考 ${session.candidates} 人次${session.passed === undefined ? '' : `，通过 ${session.passed} 人次`}`,
            en: `assessment ${session.id}: ${session.candidates} candidates${session.passed === undefined ? '' : `, ${session.passed} passed`}`,
          },
          {
            after: { publishedFeeFen: session.publishedFeeFen, waivers: waivers.map((w) => w.id) },
            ruleIds: ['art17.feeCap', 'art12.noStudentFee'],
          },
        );
        this.refreshPassYear(Number(session.date.slice(0, 4)));
        return { audit: entry };
      },
      {
        validator: (raw) => {
          const a = parseInput(assessmentInputSchema, raw);
          this.requireRunning();
          this.requireOwnPilot(a.session.pilotId);
          this.requirePilotSide(a.actor, 12, true);
          this.requireInPilot('session.date', a.session.date, 12, { zh: `考核 ${a.session.id}`, en: `assessment ${a.session.id}` });
          if (s.assessments.some((x) => x.id === a.session.id))
            refuse([
              inputError(
                'session.id',
                `考核 ${a.session.id} 已登记`,
                `assessment ${a.session.id} is already recorded`,
                'assessment.duplicate',
              ),
            ]);
          const results = checkAssessmentFees(a.session, this.rules).map((r) => ({ ...r, field: `session.${r.field}` }));
          const waivers = a.feeCapWaiverReason ? this.feeCapWaiver(a.session.id, a.feeCapWaiverReason, a.actor) : [];
          const evaluation = evaluateRules(results, waivers, a.session.id);
          if (!evaluation.ok) refuse(evaluation.blocking);
        },
      },
    );
    setHandler(
      recordAssessmentResult,
      (raw): ActionResult => {
        const r = assessmentResultInputSchema.parse(raw);
        const rec = s.assessments.find((x) => x.id === r.sessionId)!;
        const before = rec.passed;
        rec.passed = r.passed;
        const entry = this.audit(
          'assessment.result',
          r.actor,
          {
            zh: `登记考核 ${rec.id} 通过人数 ${r.passed}/${rec.candidates}`,
            en: `assessment ${rec.id}: ${r.passed} of ${rec.candidates} passed`,
          },
          { before: { passed: before }, after: { passed: r.passed } },
        );
        this.refreshPassYear(rec.year);
        return { audit: entry };
      },
      {
        validator: (raw) => {
          const r = parseInput(assessmentResultInputSchema, raw);
          this.requireRunning();
          this.requirePilotSide(r.actor, 12, true);
          const rec = s.assessments.find((x) => x.id === r.sessionId);
          if (!rec) refuse([inputError('sessionId', `没有考核 ${r.sessionId}`, `no assessment ${r.sessionId}`, 'assessment.unknown')]);
          if (r.passed > rec.candidates)
            refuse([
              inputError(
                'passed',
                `通过人数（${r.passed}）不能超过参考人数（${rec.candidates}）`,
                `passed (${r.passed}) cannot exceed candidates (${rec.candidates})`,
                'art12.passedWithinCandidates',
              ),
            ]);
        },
      },
    );

    // Art. 18: inspections.
    setHandler(
      recordInspection,
      (raw): ActionResult => {
        const i = inspectionInputSchema.parse(raw);
        const outcome = inspectionOutcome(i);
        const failed = (['progress', 'funds', 'problems'] as const).filter((k) => i[k]?.result !== 'satisfactory');
        const scheduled = s.schedule.find((x) => !x.inspectionId && x.date <= i.inspectedOn);
        const kind = i.reinspectionOf ? 'reinspection' : scheduled ? 'scheduled' : 'adHoc';
        if (kind === 'scheduled' && scheduled) scheduled.inspectionId = i.id;
        s.inspections.push({
          id: i.id,
          inspectedOn: i.inspectedOn,
          kind,
          outcome,
          failed,
          ...(i.reinspectionOf ? { reinspectionOf: i.reinspectionOf } : {}),
          recordedBy: i.inspector,
        });
        const entry = this.audit(
          'inspection.record',
          i.inspector,
          {
            zh: `登记${kind === 'reinspection' ? '复查' : '检查'} ${i.id}：${outcome === 'pass' ? '合格' : `不合格（${failed.join('、')}）`}`,
            en: `${kind === 'reinspection' ? 're-inspection' : 'inspection'} ${i.id}: ${outcome === 'pass' ? 'passed' : `failed (${failed.join(', ')})`}`,
          },
          { after: { outcome, failed }, ruleIds: ['art18.contents'] },
        );
        const failures = s.inspections.filter((x) => x.outcome === 'fail').length;
        if (outcome === 'fail' && failures >= 2) {
          this.flagRisk({ zh: `检查第 ${failures} 次不合格（${i.id}）`, en: `inspection failed for the ${failures}th time (${i.id})` });
        }
        if (outcome === 'fail') this.openRectification(i);
        this.dirty = true;
        return { audit: entry };
      },
      {
        validator: (raw) => {
          const i = parseInput(inspectionInputSchema, raw);
          this.requireRunning();
          this.requireOwnPilot(i.pilotId);
          const who = checkInspection(i);
          if (who.length) refuse(who);
          this.requireInPilot('inspectedOn', i.inspectedOn, 18, { zh: `检查 ${i.id}`, en: `inspection ${i.id}` });
          if (s.inspections.some((x) => x.id === i.id))
            refuse([inputError('id', `检查 ${i.id} 已登记`, `inspection ${i.id} is already recorded`, 'inspection.duplicate')]);
          if (i.reinspectionOf) {
            const rect = s.rectifications.find((r) => r.id === i.reinspectionOf);
            refuse([
              inputError(
                'reinspectionOf',
                rect
                  ? `检查 ${i.reinspectionOf} 的复查请在其整改流程中登记（${rect.workflowId}）`
                  : `没有不合格的检查 ${i.reinspectionOf} 可复查`,
                rect
                  ? `record the re-inspection of ${i.reinspectionOf} in its rectification (${rect.workflowId})`
                  : `no failed inspection ${i.reinspectionOf} to re-inspect`,
                'art18.rectificationClosure',
              ),
            ]);
          }
        },
      },
    );

    // Art. 6(4), 7, 13: approvals run as child workflows; they signal their conclusion.
    setHandler(
      submitForApproval,
      (raw) => {
        const a = approvalSubmissionInputSchema.parse(raw);
        const subject = parseApprovalSubject(a.kind, a.subject);
        if (!subject.ok) throw new Error('validated subject failed to parse');
        const seq = s.approvals.filter((x) => x.kind === a.kind).length + 1;
        const approvalId = `${a.kind}-${seq}`;
        const workflowId = approvalWorkflowId(this.workflowId, a.kind, seq);
        const title = approvalKinds[a.kind].title(subject.value as never);
        const submittedAt = nowIso();
        s.approvals.push({
          approvalId,
          kind: a.kind,
          workflowId,
          status: 'starting',
          submittedAt,
          submittedBy: a.actor,
          summary: title,
          subject: subject.value,
        });
        this.outbox.push({
          kind: 'startApproval',
          workflowId,
          input: {
            kind: a.kind,
            approvalId,
            parentWorkflowId: this.workflowId,
            pilot: this.childPilot(),
            recipients: this.childRecipients(),
            subject: subject.value,
            submittedBy: a.actor,
            submittedAt,
            rulesVersion: this.pilot.rulesVersion,
          } as ApprovalWorkflowInput,
        });
        this.dirty = true;
        const entry = this.audit(
          'approval.submit',
          a.actor,
          { zh: `提交审批：${title.zh}`, en: `submitted for approval: ${title.en}` },
          { after: { approvalId, kind: a.kind } },
        );
        return { audit: entry, approvalId, workflowId };
      },
      {
        validator: (raw) => {
          const a = parseInput(approvalSubmissionInputSchema, raw);
          this.requireRunning();
          this.requirePilotSide(a.actor, a.kind === 'budget' ? 13 : a.kind === 'changeRequest' ? 7 : 6);
          this.requireOwnName(a.actor);
          const subject = parseApprovalSubject(a.kind, a.subject);
          if (!subject.ok) refuse(subject.errors);
          const p = s.current;
          const problems = checkApprovalStart(a.kind, subject.value as ApprovalSubject, p.id, {
            collegeLeader: p.collegeLeaderEmail,
            collegeStaff: p.collegeLeaderEmail,
            academicAffairs: p.academicAffairsEmail,
            ...(p.schoolLeaderEmail ? { schoolLeader: p.schoolLeaderEmail } : {}),
          });
          if (a.kind === 'changeRequest')
            problems.push(...checkChangeRequest(p, subject.value as ChangeRequest).map((r) => ({ ...r, field: `subject.${r.field}` })));
          if (problems.length) refuse(problems);
          const pending = s.approvals.find((x) => x.kind === a.kind && (x.status === 'pending' || x.status === 'starting'));
          if (pending)
            refuse([
              inputError(
                'kind',
                `已有同类审批在办（${pending.approvalId}），请待其办结或撤回`,
                `an approval of this kind is already in progress (${pending.approvalId}); wait for it or withdraw it`,
                'approval.inProgress',
              ),
            ]);
        },
      },
    );
    setHandler(approvalConcludedSignal, (c: ApprovalConcluded) => this.approvalConcluded(c));
    setHandler(rectificationEventSignal, (e: RectificationEvent) => this.rectificationEvent(e));

    // Academic Affairs' reminders and deadline extensions (bulk actions of the admin client).
    setHandler(
      remindNow,
      (raw): ActionResult => {
        const r = remindNowInputSchema.parse(raw);
        const items = this.pendingItems();
        const seq = s.audit.filter((a) => a.action === 'reminder.manual').length + 1;
        this.notice(`reminder:manual:${seq}`, this.recipients('pilotLead', 'collegeLeader'), notices.manualReminderNotice(items, r.note));
        return {
          audit: this.audit(
            'reminder.manual',
            r.actor,
            { zh: `教务部发送提醒（${items.length} 项）`, en: `Academic Affairs sent a reminder (${items.length} item(s))` },
            { after: { items: items.map((i) => i.en) } },
          ),
        };
      },
      {
        validator: (raw) => {
          const r = parseInput(remindNowInputSchema, raw);
          this.requireRunning();
          this.requireAcademicAffairs(r.actor, { zh: '发送提醒', en: 'send reminders' }, 4);
          if (!this.overdue())
            refuse([
              inputError(
                '(pilot)',
                '该试点没有逾期事项，无需提醒',
                'nothing of this pilot is overdue; no reminder is needed',
                'reminder.nothingOverdue',
              ),
            ]);
        },
      },
    );
    setHandler(
      extendDeadline,
      (raw): ActionResult => {
        const e = extendDeadlineInputSchema.parse(raw);
        const item = this.extensionTarget(e.target)!;
        const before = item.dueAt;
        const due = this.extendedDue(e.target.kind, e.newDueDate);
        item.dueAt = due.dueAt;
        item.remindAt = due.remindAt;
        item.reminded = false;
        item.extended = true;
        if ('dueDate' in item) item.dueDate = due.dueDate;
        if (e.target.kind === 'weeklyPeriod') upsertSearchAttributes([{ key: OnexNextDue, value: new Date(due.dueAt) }]);
        const what =
          e.target.kind === 'weeklyPeriod'
            ? { zh: `${e.target.id} 工作周报`, en: `the weekly report for ${e.target.id}` }
            : { zh: `省厅材料“${item.title ?? e.target.id}”`, en: `provincial material “${item.title ?? e.target.id}”` };
        this.notice(
          `extend:${e.target.kind}:${e.target.id}:${due.dueAt}`,
          this.recipients('pilotLead', 'collegeLeader'),
          notices.deadlineExtendedNotice(what, before, due.dueAt, e.reason),
        );
        this.dirty = true;
        return {
          audit: this.audit(
            'deadline.extend',
            e.actor,
            {
              zh: `${what.zh}截止时间延至 ${formatShanghai(Date.parse(due.dueAt))}：${e.reason}`,
              en: `${what.en} extended to ${formatShanghai(Date.parse(due.dueAt))}: ${e.reason}`,
            },
            { before: { dueAt: before }, after: { dueAt: due.dueAt } },
          ),
        };
      },
      {
        validator: (raw) => {
          const e = parseInput(extendDeadlineInputSchema, raw);
          this.requireRunning();
          this.requireAcademicAffairs(e.actor, { zh: '调整截止时间', en: 'extend a deadline' }, 4);
          this.requireInPilot('newDueDate', e.newDueDate, e.target.kind === 'weeklyPeriod' ? 5 : 19, {
            zh: '延期后的截止日期',
            en: 'the extended deadline',
          });
          const item = this.extensionTarget(e.target);
          if (!item) {
            refuse([
              inputError(
                'target.id',
                `没有可延期的待办事项 ${e.target.id}（须为未截止的省厅材料要求或当前周次）`,
                `no pending item ${e.target.id} to extend (a provincial request not yet due, or the open week)`,
                'deadline.unknown',
              ),
            ]);
          }
          const due = this.extendedDue(e.target.kind, e.newDueDate);
          const open = this.openPeriod();
          const following =
            e.target.kind === 'weeklyPeriod' && open?.monday
              ? followingWeeklyPeriod(this.s.current, { monday: open.monday }, this.calendar)
              : undefined;
          if (following && due.dueAt >= following.dueAt) {
            refuse([
              inputError(
                'newDueDate',
                `本周周报的截止时间须早于下一周的截止时间 ${formatShanghai(Date.parse(following.dueAt))}`,
                `a week's report must stay due before the next week's, ${formatShanghai(Date.parse(following.dueAt))}`,
                'deadline.pastNextWeek',
              ),
            ]);
          }
          if (due.dueAt <= item.dueAt) {
            refuse([
              inputError(
                'newDueDate',
                `新的截止时间 ${formatShanghai(Date.parse(due.dueAt))} 须晚于原截止时间 ${formatShanghai(Date.parse(item.dueAt))}`,
                `the new deadline ${formatShanghai(Date.parse(due.dueAt))} must be after the current one, ${formatShanghai(Date.parse(item.dueAt))}`,
                'deadline.notLater',
              ),
            ]);
          }
        },
      },
    );

    // A new working-day schedule (e.g. the State Council publishes next year's holidays): the
    // data travels in the Update, so a replay rebuilds the very same calendar.
    setHandler(
      refreshCalendar,
      (raw): ActionResult => {
        const r = refreshCalendarInputSchema.parse(raw);
        const before = this.calendarData?.coveredYears ?? null;
        this.calendarData = r.calendar;
        this.calendar = new WorkingCalendar([r.calendar], this.onCalendarWarning);
        this.dirty = true;
        return {
          audit: this.audit(
            'calendar.refresh',
            r.actor,
            {
              zh: `更新节假日与调休安排（已载入 ${r.calendar.coveredYears.join('、')} 年）`,
              en: `working-day schedule updated (years loaded: ${r.calendar.coveredYears.join(', ')})`,
            },
            { before: { coveredYears: before }, after: { coveredYears: r.calendar.coveredYears } },
          ),
        };
      },
      {
        validator: (raw) => {
          const r = parseInput(refreshCalendarInputSchema, raw);
          this.requireRunning();
          this.requireAcademicAffairs(r.actor, { zh: '更新节假日安排', en: 'update the working-day schedule' }, 4);
        },
      },
    );

    // Art. 19(2)–(4): violations, and cancellation by Academic Affairs.
    setHandler(
      recordViolation,
      (raw): ActionResult => {
        const v = violationInputSchema.parse(raw);
        const violation = { ...v, recordedAt: nowIso() };
        s.violations.push(violation);
        const entry = this.audit(
          'violation.record',
          v.recordedBy,
          { zh: `登记违规情形（${v.ground}）：${v.description}`, en: `violation recorded (${v.ground}): ${v.description}` },
          { after: { id: v.id, ground: v.ground, evidence: v.evidence }, ruleIds: [`art19.${v.ground}`] },
        );
        this.flagRisk({
          zh: `教务部登记了第十九条规定的情形：${v.description}`,
          en: `Academic Affairs recorded an Art. 19 ground: ${v.description}`,
        });
        return { audit: entry };
      },
      {
        validator: (raw) => {
          const v = parseInput(violationInputSchema, raw);
          this.requireRunning();
          this.requireOwnPilot(v.pilotId);
          const who = checkViolationRecord(v);
          if (who.length) refuse(who);
          this.requireInPilot('occurredOn', v.occurredOn, 19, { zh: `违规情形 ${v.id}`, en: `violation ${v.id}` });
          if (s.violations.some((x) => x.id === v.id))
            refuse([inputError('id', `违规记录 ${v.id} 已登记`, `violation ${v.id} is already recorded`, 'violation.duplicate')]);
        },
      },
    );
    setHandler(
      cancelPilot,
      (raw): ActionResult => {
        const c = cancelPilotInputSchema.parse(raw);
        const grounds = cancellationGrounds(
          { consecutiveProvincialMisses: s.consecutiveProvincialMisses, violations: s.violations },
          this.rules,
        );
        const entry = this.audit(
          'pilot.cancel',
          c.actor,
          { zh: `取消试点：${c.reason}`, en: `pilot cancelled: ${c.reason}` },
          { ruleIds: grounds.map((g) => g.ruleId) },
        );
        this.cancel(grounds, c.actor);
        return { audit: entry };
      },
      {
        validator: (raw) => {
          const c = parseInput(cancelPilotInputSchema, raw);
          this.requireRunning();
          this.requireAcademicAffairs(c.actor, { zh: '取消试点', en: 'cancel a pilot' }, 19);
          const grounds = cancellationGrounds(
            { consecutiveProvincialMisses: s.consecutiveProvincialMisses, violations: s.violations },
            this.rules,
          );
          if (grounds.length === 0) {
            refuse([
              {
                ruleId: 'art19.grounds',
                article: { article: 19 },
                severity: 'hard',
                field: 'reason',
                message: {
                  zh: '尚未登记第十九条规定的取消情形（连续三次未报送省厅材料，或第（二）至（四）项违规），不能取消试点',
                  en: 'no Art. 19 ground is recorded (three consecutive provincial misses, or a violation under items (2)–(4)); the pilot cannot be cancelled',
                },
              },
            ]);
          }
        },
      },
    );
  }

  /** What is overdue or pending now, for a reminder. */
  pendingItems(): Bilingual[] {
    const s = this.s;
    const out: Bilingual[] = [];
    for (const p of s.periods.filter((x) => x.outcome === 'missed').slice(-3))
      out.push({ zh: `${p.id} 工作周报逾期未交（第五条）`, en: `weekly report for ${p.id} missed (Art. 5)` });
    for (const r of s.provincial.filter((x) => x.outcome === 'missed' || x.outcome === 'pending')) {
      out.push({
        zh: `省厅材料“${r.title}”${r.outcome === 'missed' ? '逾期未报送' : `截止 ${formatShanghai(Date.parse(r.dueAt))}`}（第十九条）`,
        en: `provincial material “${r.title}” ${r.outcome === 'missed' ? 'missed' : `due ${formatShanghai(Date.parse(r.dueAt))}`} (Art. 19)`,
      });
    }
    for (const r of s.rectifications.filter((x) => x.status === 'overdue'))
      out.push({ zh: `检查 ${r.id} 的整改逾期（第十八条）`, en: `rectification of inspection ${r.id} overdue (Art. 18)` });
    const open = this.openPeriod();
    if (open && open.outcome === 'pending')
      out.push({
        zh: `${open.id} 工作周报截止 ${formatShanghai(Date.parse(open.dueAt))}`,
        en: `weekly report for ${open.id} due ${formatShanghai(Date.parse(open.dueAt))}`,
      });
    return out;
  }

  extensionTarget(t: {
    kind: 'provincialRequest' | 'weeklyPeriod';
    id: string;
  }): { dueAt: string; remindAt: string; reminded: boolean; extended?: boolean; title?: string; dueDate?: string } | undefined {
    if (t.kind === 'provincialRequest') return this.s.provincial.find((r) => r.id === t.id && r.outcome === 'pending');
    const open = this.openPeriod();
    return open && open.id === t.id && open.outcome === 'pending' ? open : undefined;
  }

  /** A new due instant on a working day at the policy's (weekly) or the table's (provincial) time. */
  extendedDue(kind: 'provincialRequest' | 'weeklyPeriod', date: string): { dueDate: string; dueAt: string; remindAt: string } {
    if (kind === 'provincialRequest') return provincialMaterialDeadline({ dueDate: date }, this.rules, this.calendar);
    const policy = this.s.current.reportPolicy;
    const dueDate = this.calendar.onOrNextWorkingDay(date);
    const due = shanghaiInstant(dueDate, policy.time);
    return { dueDate, dueAt: due.toISOString(), remindAt: new Date(due.getTime() - policy.reminderLeadHours * 3_600_000).toISOString() };
  }

  /** Art. 18: a failed inspection sends a notice and opens a rectification (a child workflow). */
  openRectification(i: Inspection): void {
    // The deadline counts from the day the notice goes out (a failure recorded late is not overdue at once).
    const today = shanghaiDate(Date.now());
    const deadline = rectificationFor({ ...i, inspectedOn: i.inspectedOn > today ? i.inspectedOn : today }, this.rules, this.calendar);
    if (!deadline) return;
    const workflowId = rectificationWorkflowId(this.workflowId, i.id);
    this.s.rectifications.push({
      id: i.id,
      workflowId,
      noticeOn: deadline.noticeOn,
      dueAt: deadline.dueAt,
      status: 'open',
      reinspectionFailures: 0,
    });
    this.outbox.push({
      kind: 'startRectification',
      workflowId,
      input: {
        rectificationId: i.id,
        parentWorkflowId: this.workflowId,
        pilot: this.childPilot(),
        recipients: this.childRecipients(),
        inspection: i,
        deadline,
        rulesVersion: this.pilot.rulesVersion,
      },
    });
    this.audit(
      'rectification.open',
      undefined,
      {
        zh: `检查 ${i.id} 不合格，通报并限期整改至 ${formatShanghai(Date.parse(deadline.dueAt))}`,
        en: `inspection ${i.id} failed: notice sent, rectification due ${formatShanghai(Date.parse(deadline.dueAt))}`,
      },
      { after: { dueAt: deadline.dueAt }, ruleIds: ['art18.rectification'] },
    );
  }

  approvalConcluded(c: ApprovalConcluded): void {
    const s = this.s;
    const rec = s.approvals.find((x) => x.approvalId === c.approvalId);
    // A repeated signal, or one arriving after the pilot ended and closed its approvals.
    if (
      !rec ||
      rec.status === 'approved' ||
      rec.status === 'rejected' ||
      rec.status === 'withdrawn' ||
      rec.status === 'cancelled' ||
      s.status !== 'running'
    )
      return;
    rec.status = c.outcome;
    rec.concludedAt = c.concludedAt;
    rec.subject = c.subject;
    const last = c.decisions[c.decisions.length - 1];
    const outcomeName = {
      approved: { zh: '通过', en: 'approved' },
      rejected: { zh: '未通过', en: 'rejected' },
      withdrawn: { zh: '已撤回', en: 'withdrawn' },
    }[c.outcome];
    if (c.outcome === 'approved' && c.kind === 'budget') {
      const before = s.approvedBudgetFen;
      s.approvedBudgetFen = budgetTotalFen(c.subject as BudgetPlan);
      const amt = formatFen(s.approvedBudgetFen);
      this.audit(
        'budget.approved',
        last?.actor,
        {
          zh: `资金预算方案 ${c.approvalId} 经主管校领导批准：${amt.zh}`,
          en: `budget plan ${c.approvalId} approved by the school leader: ${amt.en}`,
        },
        {
          before: { approvedBudgetFen: before ?? null },
          after: { approvedBudgetFen: s.approvedBudgetFen },
          ruleIds: ['art13.approvalChain'],
        },
      );
      return;
    }
    if (c.outcome === 'approved' && c.kind === 'changeRequest') {
      this.applyChange(c.subject as ChangeRequest, c);
      return;
    }
    this.audit(
      `approval.${c.outcome}`,
      last?.actor,
      { zh: `${rec.summary.zh}：${outcomeName.zh}`, en: `${rec.summary.en}: ${outcomeName.en}` },
      { after: { approvalId: c.approvalId, outcome: c.outcome } },
    );
  }

  /** Art. 7: an approved and filed change request takes effect; a new lead gets every later e-mail. */
  applyChange(req: ChangeRequest, c: ApprovalConcluded): void {
    const s = this.s;
    const before = { lead: s.current.lead, startDate: s.current.startDate, endDate: s.current.endDate };
    const { lead, schedule } = req.changes;
    s.current = {
      ...s.current,
      ...(lead ? { lead: { ...lead } } : {}),
      ...(schedule?.startDate ? { startDate: schedule.startDate } : {}),
      ...(schedule?.endDate ? { endDate: schedule.endDate } : {}),
    };
    const after = { lead: s.current.lead, startDate: s.current.startDate, endDate: s.current.endDate };
    this.dirty = true;
    const filing = c.filing ? `${c.filing.reference}` : '—';
    this.audit(
      'change.applied',
      c.decisions[c.decisions.length - 1]?.actor,
      {
        zh: `变更申请 ${req.id} 经审核并报省厅备案（${filing}）后生效`,
        en: `change request ${req.id} approved and filed with the province (${filing}); in effect`,
      },
      { before, after, ruleIds: ['art7.filing'] },
    );
    if (lead) {
      const text = notices.leadChangedNotice(before.lead, lead, filing);
      this.notice(
        `change:${c.approvalId}:lead`,
        [{ role: 'pilotLead', email: before.lead.email, name: before.lead.name }, ...this.recipients('pilotLead', 'collegeLeader')],
        text,
      );
    }
  }

  rectificationEvent(e: RectificationEvent): void {
    const rec = this.s.rectifications.find((r) => r.id === e.rectificationId);
    if (!rec || rec.status === 'closed' || rec.status === 'cancelled' || this.s.status !== 'running') return;
    if (e.event === 'overdue') {
      if (rec.status === 'overdue') return;
      rec.status = 'overdue';
      this.audit(
        'rectification.overdue',
        undefined,
        { zh: `检查 ${rec.id} 的整改逾期未完成`, en: `the rectification of inspection ${rec.id} is overdue` },
        { ruleIds: ['art18.rectification'] },
      );
      this.flagRisk({ zh: `整改逾期未完成（检查 ${rec.id}）`, en: `rectification overdue (inspection ${rec.id})` });
    } else if (e.event === 'reinspectionFailed') {
      rec.reinspectionFailures += 1;
      rec.status = 'open';
      rec.dueAt = e.dueAt;
      this.s.inspections.push({
        id: e.reinspectionId,
        inspectedOn: e.at.slice(0, 10),
        kind: 'reinspection',
        outcome: 'fail',
        failed: [],
        reinspectionOf: rec.id,
        recordedBy: { id: 'rectification', role: 'academicAffairs' },
      });
      this.audit(
        'rectification.reinspectionFailed',
        undefined,
        {
          zh: `复查 ${e.reinspectionId} 不合格，整改期限延至 ${formatShanghai(Date.parse(e.dueAt))}`,
          en: `re-inspection ${e.reinspectionId} failed; rectification now due ${formatShanghai(Date.parse(e.dueAt))}`,
        },
        { after: { dueAt: e.dueAt } },
      );
      this.flagRisk({ zh: `复查再次不合格（${e.reinspectionId}）`, en: `the re-inspection failed again (${e.reinspectionId})` });
    } else {
      rec.status = 'closed';
      rec.closedAt = e.at;
      this.s.inspections.push({
        id: e.reinspectionId,
        inspectedOn: e.at.slice(0, 10),
        kind: 'reinspection',
        outcome: 'pass',
        failed: [],
        reinspectionOf: rec.id,
        recordedBy: { id: 'rectification', role: 'academicAffairs' },
      });
      this.audit('rectification.closed', undefined, {
        zh: `复查 ${e.reinspectionId} 合格，检查 ${rec.id} 的整改完成`,
        en: `re-inspection ${e.reinspectionId} passed; the rectification of ${rec.id} is closed`,
      });
    }
    this.syncOverdue();
  }

  /** Art. 17's cap is 原则上: Academic Affairs may waive it for one session with a reason. */
  feeCapWaiver(sessionId: string, reason: string, actor: Actor) {
    const w = grantWaiver({ ruleId: 'art17.feeCap', subjectId: sessionId, reason }, actor, new Date(Date.now()));
    if (!w.ok) refuse(w.errors.map((e) => ({ ...e, field: e.field === 'actor.role' ? 'actor.role' : `feeCapWaiverReason` })));
    return [w.value];
  }

  /** Art. 12: recompute a year's pass count; below the threshold restricts next year's application. */
  refreshPassYear(year: number): void {
    const sessions = this.s.assessments
      .filter((a) => a.year === year && a.passed !== undefined)
      .map((a) => ({ candidates: a.candidates, passed: a.passed! }));
    const count = totalPassCount(sessions);
    const restricted = passRateBelow(count, this.rules.passRateThresholdBp);
    const existing = this.s.passYears.find((y) => y.year === year);
    const wasRestricted = existing?.restricted ?? false;
    const record = {
      year,
      candidates: count.candidates,
      passed: count.passed,
      ...(count.candidates > 0 ? { rateBp: passRate(count) } : {}),
      restricted,
    };
    if (existing) Object.assign(existing, record);
    else this.s.passYears.push(record);
    // Art. 12: the programme registry keeps every pilot-year's pass record, where next
    // year's application round reads it.
    if (count.candidates > 0) {
      const p = this.s.current;
      this.outbox.push({
        kind: 'reportPassRecord',
        report: {
          pilotId: p.id,
          record: {
            year,
            collegeId: p.college.id,
            major: { ...(p.major.code ? { code: p.major.code } : {}), name: p.major.name },
            certificate: { name: p.certificate.name, evaluationOrg: p.certificate.evaluationOrg },
            candidates: count.candidates,
            passed: count.passed,
          },
        },
      });
      this.dirty = true;
    }
    if (restricted && !wasRestricted) {
      this.audit(
        'assessment.restriction',
        undefined,
        {
          zh: `${year} 年通过率 ${formatPassRate(count)} 低于 90%，限制 ${year + 1} 年度申报`,
          en: `${year} pass rate ${formatPassRate(count)} below 90 %: ${year + 1} application restricted`,
        },
        { after: record, ruleIds: ['art12.passRateRestriction'] },
      );
      this.notice(
        `passrate:${year}:restricted`,
        this.recipients('collegeLeader', 'academicAffairs'),
        notices.passRateRestrictedNotice(year, formatPassRate(count), count.candidates, count.passed),
      );
    }
  }

  cancel(grounds: RuleResult[], by?: Actor): void {
    const s = this.s;
    s.status = 'cancelled';
    s.cancellation = { at: nowIso(), ...(by ? { by } : {}), grounds };
    upsertSearchAttributes([{ key: OnexStage, value: 'cancelled' }]);
    this.closeChildren();
    this.notice(
      'pilot:cancelled',
      this.recipients('pilotLead', 'collegeLeader', 'academicAffairs', 'schoolLeader'),
      notices.cancelledNotice(grounds),
    );
    this.dirty = true;
  }

  complete(): void {
    const s = this.s;
    const assessed = s.assessments.reduce((n, a) => n + a.candidates, 0);
    const accountability = assessmentTaskResult(s.current.approvedTask, assessed);
    s.status = 'completed';
    s.completion = {
      at: nowIso(),
      assessed,
      ...(s.current.approvedTask !== undefined ? { approvedTask: s.current.approvedTask } : {}),
      accountability,
    };
    upsertSearchAttributes([{ key: OnexStage, value: 'completed' }]);
    this.closeChildren();
    this.audit(
      'pilot.complete',
      undefined,
      accountability
        ? {
            zh: `试点结项，考核任务未完成（${assessed}/${s.current.approvedTask}），追究责任`,
            en: `pilot completed; assessment task not met (${assessed}/${s.current.approvedTask}); accountability flagged`,
          }
        : { zh: `试点结项，考核 ${assessed} 人次`, en: `pilot completed, ${assessed} assessed` },
      { after: s.completion, ruleIds: ['art20.assessmentTask'] },
    );
    this.notice(
      'pilot:completed',
      this.recipients('pilotLead', 'collegeLeader', 'academicAffairs'),
      notices.completedNotice(assessed, s.current.approvedTask, accountability, s.ledger.balanceFen),
    );
  }

  // ── timers ─────────────────────────────────────────────────────────────────
  /** Does whatever is due now; returns nothing. Sends through the outbox. */
  processDue(): void {
    const s = this.s;
    const now = nowIso();
    // Weekly work reports (Art. 5): one period at a time.
    for (;;) {
      let p = this.openPeriod();
      if (!p) {
        const last = s.periods[s.periods.length - 1];
        const next: WeeklyPeriod | undefined = last?.monday
          ? // After a change of schedule (Art. 7) the following week may lie before the new start.
            (followingWeeklyPeriod(s.current, { monday: last.monday }, this.calendar) ??
            firstWeeklyPeriod(s.current, last.dueAt, this.calendar))
          : last
            ? undefined
            : firstWeeklyPeriod(s.current, s.startedAt, this.calendar);
        if (!next) break;
        p = {
          id: next.id,
          monday: next.monday,
          dueAt: next.dueAt,
          remindAt: next.remindAt,
          shifted: next.dueDate !== next.nominalDueDate,
          outcome: 'pending',
          reminded: false,
          closed: false,
        };
        s.periods.push(p);
        upsertSearchAttributes([{ key: OnexNextDue, value: new Date(p.dueAt) }]);
      }
      if (now >= p.remindAt && !p.reminded && p.outcome === 'pending' && now < p.dueAt) {
        p.reminded = true;
        this.outbox.push({
          kind: 'notify',
          notification: {
            kind: 'weeklyReminder',
            workflowId: this.workflowId,
            eventKey: `weekly:${p.id}:reminder${p.extended ? `:${p.dueAt}` : ''}`,
            occurredAt: now,
            to: escalationRecipients(1, s.current),
            pilot: this.summary(),
            article: ART5,
            periodId: p.id,
            dueAt: p.dueAt,
          },
        });
      }
      // An on-time report closes the week at once, so the next week is open to report on.
      if (now < p.dueAt && p.outcome !== 'onTime') break;
      p.closed = true;
      if (p.outcome !== 'onTime') {
        // A miss: no report by the due instant (a late one may already have arrived).
        if (p.outcome === 'pending') p.outcome = 'missed';
        s.consecutiveMisses += 1;
        const lvl = this.level() as 1 | 2 | 3;
        if (lvl === 3 && !s.escalated) {
          s.escalated = true;
          s.escalatedAt = now;
          upsertSearchAttributes([{ key: OnexEscalated, value: true }]);
        }
        this.audit(
          'weeklyReport.missed',
          undefined,
          {
            zh: `${p.id} 工作周报未按时报送（连续第 ${s.consecutiveMisses} 次）`,
            en: `weekly report for ${p.id} missed (${s.consecutiveMisses} in a row)`,
          },
          { ruleIds: ['art5.weeklyReport.escalation'] },
        );
        this.outbox.push({
          kind: 'notify',
          notification: {
            kind: 'weeklyMissed',
            workflowId: this.workflowId,
            eventKey: `weekly:${p.id}:missed`,
            occurredAt: now,
            to: escalationRecipients(lvl, s.current),
            pilot: this.summary(),
            article: ART5,
            periodId: p.id,
            dueAt: p.dueAt,
            consecutiveMisses: s.consecutiveMisses,
            level: lvl,
          },
        });
        this.syncOverdue();
      }
    }

    // Provincial material requests (Art. 19(1)), in due order.
    for (const r of [...s.provincial].sort((a, b) => a.dueAt.localeCompare(b.dueAt))) {
      if (r.counted) continue;
      if (r.outcome === 'pending' && now >= r.remindAt && !r.reminded && now < r.dueAt) {
        r.reminded = true;
        this.notice(
          `provincial:${r.id}:reminder${r.extended ? `:${r.dueAt}` : ''}`,
          this.recipients('pilotLead'),
          notices.provincialReminderNotice(r),
        );
      }
      if (now < r.dueAt) continue;
      r.counted = true;
      if (r.outcome === 'submitted') {
        s.consecutiveProvincialMisses = 0;
        continue;
      }
      if (r.outcome === 'pending') r.outcome = 'missed';
      s.consecutiveProvincialMisses += 1;
      this.audit(
        'provincial.missed',
        undefined,
        {
          zh: `省厅材料“${r.title}”未按时报送（连续第 ${s.consecutiveProvincialMisses} 次）`,
          en: `provincial material “${r.title}” missed (${s.consecutiveProvincialMisses} in a row)`,
        },
        { ruleIds: ['art19.provincialMisses'] },
      );
      this.notice(
        `provincial:${r.id}:missed`,
        this.recipients('pilotLead', 'collegeLeader', 'academicAffairs'),
        notices.provincialMissedNotice(r, s.consecutiveProvincialMisses, this.rules.provincialMissesToCancel),
      );
      this.syncOverdue();
      const grounds = cancellationGrounds({ consecutiveProvincialMisses: s.consecutiveProvincialMisses, violations: [] }, this.rules);
      if (grounds.length > 0) {
        this.audit(
          'pilot.cancel',
          undefined,
          { zh: '连续三次未报送省厅材料，自动取消试点', en: 'three consecutive provincial misses: the pilot is cancelled' },
          { ruleIds: grounds.map((g) => g.ruleId) },
        );
        this.cancel(grounds);
        return;
      }
    }

    // Periodic inspections (Art. 18): announce each on its day.
    for (const x of s.schedule) {
      if (!x.noticeSent && now >= x.at) {
        x.noticeSent = true;
        this.notice(`inspection:${x.date}:due`, this.recipients('academicAffairs', 'pilotLead'), notices.inspectionDueNotice(x.date));
      }
    }

    // Completion (Art. 20): after the end date, once the last weekly period has closed.
    if (now >= this.endInstant() && !this.openPeriod()) this.complete();
  }

  endInstant(): string {
    return shanghaiInstant(this.s.current.endDate, '23:59').toISOString();
  }

  /** The earliest future instant something is due. */
  nextWake(): number | undefined {
    const s = this.s;
    const times: string[] = [this.endInstant()];
    const p = this.openPeriod();
    if (p) {
      if (!p.reminded && p.outcome === 'pending') times.push(p.remindAt);
      times.push(p.dueAt);
    }
    for (const r of s.provincial) {
      if (r.counted) continue;
      if (!r.reminded && r.outcome === 'pending') times.push(r.remindAt);
      times.push(r.dueAt);
    }
    for (const x of s.schedule) if (!x.noticeSent) times.push(x.at);
    const now = nowIso();
    const future = times.filter((t) => t > now).sort();
    return future.length ? Date.parse(future[0]!) : undefined;
  }

  async drainOutbox(): Promise<void> {
    while (this.outbox.length > 0) {
      const item = this.outbox.shift()!;
      if (item.kind === 'startApproval') {
        if (this.s.approvals.find((a) => a.workflowId === item.workflowId)?.status === 'cancelled') continue;
        // ABANDON: the approval outlives this run when the pilot continues-as-new.
        await startChild(approvalWorkflow, {
          workflowId: item.workflowId,
          args: [item.input],
          parentClosePolicy: ParentClosePolicy.ABANDON,
        });
        const rec = this.s.approvals.find((a) => a.workflowId === item.workflowId);
        if (rec && rec.status === 'starting') rec.status = 'pending';
        continue;
      }
      if (item.kind === 'startRectification') {
        if (this.s.rectifications.find((r) => r.workflowId === item.workflowId)?.status === 'cancelled') continue;
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
          this.audit('registry.reportFailed', undefined, {
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
        if (!(err instanceof ActivityFailure)) throw err;
        record.failed = err.cause?.message ?? err.message;
        this.audit('email.failed', undefined, {
          zh: `邮件未能送达（${n.eventKey}）：${record.failed}`,
          en: `an e-mail could not be delivered (${n.eventKey}): ${record.failed}`,
        });
      }
      this.s.emails.push(record);
    }
  }

  async maybeContinueAsNew(): Promise<void> {
    const info = workflowInfo();
    const limit = this.input.continueAsNewAfterEvents ?? DEFAULT_CONTINUE_AS_NEW_AFTER_EVENTS;
    if (!info.continueAsNewSuggested && info.historyLength < limit) return;
    // Every update handled and every side effect sent, then carry the whole state.
    while (this.outbox.length > 0 || !allHandlersFinished()) {
      await condition(allHandlersFinished);
      await this.drainOutbox();
    }
    await continueAsNew<typeof pilotWorkflow>({
      pilot: this.pilot,
      carried: { ...this.s, runIndex: this.s.runIndex + 1 },
      continueAsNewAfterEvents: this.input.continueAsNewAfterEvents,
      ...(this.calendarData ? { calendar: this.calendarData } : {}),
    });
  }

  async run(): Promise<PilotOutcome> {
    const s = this.s;
    // v2 of the loop resets the wake-up flag before processing, so a change made by a handler
    // while the loop was sending mail is not lost (pilots started before run the v1 loop).
    const resetBeforeProcessing = patched('pilot-loop-dirty-before-process');
    while (s.status === 'running') {
      if (resetBeforeProcessing) this.dirty = false;
      this.processDue();
      await this.drainOutbox();
      if (s.status !== 'running') break;
      await this.maybeContinueAsNew();
      const next = this.nextWake();
      if (!resetBeforeProcessing) this.dirty = false;
      const done = () => this.dirty || s.status !== 'running';
      if (next === undefined) await condition(done);
      else if (next > Date.now()) await condition(done, next - Date.now());
    }
    await this.drainOutbox();
    await condition(allHandlersFinished);
    await this.drainOutbox();
    const count = (o: PeriodRecord['outcome']) => s.periods.filter((p) => p.outcome === o).length;
    return {
      pilotId: this.pilot.id,
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

  state(): PilotState {
    const s = this.s;
    const open = this.openPeriod();
    return {
      ...s,
      pilot: this.pilot,
      workflowId: this.workflowId,
      escalationLevel: this.level(),
      ...(open ? { nextDue: { periodId: open.id, dueAt: open.dueAt, remindAt: open.remindAt } } : {}),
      overdue: this.overdue(),
      waitingOn: this.waitingOn(open),
      historyLength: workflowInfo().historyLength,
    };
  }

  waitingOn(open: PeriodRecord | undefined): Bilingual[] {
    const s = this.s;
    if (s.status === 'completed') return [{ zh: '试点已结项', en: 'the pilot is completed' }];
    if (s.status === 'cancelled') return [{ zh: '试点已取消', en: 'the pilot is cancelled' }];
    const out: Bilingual[] = [];
    if (open && open.outcome === 'pending') {
      const due = formatShanghai(Date.parse(open.dueAt));
      out.push({
        zh: `等待试点负责人提交 ${open.id} 工作周报（截止 ${due}）`,
        en: `waiting for the pilot lead's weekly report for ${open.id} (due ${due})`,
      });
    }
    for (const r of s.provincial.filter((x) => x.outcome === 'pending')) {
      const due = formatShanghai(Date.parse(r.dueAt));
      out.push({ zh: `等待报送省厅材料“${r.title}”（截止 ${due}）`, en: `waiting for provincial material “${r.title}” (due ${due})` });
    }
    for (const x of s.schedule.filter((y) => y.noticeSent && !y.inspectionId)) {
      out.push({ zh: `等待教务部登记 ${x.date} 定期检查结果`, en: `waiting for Academic Affairs to record the ${x.date} inspection` });
    }
    if (out.length === 0) out.push({ zh: '等待下一个周期', en: 'waiting for the next period' });
    return out;
  }
}

export async function pilotWorkflow(input: PilotWorkflowInput): Promise<PilotOutcome> {
  const run = new PilotRun(input);
  run.registerHandlers();
  return run.run();
}
