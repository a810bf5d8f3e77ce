/**
 * The pilot's special fund (1+X 证书试点专项资金): what it may be spent on (Art. 11),
 * what must be booked to it (Art. 14), and its own ledger that never goes negative
 * (Art. 5(3): 专款专用、专账核算).
 *
 * Art. 11: uses include 师资培训 (teacher training), 设备采购 (equipment purchase) and
 * 证书考核 (certificate assessment); it is strictly forbidden (严禁) to use the fund to
 * repay debts, pay interest, invest externally or fill other projects' gaps, and no
 * working or management fees may be drawn from it (不得提取工作经费或管理经费).
 * The forbidden categories are part of the input enum on purpose: an entry in one of
 * them is refused citing Art. 11, not rejected as an unknown word.
 */
import { z } from 'zod';
import { actorSchema } from './actor';
import type { Bilingual, RuleResult } from './errors';
import { formatFen, positiveFenSchema, type Fen } from './money';
import { idSchema, isoDateSchema } from './pilot';
import { accepted, breach, defineRule, refused, type Outcome } from './rules';
import { assessmentRules } from './assessment';
import { requiredText } from './validation';
import { documentRefsSchema } from './documents';

export const allowedFundUses = ['teacherTraining', 'equipmentPurchase', 'certificateAssessment'] as const;
export const forbiddenFundUses = [
  'debtRepayment',
  'interestPayment',
  'externalInvestment',
  'otherProjectGap',
  'workingFunds',
  'managementFees',
] as const;
export const fundUses = [...allowedFundUses, ...forbiddenFundUses] as const;
export type AllowedFundUse = (typeof allowedFundUses)[number];
export type ForbiddenFundUse = (typeof forbiddenFundUses)[number];
export type FundUse = (typeof fundUses)[number];

export const fundUseNames: Record<FundUse, Bilingual> = {
  teacherTraining: { zh: '师资培训', en: 'teacher training' },
  equipmentPurchase: { zh: '设备采购', en: 'equipment purchase' },
  certificateAssessment: { zh: '证书考核', en: 'certificate assessment' },
  debtRepayment: { zh: '偿还债务', en: 'repaying debts' },
  interestPayment: { zh: '支付利息', en: 'paying interest' },
  externalInvestment: { zh: '对外投资', en: 'external investment' },
  otherProjectGap: { zh: '弥补其他项目缺口', en: "filling other projects' funding gaps" },
  workingFunds: { zh: '提取工作经费', en: 'drawing working funds' },
  managementFees: { zh: '提取管理经费', en: 'drawing management fees' },
};

export function isForbiddenFundUse(use: FundUse): use is ForbiddenFundUse {
  return (forbiddenFundUses as readonly string[]).includes(use);
}

/** Income sources of a pilot's special fund. `studentFee` exists to be refused (Art. 12). */
export const incomeSources = ['specialFundAllocation', 'schoolAllocation', 'examServiceFee', 'studentFee'] as const;
export type IncomeSource = (typeof incomeSources)[number];
export const incomeSourceNames: Record<IncomeSource, Bilingual> = {
  specialFundAllocation: { zh: '1+X 专项资金拨款', en: '1+X special fund allocation' },
  schoolAllocation: { zh: '学校统筹经费', en: 'school allocation (Art. 10)' },
  examServiceFee: { zh: '培训评价组织支付的考务服务类费用', en: 'exam-service fees paid by the evaluation organisation' },
  studentFee: { zh: '向学生收取的考核费用', en: 'assessment fees charged to students' },
};

/** Where an income entry is booked. Art. 14 income belongs to the pilot's special fund. */
export const incomeAccounts = ['pilotSpecialFund', 'schoolGeneral'] as const;
export type IncomeAccount = (typeof incomeAccounts)[number];

export const fundRules = {
  forbiddenUse: defineRule({
    id: 'art11.forbiddenUse',
    article: { article: 11 },
    severity: 'hard',
    title: {
      zh: '严禁将专项资金用于偿还债务、支付利息、对外投资、弥补其他项目缺口，不得从专项资金中提取工作经费或管理经费',
      en: "the special fund may never repay debts, pay interest, invest externally or fill other projects' gaps, and no working or management fees may be drawn from it",
    },
    enforcedIn: ['domain/funds.ts#checkFundUse', 'domain/funds.ts#checkExpense', 'domain/budget.ts#checkBudgetPlan'],
  }),
  examServiceFeeToFund: defineRule({
    id: 'art14.examServiceFeeToFund',
    article: { article: 14 },
    severity: 'hard',
    title: {
      zh: '培训评价组织支付给学校的考务服务类费用纳入试点专项经费',
      en: "exam-service fees the evaluation organisation pays the school are income of the pilot's special fund",
    },
    enforcedIn: ['domain/funds.ts#checkIncome'],
  }),
  ownLedger: defineRule({
    id: 'art5.ledger.ownPilot',
    article: { article: 5, item: 3 },
    severity: 'hard',
    title: {
      zh: '专款专用、专账核算：收支只能记入本试点的专项资金账',
      en: "ring-fenced, separately accounted: entries are booked only to the pilot's own special-fund ledger",
    },
    enforcedIn: ['domain/funds.ts#postToLedger'],
  }),
  uniqueEntry: defineRule({
    id: 'art5.ledger.uniqueEntry',
    article: { article: 5, item: 3 },
    severity: 'hard',
    title: {
      zh: '专账核算：每笔收支有唯一编号，只记账一次',
      en: 'separately accounted: every entry has its own id and is booked once',
    },
    enforcedIn: ['domain/funds.ts#checkEntryId'],
  }),
  noOverdraft: defineRule({
    id: 'art5.ledger.noOverdraft',
    article: { article: 5, item: 3 },
    severity: 'hard',
    title: {
      zh: '专项资金账余额不得为负：支出不得超过已到账资金',
      en: 'the special-fund ledger never goes negative: spending may not exceed the funds received',
    },
    enforcedIn: ['domain/funds.ts#postToLedger'],
  }),
} as const;

