/**
 * Inputs of the pilot's lifecycle actions (Updates), shared by the workflow's validators,
 * the API and the CLI. Each reuses the subject's own schema from its domain module.
 */
import { z } from 'zod';
import { actorSchema } from './actor';
import { approvalKindNames } from './approval-kinds';
import { assessmentSessionSchema } from './assessment';
import { expenseSchema, incomeSchema } from './funds';
import { inspectionSchema } from './inspection';
import { calendarDateSchema, idSchema, isoDateSchema } from './pilot';
import { documentRefsSchema } from './documents';
import { requiredText } from './validation';
import { provincialMaterialRequestSchema, violationSchema } from './violation';

/** Art. 19(1): Academic Affairs records the province's request (what, by when). */
export const provincialRequestInputSchema = provincialMaterialRequestSchema;
export type ProvincialRequestInput = z.input<typeof provincialRequestInputSchema>;

/** The pilot records that the requested material went to the province. */
export const provincialSubmissionInputSchema = z.object({
  requestId: idSchema,
  note: z.string().trim().max(2000).optional(),
  /** Documents attached to this record (references into the document store, never content). */
  documents: documentRefsSchema.optional(),
  actor: actorSchema,
});
export type ProvincialSubmissionInput = z.input<typeof provincialSubmissionInputSchema>;

/** Art. 11: an expense of the special fund. */
export const expenseInputSchema = expenseSchema;
export type ExpenseInput = z.input<typeof expenseInputSchema>;

/** Art. 12, 14: income of the special fund (exam-service fees, allocations). */
export const incomeInputSchema = incomeSchema;
export type IncomeInput = z.input<typeof incomeInputSchema>;

/** Art. 12, 16–17: an assessment session; Academic Affairs may waive the fee cap with a reason. */
export const assessmentInputSchema = z.object({
  session: assessmentSessionSchema,
  actor: actorSchema,
  feeCapWaiverReason: z.string().trim().min(1).max(2000).optional(),
  /** Documents attached to this record (references into the document store, never content). */
  documents: documentRefsSchema.optional(),
});
export type AssessmentInput = z.input<typeof assessmentInputSchema>;

/** Results of a session recorded before its pass count was known. */
export const assessmentResultInputSchema = z.object({
  sessionId: idSchema,
  passed: z.number().int().min(0).max(100_000),
  actor: actorSchema,
});
export type AssessmentResultInput = z.input<typeof assessmentResultInputSchema>;

/** Art. 18: an inspection (scheduled, ad hoc, or a re-inspection closing a rectification). */
export const inspectionInputSchema = inspectionSchema;
export type InspectionInputData = z.input<typeof inspectionInputSchema>;

/** Art. 19(2)–(4): a violation recorded by Academic Affairs with evidence. */
export const violationInputSchema = violationSchema.omit({ recordedAt: true });
export type ViolationInput = z.input<typeof violationInputSchema>;

/** Art. 19: Academic Affairs cancels the pilot on the recorded grounds. */
export const cancelPilotInputSchema = z.object({
  actor: actorSchema,
  reason: requiredText(2000, '取消试点须写明理由', 'cancelling a pilot needs a written reason'),
});
export type CancelPilotInput = z.input<typeof cancelPilotInputSchema>;

/** Academic Affairs reminds the pilot of everything overdue or pending, now. */
export const remindNowInputSchema = z.object({
  actor: actorSchema,
  note: z.string().trim().max(1000).optional(),
});
export type RemindNowInput = z.input<typeof remindNowInputSchema>;

/** Academic Affairs extends a deadline (e.g. after a change of the holiday schedule), with a reason. */
export const extendDeadlineInputSchema = z.object({
  target: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('provincialRequest'), id: idSchema }),
    z.object({ kind: z.literal('weeklyPeriod'), id: z.string().regex(/^\d{4}-W\d{2}$/) }),
  ]),
  newDueDate: isoDateSchema,
  reason: requiredText(1000, '延期须写明理由', 'an extension needs a written reason'),
  actor: actorSchema,
});
export type ExtendDeadlineInput = z.input<typeof extendDeadlineInputSchema>;

/** A working-day schedule as data (domain/calendar.ts CalendarData), at most ten years' worth. */
export const calendarDataSchema = z.object({
  holidays: z
    .record(calendarDateSchema, z.string().max(100))
    .refine((r) => Object.keys(r).length <= 800, { message: 'too many dates', params: { zh: '日期过多' } }),
  workdays: z
    .record(calendarDateSchema, z.string().max(100))
    .refine((r) => Object.keys(r).length <= 400, { message: 'too many dates', params: { zh: '日期过多' } }),
  coveredYears: z.array(z.number().int().min(2000).max(2100)).max(20),
});

/** Academic Affairs hands a pilot the current working-day schedule (e.g. when a new year's is published). */
export const refreshCalendarInputSchema = z.object({
  calendar: calendarDataSchema,
  actor: actorSchema,
});
export type RefreshCalendarInput = z.input<typeof refreshCalendarInputSchema>;

/** Art. 6(4), 7, 13: submit a budget plan, a change request or an examiner-training plan for approval. */
export const approvalSubmissionInputSchema = z.object({
  kind: z.enum(approvalKindNames),
  /** Parsed by the kind's own schema (domain/approval-kinds.ts) in the validator. */
  subject: z.unknown(),
  /** The plan, request or supporting papers as files (Art. 13: the budget plan). */
  documents: documentRefsSchema.optional(),
  actor: actorSchema,
});
export type ApprovalSubmissionInput = z.input<typeof approvalSubmissionInputSchema>;
