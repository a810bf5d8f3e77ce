/** The pilot workflow's messages (re-exported by workflows/messages.ts). */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type {
  ApprovalSubmissionInput,
  AssessmentInput,
  AssessmentResultInput,
  CancelPilotInput,
  ExtendDeadlineInput,
  RefreshCalendarInput,
  RemindNowInput,
  ExpenseInput,
  IncomeInput,
  InspectionInputData,
  ProvincialRequestInput,
  ProvincialSubmissionInput,
  ViolationInput,
} from '../../domain/pilot-actions';
import type { WeeklyReportInput } from '../../domain/weekly';
import type { ActionResult, AuditEntry, PilotState, SubmitWeeklyReportResult } from '../pilot-state';

/** Art. 5: the working group / pilot lead submits a weekly work report. */
export const submitWeeklyReport = defineUpdate<SubmitWeeklyReportResult, [WeeklyReportInput]>('submitWeeklyReport');
/** Art. 19(1): Academic Affairs records a provincial material request. */
export const recordProvincialRequest = defineUpdate<ActionResult, [ProvincialRequestInput]>('recordProvincialRequest');
/** Art. 19(1): the pilot records its submission of requested material. */
export const submitProvincialMaterial = defineUpdate<ActionResult, [ProvincialSubmissionInput]>('submitProvincialMaterial');
/** Art. 5(3), 11: an expense booked to the pilot's own ledger. */
export const recordExpense = defineUpdate<ActionResult, [ExpenseInput]>('recordExpense');
/** Art. 12, 14: income booked to the pilot's own ledger. */
export const recordIncome = defineUpdate<ActionResult, [IncomeInput]>('recordIncome');
/** Art. 12, 16–17: an assessment session. */
export const recordAssessment = defineUpdate<ActionResult, [AssessmentInput]>('recordAssessment');
/** Art. 12: a session's pass count. */
export const recordAssessmentResult = defineUpdate<ActionResult, [AssessmentResultInput]>('recordAssessmentResult');
/** Art. 18: an inspection result. */
export const recordInspection = defineUpdate<ActionResult, [InspectionInputData]>('recordInspection');
/** Art. 19(2)–(4): a violation with evidence. */
export const recordViolation = defineUpdate<ActionResult, [ViolationInput]>('recordViolation');
/** Art. 6(4), 7, 13: start an approval (a child workflow) for a budget, change request or examiner plan. */
export const submitForApproval = defineUpdate<ActionResult & { approvalId: string; workflowId: string }, [ApprovalSubmissionInput]>(
  'submitForApproval',
);
/** Academic Affairs reminds the pilot of everything overdue or pending, now (bulk "remind everyone overdue"). */
export const remindNow = defineUpdate<ActionResult, [RemindNowInput]>('remindNow');
/** Academic Affairs extends a pending deadline (a provincial request or the open weekly period). */
export const extendDeadline = defineUpdate<ActionResult, [ExtendDeadlineInput]>('extendDeadline');
/** Academic Affairs hands the pilot the current working-day schedule (its pinned calendar is replaced). */
export const refreshCalendar = defineUpdate<ActionResult, [RefreshCalendarInput]>('refreshCalendar');
/** Art. 19: cancel the pilot. */
export const cancelPilot = defineUpdate<ActionResult, [CancelPilotInput]>('cancelPilot');

/** The whole state of a pilot, for supervisors and the admin client. */
export const pilotStateQuery = defineQuery<PilotState>('pilotState');
/** The audit trail alone (who, what, when, on whose behalf, before/after). */
export const pilotAuditQuery = defineQuery<AuditEntry[]>('pilotAudit');
