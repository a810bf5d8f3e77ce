/**
 * Approval chains as data: who decides, in which order. Used for the budget plan
 * (Art. 13: college → Academic Affairs → school leader), the application review
 * (Art. 5(2), 9(2): college leader signs off → Academic Affairs), the examiner-training
 * plan (Art. 6(4): college → Academic Affairs) and change requests (Art. 7: college →
 * Academic Affairs, then filing with the province).
 *
 * A chain's state is derived from the decisions of the current submission only: when a
 * step returns the item for revision, the submitter revises and resubmits, and the caller
 * starts a fresh decision list.
 */
import { z } from 'zod';
import { actorSchema, hasRole, roleNames, type Actor, type Role } from './actor';
import { dateDeadline, shanghaiDate, type Deadline, type WorkingCalendar } from './calendar';
import type { Bilingual, RuleResult } from './errors';
import { breach, defineRule, type RuleDefinition } from './rules';
import type { RuleTable } from './tables';
import { requiredText } from './validation';

export interface ApprovalStep {
  /** Stable id of the step within its chain, e.g. `college`. */
  readonly id: string;
  readonly role: Role;
  /** When true, the deciding actor must belong to the subject's college. */
  readonly collegeScoped: boolean;
  readonly title: Bilingual;
}

export interface ApprovalChain {
  readonly id: string;
  /** The rule the chain enforces; every refusal cites it. */
  readonly rule: RuleDefinition;
  readonly steps: readonly ApprovalStep[];
}

export const approvalOutcomes = ['approve', 'return', 'reject'] as const;
export type ApprovalOutcome = (typeof approvalOutcomes)[number];

/** What a person submits to decide a step. A comment is required to return or reject. */
export const approvalDecisionInputSchema = z
  .object({
    outcome: z.enum(approvalOutcomes),
    comment: z.string().trim().max(2000).optional(),
  })
  .superRefine((d, ctx) => {
    if (d.outcome !== 'approve' && !d.comment) {
      ctx.addIssue({
        code: 'custom',
        path: ['comment'],
        message: 'returning or rejecting needs a comment saying why',
        params: { zh: '退回修改或不予通过时必须填写意见' },
      });
    }
  });
export type ApprovalDecisionInput = z.output<typeof approvalDecisionInputSchema>;

/** A decision as recorded: the step, the outcome, who and when (workflow time). */
export const approvalDecisionSchema = z.object({
  stepId: requiredText(64, '审批环节不能为空', 'the step must not be blank'),
  outcome: z.enum(approvalOutcomes),
  comment: z.string().trim().max(2000).optional(),
  actor: actorSchema,
  at: z.iso.datetime(),
});
export type ApprovalDecision = z.output<typeof approvalDecisionSchema>;

export type ApprovalState =
  | { status: 'pending'; step: ApprovalStep; stepIndex: number }
  | { status: 'approved' }
  | { status: 'returned' | 'rejected'; step: ApprovalStep; comment: string };

function describeStep(step: ApprovalStep): Bilingual {
  return { zh: `${step.title.zh}（${roleNames[step.role].zh}）`, en: `${step.title.en} (${roleNames[step.role].en})` };
}

/**
 * May `actor` decide the chain's current step for a subject belonging to `subjectCollegeId`?
 * Returns the refusals (empty when allowed). Input shape (comment required to return) is
 * checked by {@link approvalDecisionInputSchema}.
 */
export function checkApprover(chain: ApprovalChain, state: ApprovalState, actor: Actor, subjectCollegeId: string): RuleResult[] {
  if (state.status !== 'pending') {
    return [
      breach(chain.rule, 'decision', {
        zh: `该事项当前不在审批中（状态：${state.status}），不能再作决定`,
        en: `this item is not awaiting a decision (status: ${state.status})`,
      }),
    ];
  }
  const step = describeStep(state.step);
  if (!hasRole(actor, state.step.role)) {
    return [
      breach(chain.rule, 'actor.role', {
        zh: `当前环节为${step.zh}，${roleNames[actor.role].zh}不能审批`,
        en: `the current step is ${step.en}; ${roleNames[actor.role].en} may not decide it`,
      }),
    ];
  }
  if (state.step.collegeScoped && actor.college !== subjectCollegeId) {
    return [
      breach(chain.rule, 'actor.college', {
        zh: `${step.zh}须由本学院（${subjectCollegeId}）负责人审批`,
        en: `${step.en} must be decided by the leader of this college (${subjectCollegeId})`,
      }),
    ];
  }
  return [];
}

