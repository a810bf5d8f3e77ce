/** Types of the pilot workflow's state, shared with the client through the query. */
import type { Actor } from '../domain/actor';
import type { CalendarData, CalendarWarning } from '../domain/calendar';
import type { Bilingual, RuleResult } from '../domain/errors';
import type { Ledger } from '../domain/funds';
import type { NotificationKind, PilotNoticeTopic } from '../domain/notifications';
import type { PilotRecord } from '../domain/pilot';
import type { Waiver } from '../domain/waivers';
import type { Violation } from '../domain/violation';
import type { DocumentRef } from '../domain/documents';
import type { PeriodOutcome, RecipientRole } from '../domain/weekly';

export interface PeriodRecord {
  id: string;
  /** Monday of the ISO week (the cursor for the next period). */
  monday?: string;
  dueAt: string;
  remindAt: string;
  /** True when the due date was moved off a holiday or weekend. */
  shifted: boolean;
  outcome: PeriodOutcome;
  reminded: boolean;
  /** The due instant has been processed (a miss counted if there was no on-time report). */
  closed?: boolean;
  /** Set when Academic Affairs moved the deadline (new reminders get their own mail). */
  extended?: boolean;
  submittedAt?: string;
  by?: Actor;
  /** First characters of the report; the full text is in the update's history event. */
  excerpt?: string;
  chars?: number;
  /** The full text, kept in the document store. */
  text?: DocumentRef;
  /** Files attached to the record (references into the document store). */
  documents?: DocumentRef[];
}

export interface EmailRecord {
  eventKey: string;
  kind: NotificationKind;
  topic?: PilotNoticeTopic;
  to: { role: RecipientRole; email: string }[];
  messageId: string;
  at: string;
  periodId?: string;
  /** Why the mail server refused it for good (then messageId is empty); the pilot goes on. */
  failed?: string;
}

/** Art. 19(1): a material request from the province. */
export interface ProvincialRequestRecord {
  id: string;
  title: string;
  requestedOn: string;
  dueDate: string;
  dueAt: string;
  remindAt: string;
  reminded: boolean;
  /** submitted: by the due instant; late: after it (the miss still counts). */
  outcome: 'pending' | 'submitted' | 'missed' | 'late';
  recordedBy: Actor;
  /** The due instant has been processed: a miss counted, or the count reset by an on-time submission. */
  counted?: boolean;
  /** Set when Academic Affairs moved the deadline (new reminders get their own mail). */
  extended?: boolean;
  submittedAt?: string;
  submittedBy?: Actor;
  note?: string;
  /** Files attached to the record (references into the document store). */
  documents?: DocumentRef[];
}

/** Art. 12, 16–17: an assessment session as recorded. */
export interface AssessmentRecord {
  id: string;
  date: string;
  year: number;
  candidates: number;
  passed?: number;
  publishedFeeFen: number;
  capFen: number;
  forms: string[];
  waivers: string[];
  recordedBy: Actor;
  /** Files attached to the record (references into the document store). */
  documents?: DocumentRef[];
}

/** Art. 12: a pilot-year's pass count and whether it restricts next year's application. */
export interface PassYearRecord {
  year: number;
  candidates: number;
  passed: number;
  /** Basis points, rounded down, for display. */
  rateBp?: number;
  restricted: boolean;
}

export interface InspectionRecord {
  id: string;
  inspectedOn: string;
  kind: 'scheduled' | 'adHoc' | 'reinspection';
  outcome: 'pass' | 'fail';
  failed: string[];
  reinspectionOf?: string;
  recordedBy: Actor;
  /** Files attached to the record (references into the document store). */
  documents?: DocumentRef[];
}

/** A scheduled periodic inspection (Art. 18) and whether its result has been recorded. */
export interface ScheduledInspection {
  date: string;
  at: string;
  noticeSent: boolean;
  inspectionId?: string;
}

export interface RectificationRecord {
  /** The failed inspection's id. */
  id: string;
  workflowId: string;
  noticeOn: string;
  dueAt: string;
  status: 'open' | 'overdue' | 'closed' | 'cancelled';
  reinspectionFailures: number;
  closedAt?: string;
}

export type ApprovalKind = 'budget' | 'changeRequest' | 'examinerPlan';

