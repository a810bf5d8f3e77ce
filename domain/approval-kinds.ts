/**
 * The three approvals a pilot runs through the generic approval workflow
 * (workflows/approval/), as data: the chain (who decides, in order), the schema the
 * subject is parsed with, the extra domain check on a (re)submission, the steps that may
 * reject outright (the others return for revision), and whether the provincial filing
 * (备案, Art. 7) must be recorded before the item counts as approved.
 *
 * - budget (Art. 13): college → Academic Affairs → school leader (审批: may reject).
 * - changeRequest (Art. 7): college → Academic Affairs (may reject), then the filing.
 * - examinerPlan (Art. 6(4)): college → Academic Affairs (审核: review, return only).
 */
import { z } from 'zod';
import { actorSchema } from './actor';
import { approvalDecisionInputSchema, type ApprovalChain, type ApprovalStep } from './approval';
import { budgetApprovalChain, budgetPlanSchema, checkBudgetPlan, type BudgetPlan } from './budget';
import { changeRequestSchema, changeReviewChain, type ChangeRequest } from './change';
import type { Bilingual, RuleResult } from './errors';
import { examinerPlanReviewChain, examinerTrainingPlanSchema, type ExaminerTrainingPlan } from './examiner';
import { isoDateSchema } from './pilot';
import { breach } from './rules';
import { requiredText, safeParseBilingual, type ParseResult } from './validation';

export const approvalKindNames = ['budget', 'changeRequest', 'examinerPlan'] as const;
export type ApprovalKind = (typeof approvalKindNames)[number];

export interface ApprovalSubjects {
  budget: BudgetPlan;
  changeRequest: ChangeRequest;
  examinerPlan: ExaminerTrainingPlan;
}
export interface ApprovalSubjectInputs {
  budget: z.input<typeof budgetPlanSchema>;
  changeRequest: z.input<typeof changeRequestSchema>;
  examinerPlan: z.input<typeof examinerTrainingPlanSchema>;
}
export type ApprovalSubject = ApprovalSubjects[ApprovalKind];

export interface ApprovalKindSpec<K extends ApprovalKind> {
  kind: K;
  chain: ApprovalChain;
  schema: z.ZodType<ApprovalSubjects[K], ApprovalSubjectInputs[K]>;
  /** Domain checks beyond the schema (e.g. Art. 11 per budget line, Art. 13 funding ≥ budget). */
  check(subject: ApprovalSubjects[K]): RuleResult[];
  /** Steps whose approver may reject outright; elsewhere only approve or return. */
  rejectableSteps: readonly string[];
  /** Art. 7: approved only once the provincial filing is recorded. */
  requiresFiling: boolean;
  /** What the item is called in mails and lists. */
  title(subject: ApprovalSubjects[K]): Bilingual;
}

export const approvalKinds: { readonly [K in ApprovalKind]: ApprovalKindSpec<K> } = {
  budget: {
    kind: 'budget',
    chain: budgetApprovalChain,
    schema: budgetPlanSchema,
    check: checkBudgetPlan,
    rejectableSteps: ['schoolLeader'],
    requiresFiling: false,
    title: (s) => ({ zh: `${s.year} 年度资金预算方案和经费筹措方案（${s.id}）`, en: `budget and funding plan ${s.year} (${s.id})` }),
  },
  changeRequest: {
    kind: 'changeRequest',
    chain: changeReviewChain,
    schema: changeRequestSchema,
    check: () => [],
    rejectableSteps: ['academicAffairs'],
    requiresFiling: true,
    title: (s) => ({ zh: `变更申请（${s.id}）`, en: `change request ${s.id}` }),
  },
  examinerPlan: {
    kind: 'examinerPlan',
    chain: examinerPlanReviewChain,
    schema: examinerTrainingPlanSchema,
    check: () => [],
    rejectableSteps: [],
    requiresFiling: false,
    title: (s) => ({ zh: `${s.year} 年度考评人员培训计划（${s.id}）`, en: `examiner-training plan ${s.year} (${s.id})` }),
  },
};

/** The spec of a kind, typed loosely for code that handles every kind alike. */
export function approvalKindSpec(kind: ApprovalKind): ApprovalKindSpec<ApprovalKind> {
  return approvalKinds[kind] as unknown as ApprovalKindSpec<ApprovalKind>;
}