/** Art. 11: refuses a forbidden use, naming it. */
export function checkFundUse(use: FundUse, field: string): RuleResult[] {
  if (!isForbiddenFundUse(use)) return [];
  const n = fundUseNames[use];
  return [
    breach(fundRules.forbiddenUse, field, {
      zh: `严禁将专项资金用于“${n.zh}”；专项资金只能用于师资培训、设备采购、证书考核等`,
      en: `the special fund may not be used for ${n.en}; it is for teacher training, equipment purchase, certificate assessment and the like`,
    }),
  ];
}

export const expenseSchema = z.object({
  id: idSchema,
  pilotId: idSchema,
  date: isoDateSchema,
  category: z.enum(fundUses),
  amountFen: positiveFenSchema,
  description: requiredText(500, '支出说明不能为空', 'the description must not be blank'),
  /** Invoices, receipts, payment vouchers (Art. 11, 14). */
  documents: documentRefsSchema.optional(),
  actor: actorSchema,
});
export type Expense = z.output<typeof expenseSchema>;

export const incomeSchema = z.object({
  id: idSchema,
  pilotId: idSchema,
  date: isoDateSchema,
  source: z.enum(incomeSources),
  account: z.enum(incomeAccounts).default('pilotSpecialFund'),
  /** Who paid: the evaluation organisation for exam-service fees. */
  payer: requiredText(200, '付款方不能为空', 'the payer must not be blank'),
  amountFen: positiveFenSchema,
  description: z.string().trim().max(500).optional(),
  /** Invoices, receipts, payment vouchers (Art. 11, 14). */
  documents: documentRefsSchema.optional(),
  actor: actorSchema,
});
export type Income = z.output<typeof incomeSchema>;

/** Art. 11 for an expense entry. */
export function checkExpense(e: Pick<Expense, 'category'>): RuleResult[] {
  return checkFundUse(e.category, 'category');
}

/** Art. 12 (no fees from students) and Art. 14 (exam-service fees go to the pilot's fund). */
export function checkIncome(i: Pick<Income, 'source' | 'account' | 'amountFen'>): RuleResult[] {
  const out: RuleResult[] = [];
  if (i.source === 'studentFee') {
    const a = formatFen(i.amountFen);
    out.push(
      breach(assessmentRules.noStudentFee, 'source', {
        zh: `考核费用由学校 100% 支付，不得向学生收取（${a.zh}）`,
        en: `assessment fees are paid 100 % by the school; nothing may be collected from students (${a.en})`,
      }),
    );
  }
  if (i.source === 'examServiceFee' && i.account !== 'pilotSpecialFund') {
    out.push(
      breach(fundRules.examServiceFeeToFund, 'account', {
        zh: '培训评价组织支付的考务服务类费用必须纳入本试点专项经费，不能记入学校一般收入',
        en: "exam-service fees from the evaluation organisation must be booked to the pilot's special fund, not to general school income",
      }),
    );
  }
  return out;
}

export type LedgerEntry = { kind: 'income'; entry: Income } | { kind: 'expense'; entry: Expense };

/**
 * What was booked under an entry id: the entry's content without its actor (who booked it
 * is in the audit trail). Kept so a repeated id can be told apart: the same content is a
 * replay of the same booking, different content is a different entry under a used id.
 */
export type LedgerBooking =
  | {
      kind: 'income';
      id: string;
      date: string;
      source: IncomeSource;
      account: IncomeAccount;
      payer: string;
      amountFen: Fen;
      description?: string;
    }
  | { kind: 'expense'; id: string; date: string; category: FundUse; amountFen: Fen; description: string };

/** A pilot's special-fund ledger: totals, and each booking's id and content (no actors, no files). */
export interface Ledger {
  pilotId: string;
  balanceFen: Fen;
  incomeFen: Partial<Record<IncomeSource, Fen>>;
  spentFen: Partial<Record<AllowedFundUse, Fen>>;
  entries: number;
  /**
   * Every entry booked (in this pilot's run history since ids were kept; a pilot carried
   * over from before has none for its earlier entries, and they cannot be checked).
   */
  booked?: LedgerBooking[];
}

