import { describe, expect, it } from 'vitest';
import {
  allowedFundUses,
  checkEntryId,
  checkExpense,
  checkIncome,
  emptyLedger,
  expenseSchema,
  forbiddenFundUses,
  fundUseNames,
  incomeSchema,
  postToLedger,
  type Expense,
  type ForbiddenFundUse,
  type Income,
  type Ledger,
  type LedgerEntry,
} from '../../domain/funds';
import { actors, shape } from './fixtures';

const expense = (over: Partial<Expense> = {}): Expense =>
  expenseSchema.parse({
    id: 'e1',
    pilotId: 'p1',
    date: '2026-03-10',
    category: 'teacherTraining',
    amountFen: 10_000,
    description: '考评员培训',
    actor: actors.pilotLead,
    ...over,
  });
const income = (over: Partial<Income> = {}): Income =>
  incomeSchema.parse({
    id: 'i1',
    pilotId: 'p1',
    date: '2026-03-01',
    source: 'specialFundAllocation',
    payer: '学校财务处',
    amountFen: 50_000,
    actor: actors.academicAffairs,
    ...over,
  });
const post = (l: Ledger, e: LedgerEntry) => {
  const r = postToLedger(l, e);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.value;
};

describe('Art. 11 fund uses', () => {
  const zh: Record<ForbiddenFundUse, string> = {
    debtRepayment: '偿还债务',
    interestPayment: '支付利息',
    externalInvestment: '对外投资',
    otherProjectGap: '弥补其他项目缺口',
    workingFunds: '提取工作经费',
    managementFees: '提取管理经费',
  };
  it.each(forbiddenFundUses)('%s is refused citing Art. 11', (category) => {
    const r = checkExpense(expense({ category }));
    expect(shape(r)).toEqual([{ ruleId: 'art11.forbiddenUse', article: { article: 11 }, severity: 'hard', field: 'category' }]);
    expect(r[0]!.message.zh).toBe(`严禁将专项资金用于“${zh[category]}”；专项资金只能用于师资培训、设备采购、证书考核等`);
    expect(r[0]!.message.en).toContain(fundUseNames[category].en);
  });
  it.each(allowedFundUses)('%s is allowed', (category) => {
    expect(checkExpense(expense({ category }))).toEqual([]);
  });
  it('six forbidden categories, three allowed', () => {
    expect([forbiddenFundUses.length, allowedFundUses.length]).toEqual([6, 3]);
  });
});

describe('Art. 12 and 14 income', () => {
  it('a student fee of 0.01 is refused citing Art. 12', () => {
    const r = checkIncome(income({ source: 'studentFee', amountFen: 1 }));
    expect(shape(r)).toEqual([{ ruleId: 'art12.noStudentFee', article: { article: 12 }, severity: 'hard', field: 'source' }]);
    expect(r[0]!.message.zh).toContain('0.01 元');
  });
  it('exam-service fees booked outside the pilot fund are refused citing Art. 14', () => {
    expect(shape(checkIncome(income({ source: 'examServiceFee', account: 'schoolGeneral', payer: '某培训评价组织' })))).toEqual([
      { ruleId: 'art14.examServiceFeeToFund', article: { article: 14 }, severity: 'hard', field: 'account' },
    ]);
    expect(checkIncome(income({ source: 'examServiceFee', payer: '某培训评价组织' }))).toEqual([]);
  });
});

describe('Art. 5(3) ledger', () => {
  it('books income and spending to the pilot ledger with totals', () => {
    let l = post(emptyLedger('p1'), { kind: 'income', entry: income() });
    l = post(l, { kind: 'income', entry: income({ id: 'i2', source: 'examServiceFee', payer: '某培训评价组织', amountFen: 3_000 }) });
    l = post(l, { kind: 'expense', entry: expense({ amountFen: 53_000 }) });
    expect(l).toMatchObject({
      pilotId: 'p1',
      balanceFen: 0,
      incomeFen: { specialFundAllocation: 50_000, examServiceFee: 3_000 },
      spentFen: { teacherTraining: 53_000 },
      entries: 3,
    });
    expect(l.booked?.map((b) => [b.kind, b.id, b.amountFen])).toEqual([
      ['income', 'i1', 50_000],
      ['income', 'i2', 3_000],
      ['expense', 'e1', 53_000],
    ]);
    // Art. 5(3): an id already on the ledger (as income or expense) is refused, naming it.
    expect(checkEntryId(l, { kind: 'expense', entry: expense({ id: 'i2' }) })).toMatchObject([
      { ruleId: 'art5.ledger.uniqueEntry', article: { article: 5, item: 3 }, field: 'id' },
    ]);
    expect(checkEntryId(l, { kind: 'income', entry: income({ id: 'i3' }) })).toEqual([]);
  });
  it('never goes negative: spending one fen more than the balance is refused', () => {
    const l = post(emptyLedger('p1'), { kind: 'income', entry: income({ amountFen: 10_000 }) });
    const r = postToLedger(l, { kind: 'expense', entry: expense({ amountFen: 10_001 }) });
    expect(r.ok ? [] : shape(r.errors)).toEqual([
      { ruleId: 'art5.ledger.noOverdraft', article: { article: 5, item: 3 }, severity: 'hard', field: 'amountFen' },
    ]);
    expect(r.ok ? '' : r.errors[0]!.message.zh).toBe('专项资金余额 100.00 元，不足以支付 100.01 元');
    expect(postToLedger(l, { kind: 'expense', entry: expense({ amountFen: 10_000 }) })).toMatchObject({
      ok: true,
      value: { balanceFen: 0 },
    });
  });
  it("refuses another pilot's entry and a forbidden use, whatever the balance", () => {
    const l = post(emptyLedger('p1'), { kind: 'income', entry: income({ amountFen: 1_000_000 }) });
    const r = postToLedger(l, { kind: 'expense', entry: expense({ pilotId: 'p2', category: 'interestPayment' }) });
    expect(r.ok ? [] : r.errors.map((e) => e.ruleId)).toEqual(['art5.ledger.ownPilot', 'art11.forbiddenUse']);
  });
  it('refuses income booked to general school funds and student fees', () => {
    const l = emptyLedger('p1');
    expect(postToLedger(l, { kind: 'income', entry: income({ account: 'schoolGeneral' }) })).toMatchObject({
      ok: false,
      errors: [{ ruleId: 'art5.ledger.ownPilot', field: 'account' }],
    });
    expect(postToLedger(l, { kind: 'income', entry: income({ source: 'studentFee' }) })).toMatchObject({
      ok: false,
      errors: [{ ruleId: 'art12.noStudentFee' }],
    });
  });
  it('schemas refuse zero and fractional amounts', () => {
    expect(expenseSchema.safeParse({ ...expense(), amountFen: 0 }).success).toBe(false);
    expect(expenseSchema.safeParse({ ...expense(), amountFen: 0.5 }).success).toBe(false);
  });
});
