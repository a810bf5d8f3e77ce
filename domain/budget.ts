/**
 * Art. 13 — the budget plan (资金预算方案) and funding plan (经费筹措方案) of a pilot:
 * reasoned from its goals and tasks, reviewed by the college and Academic Affairs, and
 * approved by the school leader in charge. The approval chain is data
 * ({@link budgetApprovalChain}); domain/approval.ts runs it.
 *
 * Art. 10: the school draws on fiscal allocations, the 1+X special fund, tuition and other
 * income to guarantee the pilot's spending, so the funding plan must cover the budget.
 * Art. 11 applies to every budget line: a forbidden use is refused.
 */
import { z } from 'zod';
import { academicAffairsStep, collegeLeaderStep, defineChain } from './approval';
import type { Bilingual, RuleResult } from './errors';
import { checkFundUse, fundUses } from './funds';
import { formatFen, positiveFenSchema, type Fen } from './money';
import { idSchema } from './pilot';
import { breach, defineRule } from './rules';
import { requiredText } from './validation';

/** Art. 10 funding sources. */
export const fundingSources = ['fiscalAllocation', 'specialFund', 'tuition', 'otherIncome'] as const;
export type FundingSource = (typeof fundingSources)[number];
export const fundingSourceNames: Record<FundingSource, Bilingual> = {
  fiscalAllocation: { zh: '财政拨款', en: 'fiscal allocation' },
  specialFund: { zh: '1+X 专项资金', en: '1+X special fund' },
  tuition: { zh: '学费', en: 'tuition' },
  otherIncome: { zh: '其他事业收入', en: 'other operating income' },
};

export const budgetRules = {
  approvalChain: defineRule({
    id: 'art13.budgetApproval',
    article: { article: 13 },
    severity: 'hard',
    title: {
      zh: '资金预算方案和经费筹措方案报二级学院及教务部审核，报主管校领导审批，依次进行',
      en: 'the budget and funding plan is reviewed by the college, then Academic Affairs, and approved by the school leader in charge, in that order',
    },
    enforcedIn: ['domain/budget.ts#budgetApprovalChain', 'domain/approval.ts#checkApprover', 'workflows/approval/decisions.ts'],
  }),
  fundingCoversBudget: defineRule({
    id: 'art13.fundingCoversBudget',
    article: { article: 13 },
    severity: 'hard',
    title: {
      zh: '经费筹措方案须足以保障资金预算（第十条：学校统筹各类资金保证支出）',
      en: 'the funding plan must cover the budget (Art. 10: the school pools its funds to guarantee the spending)',
    },
    enforcedIn: ['domain/budget.ts#checkBudgetPlan'],
  }),
} as const;

export const budgetApprovalChain = defineChain('budget', budgetRules.approvalChain, [
  collegeLeaderStep,
  academicAffairsStep,
  Object.freeze({
    id: 'schoolLeader',
    role: 'schoolLeader',
    collegeScoped: false,
    title: Object.freeze({ zh: '主管校领导审批', en: 'school leader approval' }),
  }),
]);

export const budgetLineSchema = z.object({
  category: z.enum(fundUses),
  description: requiredText(500, '预算事项说明不能为空', 'the line description must not be blank'),
  amountFen: positiveFenSchema,
});

export const fundingLineSchema = z.object({
  source: z.enum(fundingSources),
  amountFen: positiveFenSchema,
  note: z.string().trim().max(500).optional(),
});

export const budgetPlanSchema = z.object({
  id: idSchema,
  pilotId: idSchema,
  year: z.number().int().min(2019).max(2100),
  /** 科学论证: why these amounts serve the pilot's goals and tasks. */
  rationale: requiredText(5000, '预算论证说明不能为空', 'the rationale must not be blank'),
  lines: z.array(budgetLineSchema).min(1).max(200),
  funding: z.array(fundingLineSchema).min(1).max(50),
});
export type BudgetPlanInput = z.input<typeof budgetPlanSchema>;
export type BudgetPlan = z.output<typeof budgetPlanSchema>;

export function budgetTotalFen(plan: Pick<BudgetPlan, 'lines'>): Fen {
  return plan.lines.reduce((s, l) => s + l.amountFen, 0);
}

export function fundingTotalFen(plan: Pick<BudgetPlan, 'funding'>): Fen {
  return plan.funding.reduce((s, l) => s + l.amountFen, 0);
}

/** Art. 11 per line, Art. 13 funding ≥ budget. */
export function checkBudgetPlan(plan: Pick<BudgetPlan, 'lines' | 'funding'>): RuleResult[] {
  const out = plan.lines.flatMap((l, i) => checkFundUse(l.category, `lines.${i}.category`));
  const [budget, funding] = [budgetTotalFen(plan), fundingTotalFen(plan)];
  if (funding < budget) {
    const [b, f] = [formatFen(budget), formatFen(funding)];
    out.push(
      breach(budgetRules.fundingCoversBudget, 'funding', {
        zh: `经费筹措合计 ${f.zh}，不足以保障预算合计 ${b.zh}`,
        en: `the funding plan totals ${f.en}, short of the budget total of ${b.en}`,
      }),
    );
  }
  return out;
}