export const approvalRules = {
  separationOfDuties: defineRule({
    id: 'approval.separationOfDuties',
    article: { article: 13 },
    severity: 'hard',
    title: {
      zh: '审核、审批须由提交人以外的人作出：提交人不能审批本人提交的事项（第六、七、十三条的逐级审核）；规则表所列角色可在写明理由后例外',
      en: 'each review and approval is made by someone other than the submitter (the chains of Art. 6, 7 and 13); roles the rule table lists may, with a recorded reason',
    },
    enforcedIn: ['domain/approval.ts#checkSeparationOfDuties', 'workflows/approval/decisions.ts'],
  }),
} as const;

/**
 * Separation of duties: may `actor` decide a step of an item `submittedBy` submitted? The
 * submitter is the person who submitted it, or the person Academic Affairs entered it for.
 * A role of the table's `selfDecisionOverrideRoles` may, giving `overrideReason`.
 */
export function checkSeparationOfDuties(
  actor: Actor,
  submittedBy: Actor,
  table: Pick<RuleTable, 'selfDecisionOverrideRoles'>,
  overrideReason: string | undefined,
): RuleResult[] {
  const own = actor.id === submittedBy.id || (submittedBy.onBehalfOf !== undefined && actor.id === submittedBy.onBehalfOf);
  if (!own) return [];
  const mayOverride = table.selfDecisionOverrideRoles?.includes(actor.role) ?? false;
  if (mayOverride && overrideReason) return [];
  return [
    breach(approvalRules.separationOfDuties, mayOverride ? 'overrideReason' : 'actor', {
      zh: mayOverride
        ? '这是您本人提交（或代录入）的事项：如确需由您审批，须写明理由（overrideReason），理由将记入审批记录'
        : '提交人不能审批本人提交的事项（职责分离）：请将本环节委托他人审批，或由其他有权人员审批',
      en: mayOverride
        ? 'you submitted (or entered) this item: to decide it yourself, give the reason (overrideReason); it is recorded with the decision'
        : 'the submitter may not decide their own item (separation of duties): delegate this step to someone else, or let another approver decide',
    }),
  ];
}

/**
 * The due date of an approval step opened at `openedAt` (workflow time): the table's
 * number of working days later, at its deadline time; overdue → reminder, then escalation
 * to the next level (DOMAIN.md).
 */
export function approvalStepDeadline(
  openedAt: Date,
  table: Pick<RuleTable, 'approvalStepWorkingDays' | 'deadlineTime' | 'reminderLeadHours'>,
  calendar: WorkingCalendar,
): Deadline {
  const dueDate = calendar.addWorkingDays(shanghaiDate(openedAt), table.approvalStepWorkingDays);
  return dateDeadline(dueDate, table.deadlineTime, table.reminderLeadHours.approvalStep);
}

/** A step the college leader of the subject's college decides. */
export const collegeLeaderStep: ApprovalStep = Object.freeze({
  id: 'college',
  role: 'collegeLeader',
  collegeScoped: true,
  title: Object.freeze({ zh: '二级学院审核', en: 'college review' }),
});

/** A step Academic Affairs decides (Art. 4: 教务部 is the programme's managing department). */
export const academicAffairsStep: ApprovalStep = Object.freeze({
  id: 'academicAffairs',
  role: 'academicAffairs',
  collegeScoped: false,
  title: Object.freeze({ zh: '教务部审核', en: 'Academic Affairs review' }),
});

export function defineChain(id: string, rule: RuleDefinition, steps: readonly ApprovalStep[]): ApprovalChain {
  return Object.freeze({ id, rule, steps: Object.freeze([...steps]) });
}