export interface ApprovalRecord {
  approvalId: string;
  kind: ApprovalKind;
  workflowId: string;
  status: 'starting' | 'pending' | 'approved' | 'rejected' | 'withdrawn' | 'cancelled';
  submittedAt: string;
  submittedBy: Actor;
  /** Files attached to the record (references into the document store). */
  documents?: DocumentRef[];
  summary: Bilingual;
  concludedAt?: string;
  /** Who concluded it (the last decider, the withdrawing submitter, who recorded the filing). */
  concludedBy?: Actor;
  /** Who decided which step, as the approval reported at its conclusion (已办 of each decider). */
  decisions?: { stepId: string; outcome: string; actor: Actor; at: string }[];
  /** The addresses copied on it (抄送我). */
  cc?: string[];
  /** The subject as submitted (budget plan, change request, examiner-training plan). */
  subject: unknown;
}

/** One line of the audit trail: who, what, when, on whose behalf, and before/after values. */
export interface AuditEntry {
  seq: number;
  at: string;
  action: string;
  /** Absent for the system's own acts (timers). */
  actor?: Actor;
  summary: Bilingual;
  before?: unknown;
  after?: unknown;
  ruleIds?: string[];
  /** Files attached to the record (references into the document store). */
  documents?: DocumentRef[];
}

export type PilotStatus = 'running' | 'completed' | 'cancelled';

export interface CancellationRisk {
  flagged: boolean;
  reasons: { at: string; reason: Bilingual }[];
}

export interface PilotCarriedState {
  /** The pilot as it stands now (approved changes applied, Art. 7). */
  current: PilotRecord;
  periods: PeriodRecord[];
  consecutiveMisses: number;
  escalated: boolean;
  escalatedAt?: string;
  provincial: ProvincialRequestRecord[];
  consecutiveProvincialMisses: number;
  ledger: Ledger;
  /** The approved budget total (Art. 13), once a budget plan is approved. */
  approvedBudgetFen?: number;
  assessments: AssessmentRecord[];
  passYears: PassYearRecord[];
  inspections: InspectionRecord[];
  schedule: ScheduledInspection[];
  rectifications: RectificationRecord[];
  approvals: ApprovalRecord[];
  violations: Violation[];
  waivers: Waiver[];
  cancellationRisk: CancellationRisk;
  status: PilotStatus;
  cancellation?: { at: string; by?: Actor; grounds: RuleResult[] };
  completion?: { at: string; assessed: number; approvedTask?: number; accountability: RuleResult | null };
  audit: AuditEntry[];
  emails: EmailRecord[];
  calendarWarnings: CalendarWarning[];
  /** When the pilot workflow first started (weeks already due then are not counted). */
  startedAt: string;
  /** 1 for the first run; +1 at each continue-as-new. */
  runIndex: number;
}

export interface PilotState extends PilotCarriedState {
  /** The pilot as approved at start. */
  pilot: PilotRecord;
  workflowId: string;
  escalationLevel: 0 | 1 | 2 | 3;
  nextDue?: { periodId: string; dueAt: string; remindAt: string };
  overdue: boolean;
  /** What the pilot waits on now, for supervisors. */
  waitingOn: Bilingual[];
  historyLength: number;
  /** The working-day schedule the pilot pinned (refreshed only by refreshCalendar); absent: the bundled one. */
  calendar?: CalendarData;
}

export interface SubmitWeeklyReportResult {
  periodId: string;
  outcome: 'onTime' | 'late';
  submittedAt: string;
  consecutiveMisses: number;
  escalated: boolean;
}

export interface PilotWorkflowInput {
  pilot: PilotRecord;
  /**
   * The working-day schedule pinned for this pilot (domain/calendar.ts calendarSnapshot);
   * refreshed only by the refreshCalendar Update. Absent for pilots started before it
   * existed: they read the bundled data.
   */
  calendar?: CalendarData;
  /** State carried over by continue-as-new; absent on the first run. */
  carried?: PilotCarriedState;
  /** Continue-as-new once history reaches this many events (default 2,000; Temporal suggests at 4,096). */
  continueAsNewAfterEvents?: number;
}

export interface PilotOutcome {
  pilotId: string;
  status: 'completed' | 'cancelled';
  periods: number;
  onTime: number;
  late: number;
  missed: number;
  escalated: boolean;
  runs: number;
  accountability: boolean;
  grounds: string[];
}

/** The result of every lifecycle update: the audit entry it wrote. */
export interface ActionResult {
  audit: AuditEntry;
}
