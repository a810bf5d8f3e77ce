import { describe, expect, it } from 'vitest';
import { approvalDecisionInputSchema, approvalStepDeadline, checkApprover, type ApprovalStep } from '../../domain/approval';
import { budgetApprovalChain, budgetPlanSchema, budgetTotalFen, checkBudgetPlan, type BudgetPlanInput } from '../../domain/budget';
import { examinerPlanReviewChain } from '../../domain/examiner';
import { actors, calendar, refusalsOf, shape, table } from './fixtures';

const plan = (over: Partial<BudgetPlanInput> = {}) =>
  budgetPlanSchema.parse({
    id: 'b1',
    pilotId: 'p1',
    year: 2026,
    rationale: '围绕任务书的三项建设任务测算',
    lines: [
      { category: 'teacherTraining', description: '考评员培训', amountFen: 30_000_00 },
      { category: 'certificateAssessment', description: '考核费', amountFen: 12_000_00 },
    ],
    funding: [
      { source: 'specialFund', amountFen: 40_000_00 },
      { source: 'fiscalAllocation', amountFen: 2_000_00 },
    ],
    ...over,
  });

describe('Art. 13 budget plan', () => {
  it('a balanced plan passes', () => {
    expect(budgetTotalFen(plan())).toBe(42_000_00);
    expect(checkBudgetPlan(plan())).toEqual([]);
  });
  it('funding one fen short of the budget is refused', () => {
    const r = checkBudgetPlan(plan({ funding: [{ source: 'specialFund', amountFen: 42_000_00 - 1 }] }));
    expect(shape(r)).toEqual([{ ruleId: 'art13.fundingCoversBudget', article: { article: 13 }, severity: 'hard', field: 'funding' }]);
  });
  it('a forbidden budget line is refused citing Art. 11 on that line', () => {
    const r = checkBudgetPlan(plan({ lines: [{ category: 'managementFees', description: '管理费', amountFen: 100 }] }));
    expect(shape(r)).toEqual([{ ruleId: 'art11.forbiddenUse', article: { article: 11 }, severity: 'hard', field: 'lines.0.category' }]);
  });
  it('needs at least one line', () => {
    expect(refusalsOf(budgetPlanSchema, { ...plan(), lines: [] }).map((e) => e.field)).toEqual(['lines']);
  });
});

describe('Art. 13 approval chain as data: college → Academic Affairs → school leader', () => {
  it('has the three steps in order', () => {
    expect(budgetApprovalChain.steps.map((s) => [s.id, s.role, s.collegeScoped])).toEqual([
      ['college', 'collegeLeader', true],
      ['academicAffairs', 'academicAffairs', false],
      ['schoolLeader', 'schoolLeader', false],
    ]);
    expect(budgetApprovalChain.rule.article).toEqual({ article: 13 });
  });

  const at = (stepIndex: number) => ({ status: 'pending' as const, step: budgetApprovalChain.steps[stepIndex] as ApprovalStep, stepIndex });

  it('each step is decided by its own approver', () => {
    for (const [i, actor] of [actors.collegeLeader, actors.academicAffairs, actors.schoolLeader].entries()) {
      expect(checkApprover(budgetApprovalChain, at(i), actor, 'forestry')).toEqual([]);
    }
  });

  it('refuses skipping ahead: the school leader cannot approve first', () => {
    const r = checkApprover(budgetApprovalChain, at(0), actors.schoolLeader, 'forestry');
    expect(shape(r)).toEqual([{ ruleId: 'art13.budgetApproval', article: { article: 13 }, severity: 'hard', field: 'actor.role' }]);
    expect(r[0]!.message.zh).toBe('当前环节为二级学院审核（二级学院负责人），主管校领导不能审批');
  });

  it("refuses another college's leader and any decision after approval or return", () => {
    expect(checkApprover(budgetApprovalChain, at(0), actors.otherCollegeLeader, 'forestry').map((e) => e.field)).toEqual(['actor.college']);
    const returned = { status: 'returned' as const, step: budgetApprovalChain.steps[0] as ApprovalStep, comment: '补充测算依据' };
    expect(checkApprover(budgetApprovalChain, returned, actors.academicAffairs, 'forestry').map((e) => [e.ruleId, e.field])).toEqual([
      ['art13.budgetApproval', 'decision'],
    ]);
    expect(checkApprover(budgetApprovalChain, { status: 'approved' }, actors.schoolLeader, 'forestry').map((e) => e.field)).toEqual([
      'decision',
    ]);
  });

  it('a return needs a comment', () => {
    expect(refusalsOf(approvalDecisionInputSchema, { outcome: 'return' }).map((e) => [e.field, e.message.zh])).toEqual([
      ['comment', '退回修改或不予通过时必须填写意见'],
    ]);
  });
});

describe('Art. 6(4) examiner-training plan chain', () => {
  it('college then Academic Affairs, citing Art. 6(4)', () => {
    expect(examinerPlanReviewChain.steps.map((s) => s.role)).toEqual(['collegeLeader', 'academicAffairs']);
    const r = checkApprover(
      examinerPlanReviewChain,
      { status: 'pending', step: examinerPlanReviewChain.steps[0] as ApprovalStep, stepIndex: 0 },
      actors.academicAffairs,
      'forestry',
    );
    expect(shape(r)).toEqual([
      { ruleId: 'art6.examinerPlanReview', article: { article: 6, item: 4 }, severity: 'hard', field: 'actor.role' },
    ]);
  });
});

describe('approval step due dates', () => {
  it('5 working days after the step opens, at 17:00; the Spring Festival is skipped', () => {
    // Opened Fri 2026-02-13 10:00 Beijing: Sat 2/14 (make-up) 1, holidays 2/15–2/23, Tue 2/24 2 … Fri 2/27 5.
    expect(approvalStepDeadline(new Date('2026-02-13T02:00:00.000Z'), table, calendar())).toEqual({
      dueDate: '2026-02-27',
      dueAt: '2026-02-27T09:00:00.000Z',
      remindAt: '2026-02-26T09:00:00.000Z',
    });
  });
  it('uses the Beijing date of the opening instant (late evening UTC is the next day in Beijing)', () => {
    // 2026-03-01T16:30Z is Mon 3/2 00:30 Beijing → five working days later is Mon 3/9.
    expect(approvalStepDeadline(new Date('2026-03-01T16:30:00.000Z'), table, calendar()).dueDate).toBe('2026-03-09');
  });
});
