/**
 * Every Update, Query and Signal, defined once. Workflows and the client import these;
 * no message name appears as a string anywhere else.
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { PilotState, SubmitWeeklyReportResult } from './pilot-state';
import type { WeeklyReportInput } from '../domain/weekly';

/** Art. 5: the working group / pilot lead submits a weekly work report. */
export const submitWeeklyReport = defineUpdate<SubmitWeeklyReportResult, [WeeklyReportInput]>('submitWeeklyReport');

/** The whole state of a pilot, for supervisors and the admin client. */
export const pilotStateQuery = defineQuery<PilotState>('pilotState');

/** Application-failure type of a refused action; its details hold the RuleResult[]. */
export const REFUSAL_FAILURE_TYPE = 'OnexRefusal';
