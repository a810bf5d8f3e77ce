/** The pilot workflow's messages (re-exported by workflows/messages.ts). */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { PilotState, SubmitWeeklyReportResult } from '../pilot-state';
import type { WeeklyReportInput } from '../../domain/weekly';

/** Art. 5: the working group / pilot lead submits a weekly work report. */
export const submitWeeklyReport = defineUpdate<SubmitWeeklyReportResult, [WeeklyReportInput]>('submitWeeklyReport');

/** The whole state of a pilot, for supervisors and the admin client. */
export const pilotStateQuery = defineQuery<PilotState>('pilotState');
