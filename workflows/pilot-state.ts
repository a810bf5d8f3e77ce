/** Types of the pilot workflow's state, shared with the client through the query. */
import type { Actor } from '../domain/actor';
import type { CalendarWarning } from '../domain/calendar';
import type { Bilingual } from '../domain/errors';
import type { NotificationKind } from '../domain/notifications';
import type { PilotRecord } from '../domain/pilot';
import type { PeriodOutcome, RecipientRole } from '../domain/weekly';

export interface PeriodRecord {
  id: string;
  dueAt: string;
  remindAt: string;
  /** True when the due date was moved off a holiday or weekend. */
  shifted: boolean;
  outcome: PeriodOutcome;
  reminded: boolean;
  submittedAt?: string;
  by?: Actor;
  /** First characters of the report; the full text is in the update's history event. */
  excerpt?: string;
  chars?: number;
}

export interface EmailRecord {
  eventKey: string;
  kind: NotificationKind;
  to: { role: RecipientRole; email: string }[];
  messageId: string;
  at: string;
  periodId?: string;
}

export type PilotStatus = 'running' | 'completed';

export interface PilotCarriedState {
  periods: PeriodRecord[];
  consecutiveMisses: number;
  escalated: boolean;
  escalatedAt?: string;
  emails: EmailRecord[];
  calendarWarnings: CalendarWarning[];
  /** Monday of the last period started (the cursor), absent before the first. */
  lastPeriodMonday?: string;
  /** When the pilot workflow first started (weeks already due then are not counted). */
  startedAt: string;
  /** 1 for the first run; +1 at each continue-as-new. */
  runIndex: number;
}

export interface PilotState extends PilotCarriedState {
  pilot: PilotRecord;
  workflowId: string;
  status: PilotStatus;
  escalationLevel: 0 | 1 | 2 | 3;
  nextDue?: { periodId: string; dueAt: string; remindAt: string };
  /** What the pilot waits on now, for supervisors. */
  waitingOn: Bilingual;
  historyLength: number;
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
  /** State carried over by continue-as-new; absent on the first run. */
  carried?: PilotCarriedState;
  /** Continue-as-new once history reaches this many events (default 2,000; Temporal suggests at 4,096). */
  continueAsNewAfterEvents?: number;
}

export interface PilotOutcome {
  pilotId: string;
  status: 'completed';
  periods: number;
  onTime: number;
  late: number;
  missed: number;
  escalated: boolean;
  runs: number;
}