/**
 * The pseudo-step after Academic Affairs approves a change request: Academic Affairs
 * records the provincial filing (Art. 7). It has a due date, a reminder and an escalation
 * like any step.
 */
export const provincialFilingStep: ApprovalStep = Object.freeze({
  id: 'provincialFiling',
  role: 'academicAffairs',
  collegeScoped: false,
  title: Object.freeze({ zh: '省教育厅备案登记', en: 'recording the provincial filing' }),
});

/** Parses a (re)submitted subject with its kind's schema, then runs the kind's domain checks. */
export function parseApprovalSubject<K extends ApprovalKind>(
  kind: K,
  raw: unknown,
  fieldPrefix = 'subject',
): ParseResult<ApprovalSubjects[K]> {
  const spec = approvalKinds[kind] as unknown as ApprovalKindSpec<K>;
  const parsed = safeParseBilingual(spec.schema, raw, fieldPrefix);
  if (!parsed.ok) return parsed;
  const errors = spec.check(parsed.value).map((r) => ({ ...r, field: `${fieldPrefix}.${r.field}` }));
  return errors.length > 0 ? { ok: false, errors } : parsed;
}

/**
 * Checks the parts of an approval's start that the schema cannot: the subject belongs to
 * the pilot, and every step of the chain has someone to mail (the school leader's address
 * is required for the budget chain, Art. 13).
 */
export function checkApprovalStart(
  kind: ApprovalKind,
  subject: Pick<ApprovalSubject, 'pilotId'>,
  pilotId: string,
  recipients: Partial<Record<ApprovalStep['role'], string>>,
): RuleResult[] {
  const { chain } = approvalKindSpec(kind);
  const out: RuleResult[] = [];
  if (subject.pilotId !== pilotId) {
    out.push(
      breach(chain.rule, 'subject.pilotId', {
        zh: `审批事项属于试点 ${subject.pilotId}，不是 ${pilotId}`,
        en: `the item belongs to pilot ${subject.pilotId}, not ${pilotId}`,
      }),
    );
  }
  for (const step of chain.steps) {
    if (!recipients[step.role]) {
      out.push(
        breach(chain.rule, `recipients.${step.role}`, {
          zh: `审批环节“${step.title.zh}”缺少审批人邮箱`,
          en: `no e-mail address for the approver of the step “${step.title.en}”`,
        }),
      );
    }
  }
  return out;
}

// ── Update inputs of the approval workflow (parsed by its validators; the API may reuse them) ──

const userIdSchema = z.string().trim().min(1).max(128);
const optionalName = z.string().trim().min(1).max(64).optional();

/** Decide the current step: `stepId` names it (a stale or wrong step is refused). */
export const decideApprovalInputSchema = approvalDecisionInputSchema.and(
  z.object({
    stepId: requiredText(64, '审批环节不能为空', 'the step must not be blank'),
    /** For a return: `submitter` (default) or the id of an earlier step. */
    returnTo: z.string().trim().min(1).max(64).optional(),
    /** Why the submitter decides their own item (only roles the rule table allows; recorded). */
    overrideReason: z.string().trim().min(1).max(1000).optional(),
    actor: actorSchema,
  }),
);

export const resubmitApprovalInputSchema = z.object({
  /** The amended subject, parsed by the kind's schema (parseApprovalSubject). */
  subject: z.unknown(),
  note: z.string().trim().max(2000).optional(),
  actor: actorSchema,
});

export const withdrawApprovalInputSchema = z.object({
  reason: z.string().trim().max(2000).optional(),
  actor: actorSchema,
});

export const delegateApprovalInputSchema = z.object({
  stepId: requiredText(64, '审批环节不能为空', 'the step must not be blank'),
  delegate: z.object({ userId: userIdSchema, email: z.email(), name: optionalName }),
  /** Until when the delegate may decide (ISO instant). */
  validUntil: z.iso.datetime(),
  actor: actorSchema,
});

export const ccApprovalInputSchema = z.object({
  people: z
    .array(z.object({ email: z.email(), name: optionalName, userId: userIdSchema.optional() }))
    .min(1)
    .max(20),
  actor: actorSchema,
});

export const recordApprovalFilingInputSchema = z.object({
  filedOn: isoDateSchema,
  reference: requiredText(200, '备案回执或文号不能为空', 'the filing reference must not be blank'),
  actor: actorSchema,
});