export function emptyLedger(pilotId: string): Ledger {
  return { pilotId, balanceFen: 0, incomeFen: {}, spentFen: {}, entries: 0, booked: [] };
}

/** The booking an entry makes (its content, without the actor). */
export function bookingOf(item: LedgerEntry): LedgerBooking {
  if (item.kind === 'income') {
    const e = item.entry;
    return {
      kind: 'income',
      id: e.id,
      date: e.date,
      source: e.source,
      account: e.account,
      payer: e.payer,
      amountFen: e.amountFen,
      ...(e.description ? { description: e.description } : {}),
    };
  }
  const e = item.entry;
  return { kind: 'expense', id: e.id, date: e.date, category: e.category, amountFen: e.amountFen, description: e.description };
}

/** The entry already booked under `id` (income or expense), if any. */
export function bookedEntry(ledger: Pick<Ledger, 'booked'>, id: string): LedgerBooking | undefined {
  return ledger.booked?.find((b) => b.id === id);
}

/** True when two bookings are the same entry: same kind and every field equal. */
export function sameBooking(a: LedgerBooking, b: LedgerBooking): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((k) => (a as Record<string, unknown>)[k] === (b as Record<string, unknown>)[k]);
}

/**
 * Art. 5(3) 专账核算: each entry is booked once. An entry whose id is already on the ledger
 * (as income or expense) is refused, naming the id and what it was booked as.
 */
export function checkEntryId(ledger: Pick<Ledger, 'booked'>, item: LedgerEntry): RuleResult[] {
  const prior = bookedEntry(ledger, item.entry.id);
  if (!prior) return [];
  const was = prior.kind === 'income' ? { zh: '收入', en: 'income' } : { zh: '支出', en: 'an expense' };
  const a = formatFen(prior.amountFen);
  return [
    breach(fundRules.uniqueEntry, 'id', {
      zh: `编号 ${prior.id} 已记账（${was.zh} ${a.zh}，${prior.date}），同一笔收支只能记一次；新的一笔请用新的编号`,
      en: `entry id ${prior.id} is already booked (${was.en} of ${a.en}, ${prior.date}); an entry is booked once, so a new entry needs a new id`,
    }),
  ];
}

/**
 * Books an entry to the pilot's ledger, or refuses it: entries of another pilot
 * (Art. 5(3)), forbidden uses (Art. 11), student fees (Art. 12), exam-service fees booked
 * elsewhere (Art. 14), and any expense that would take the balance below zero (Art. 5(3)).
 */
export function postToLedger(ledger: Ledger, item: LedgerEntry): Outcome<Ledger> {
  const errors: RuleResult[] = [];
  if (item.entry.pilotId !== ledger.pilotId) {
    errors.push(
      breach(fundRules.ownLedger, 'pilotId', {
        zh: `该笔收支属于试点 ${item.entry.pilotId}，不能记入试点 ${ledger.pilotId} 的专项资金账`,
        en: `this entry belongs to pilot ${item.entry.pilotId} and cannot be booked to the ledger of pilot ${ledger.pilotId}`,
      }),
    );
  }
  if (item.kind === 'income') {
    errors.push(...checkIncome(item.entry));
    if (item.entry.account !== 'pilotSpecialFund' && item.entry.source !== 'examServiceFee') {
      errors.push(
        breach(fundRules.ownLedger, 'account', {
          zh: '记入学校一般收入的款项不属于本试点专项资金账',
          en: "income booked to general school funds does not belong on the pilot's special-fund ledger",
        }),
      );
    }
    if (errors.length > 0) return refused(errors);
    const src = item.entry.source;
    return accepted({
      ...ledger,
      balanceFen: ledger.balanceFen + item.entry.amountFen,
      incomeFen: { ...ledger.incomeFen, [src]: (ledger.incomeFen[src] ?? 0) + item.entry.amountFen },
      entries: ledger.entries + 1,
      booked: [...(ledger.booked ?? []), bookingOf(item)],
    });
  }
  const category = item.entry.category;
  errors.push(...checkExpense(item.entry));
  if (errors.length > 0 || isForbiddenFundUse(category)) return refused(errors);
  const balance = ledger.balanceFen - item.entry.amountFen;
  if (balance < 0) {
    const [have, want] = [formatFen(ledger.balanceFen), formatFen(item.entry.amountFen)];
    return refused([
      breach(fundRules.noOverdraft, 'amountFen', {
        zh: `专项资金余额 ${have.zh}，不足以支付 ${want.zh}`,
        en: `the special-fund balance of ${have.en} does not cover ${want.en}`,
      }),
    ]);
  }
  return accepted({
    ...ledger,
    balanceFen: balance,
    spentFen: { ...ledger.spentFen, [category]: (ledger.spentFen[category] ?? 0) + item.entry.amountFen },
    entries: ledger.entries + 1,
    booked: [...(ledger.booked ?? []), bookingOf(item)],
  });
}
