/**
 * Assessment sessions (证书考核): forms and fee caps (Art. 16–17), no fee charged to
 * students and exact pass rates (Art. 12).
 *
 * Art. 16 names four forms: 纸笔考试, 机考, 基于一般实训设备和场地的实操考试 and
 * 基于特殊要求实训设备和场地的实操考试. Art. 17 caps each per person-time at
 * 200/300/500/700 yuan "原则上" (in principle), and a mixed exam's cap is the
 * score-weighted sum of its forms' caps. Weights are integer basis points (10 000 =
 * 100 %) and must total exactly 100 %.
 *
 * Severity of the cap: the text says 原则上, and DOMAIN.md makes every 原则上 rule
 * waivable; the same article says the evaluation organisation's published fee applies.
 * So a published fee above the cap is refused by default (the issue's acceptance test)
 * but Academic Affairs may waive it with a written reason, which is recorded. The cap
 * arithmetic and the 100 % weight total are hard.
 *
 * All arithmetic is integer: caps in fen × weights in basis points, so 60 % written +
 * 40 % special practical is exactly 400.00 yuan and 400.01 is over it.
 */
import { z } from 'zod';
import type { Bilingual, RuleResult } from './errors';
import { fenSchema, formatFen, type Fen } from './money';
import { idSchema, isoDateSchema } from './pilot';
import { breach, defineRule, reportResults } from './rules';
import type { RuleTable } from './tables';

export const assessmentForms = ['written', 'computer', 'practicalGeneral', 'practicalSpecial'] as const;
export type AssessmentForm = (typeof assessmentForms)[number];

export const assessmentFormNames: Record<AssessmentForm, Bilingual> = {
  written: { zh: '纸笔考试', en: 'written (paper) exam' },
  computer: { zh: '机考', en: 'computer-based exam' },
  practicalGeneral: { zh: '基于一般实训设备和场地的实操考试', en: 'practical exam on general training equipment and sites' },
  practicalSpecial: { zh: '基于特殊要求实训设备和场地的实操考试', en: 'practical exam on specially equipped training sites' },
};

/** 100 % in basis points. */
export const FULL_WEIGHT_BP = 10_000;

export const assessmentRules = {
  forms: defineRule({
    id: 'art16.assessmentForms',
    article: { article: 16 },
    severity: 'hard',
    title: {
      zh: '考核形式为纸笔考试、机考、一般实操、特殊实操四类之一或其混合，每类至多出现一次',
      en: 'an assessment uses one or more of the four forms (written, computer, general practical, special practical), each at most once',
    },
    enforcedIn: ['domain/assessment.ts#checkComponents', 'domain/assessment.ts#assessmentSessionSchema'],
  }),
  weightsTotal: defineRule({
    id: 'art17.weightsTotal',
    article: { article: 17 },
    severity: 'hard',
    title: {
      zh: '混合型考试各类型考核分值比例之和必须恰为 100%',
      en: "a mixed exam's score weights must total exactly 100 %",
    },
    enforcedIn: ['domain/assessment.ts#checkComponents', 'domain/assessment.ts#assessmentSessionSchema'],
  }),
  feeCap: defineRule({
    id: 'art17.feeCap',
    article: { article: 17 },
    severity: 'waivable',
    title: {
      zh: '考核收费原则上不超过成本上限：纸笔 200 元、机考 300 元、一般实操 500 元、特殊实操 700 元/人次，混合型按分值比例确定',
      en: 'the fee per person-time may in principle not exceed the cap: written 200, computer 300, general practical 500, special practical 700 CNY; mixed exams by score weight',
    },
    enforcedIn: ['domain/assessment.ts#feeCapFen', 'domain/assessment.ts#checkAssessmentFees'],
  }),
  noStudentFee: defineRule({
    id: 'art12.noStudentFee',
    article: { article: 12 },
    severity: 'hard',
    title: {
      zh: '考核费用由学校 100% 支付，不得向学生收取',
      en: 'the school pays 100 % of assessment fees: no fee may be charged to students',
    },
    enforcedIn: ['domain/assessment.ts#checkAssessmentFees', 'domain/funds.ts#checkIncome'],
  }),
  passedWithinCandidates: defineRule({
    id: 'art12.passRateInputs',
    article: { article: 12 },
    severity: 'hard',
    title: {
      zh: '通过人数不得超过参考人数（通过率据此精确计算）',
      en: 'the number passed may not exceed the number of candidates (the pass rate is computed exactly from them)',
    },
    enforcedIn: ['domain/assessment.ts#assessmentSessionSchema', 'domain/assessment.ts#passRate'],
  }),
} as const;

export const assessmentComponentSchema = z.object({
  form: z.enum(assessmentForms),
  /** Share of the total score in basis points (6000 = 60 %). */
  weightBp: z.number().int().min(1).max(FULL_WEIGHT_BP),
});
export type AssessmentComponent = z.output<typeof assessmentComponentSchema>;

/** Basis points as a percentage: 6000 → "60%", 8999 → "89.99%". */
export function formatBp(bp: number): string {
  return `${Math.trunc(bp / 100)}${bp % 100 === 0 ? '' : `.${String(bp % 100).padStart(2, '0')}`}%`;
}

/** Art. 16–17: at least one form, no form twice, weights totalling exactly 100 %. */
export function checkComponents(components: readonly AssessmentComponent[]): RuleResult[] {
  const out: RuleResult[] = [];
  if (components.length === 0) {
    out.push(breach(assessmentRules.forms, 'components', { zh: '至少需要一种考核形式', en: 'at least one assessment form is required' }));
    return out;
  }
  const seen = new Set<AssessmentForm>();
  components.forEach((c, i) => {
    if (seen.has(c.form)) {
      out.push(
        breach(assessmentRules.forms, `components.${i}.form`, {
          zh: `考核形式“${assessmentFormNames[c.form].zh}”重复出现，请合并其分值比例`,
          en: `the form "${assessmentFormNames[c.form].en}" appears twice; merge its weights`,
        }),
      );
    }
    seen.add(c.form);
  });
  const total = components.reduce((s, c) => s + c.weightBp, 0);
  if (total !== FULL_WEIGHT_BP) {
    out.push(
      breach(assessmentRules.weightsTotal, 'components', {
        zh: `各类型考核分值比例合计为 ${formatBp(total)}，必须恰为 100%`,
        en: `the score weights total ${formatBp(total)}; they must total exactly 100%`,
      }),
    );
  }
  return out;
}

/**
 * Art. 17: the cap per person-time in fen, the score-weighted sum of the forms' caps,
 * rounded down to a whole fen. Rounding down is exact for the comparison: a whole-fen
 * fee is ≤ the exact cap if and only if it is ≤ the cap rounded down.
 * Throws when the components are invalid (see {@link checkComponents}).
 */
export function feeCapFen(components: readonly AssessmentComponent[], table: Pick<RuleTable, 'feeCapsFen'>): Fen {
  const errors = checkComponents(components);
  if (errors.length > 0) throw new RangeError(errors.map((e) => e.message.en).join('; '));
  const weighted = components.reduce((s, c) => s + c.weightBp * table.feeCapsFen[c.form], 0);
  return Math.floor(weighted / FULL_WEIGHT_BP);
}

export const assessmentSessionSchema = z
  .object({
    id: idSchema,
    pilotId: idSchema,
    date: isoDateSchema,
    components: z.array(assessmentComponentSchema).max(assessmentForms.length * 2),
    /** The fee per person-time in the evaluation organisation's published notice (Art. 17). */
    publishedFeeFen: fenSchema,
    /** What each student is charged; Art. 12 allows only zero. */
    studentFeeFen: fenSchema.default(0),
    candidates: z.number().int().min(0).max(100_000),
    /** Unknown until results are in. */
    passed: z.number().int().min(0).max(100_000).optional(),
  })
  .superRefine((s, ctx) => {
    reportResults(ctx, checkComponents(s.components));
    if (s.passed !== undefined && s.passed > s.candidates) {
      reportResults(ctx, [
        breach(assessmentRules.passedWithinCandidates, 'passed', {
          zh: `通过人数（${s.passed}）不能超过参考人数（${s.candidates}）`,
          en: `passed (${s.passed}) cannot exceed candidates (${s.candidates})`,
        }),
      ]);
    }
  });
export type AssessmentSessionInput = z.input<typeof assessmentSessionSchema>;
export type AssessmentSession = z.output<typeof assessmentSessionSchema>;

/**
 * Art. 12 (no student fee, hard) and Art. 17 (fee cap, waivable) for a parsed session.
 */
export function checkAssessmentFees(
  session: Pick<AssessmentSession, 'components' | 'publishedFeeFen' | 'studentFeeFen'>,
  table: Pick<RuleTable, 'feeCapsFen'>,
): RuleResult[] {
  const out: RuleResult[] = [];
  if (session.studentFeeFen > 0) {
    const fee = formatFen(session.studentFeeFen);
    out.push(
      breach(assessmentRules.noStudentFee, 'studentFeeFen', {
        zh: `考核费用由学校 100% 支付，不得向学生收取（拟收取 ${fee.zh}/人次）`,
        en: `assessment fees are paid 100 % by the school; students may not be charged (${fee.en} per person-time proposed)`,
      }),
    );
  }
  const capErrors = checkComponents(session.components);
  if (capErrors.length > 0) return [...out, ...capErrors];
  const cap = feeCapFen(session.components, table);
  if (session.publishedFeeFen > cap) {
    const [f, c] = [formatFen(session.publishedFeeFen), formatFen(cap)];
    const forms = session.components.map((x) => ({
      zh: `${assessmentFormNames[x.form].zh} ${formatBp(x.weightBp)}`,
      en: `${assessmentFormNames[x.form].en} ${formatBp(x.weightBp)}`,
    }));
    out.push(
      breach(assessmentRules.feeCap, 'publishedFeeFen', {
        zh: `考核收费 ${f.zh}/人次超过成本上限 ${c.zh}/人次（${forms.map((x) => x.zh).join(' + ')}）`,
        en: `the fee of ${f.en} per person-time exceeds the cap of ${c.en} (${forms.map((x) => x.en).join(' + ')})`,
      }),
    );
  }
  return out;
}

/** Candidates and passes, the exact form of a pass rate. */
export interface PassCount {
  candidates: number;
  passed: number;
}

/** Sums the counts of several sessions (a pilot's year). */
export function totalPassCount(sessions: readonly PassCount[]): PassCount {
  return sessions.reduce((t, s) => ({ candidates: t.candidates + s.candidates, passed: t.passed + s.passed }), {
    candidates: 0,
    passed: 0,
  });
}

/** Validates counts: whole numbers, passed ≤ candidates. */
function assertCounts(c: PassCount): void {
  if (
    !Number.isSafeInteger(c.candidates) ||
    !Number.isSafeInteger(c.passed) ||
    c.candidates < 0 ||
    c.passed < 0 ||
    c.passed > c.candidates
  ) {
    throw new RangeError(`${assessmentRules.passedWithinCandidates.id}: invalid counts ${c.passed}/${c.candidates}`);
  }
}

/**
 * The pass rate in basis points, rounded half-up (26/29 = 89.655…% → 8966), for display
 * only; decisions use {@link passRateBelow}. Undefined when there were no candidates.
 * Integer arithmetic: ⌊(2·passed·10 000 + candidates) / (2·candidates)⌋.
 */
export function passRate(c: PassCount): number | undefined {
  assertCounts(c);
  return c.candidates === 0 ? undefined : Math.floor((2 * c.passed * FULL_WEIGHT_BP + c.candidates) / (2 * c.candidates));
}

/**
 * "89.66%"-style text of a pass count: half-up to two decimals. Given the Art. 12 threshold,
 * a rate below it is never shown as reaching it (17 999/20 000 reads "89.99%", not "90.00%"),
 * so a restriction never cites a rate that looks like a pass.
 */
export function formatPassRate(c: PassCount, thresholdBp?: number): string {
  const bp = passRate(c);
  if (bp === undefined) return '—';
  const shown = thresholdBp !== undefined && bp >= thresholdBp && passRateBelow(c, thresholdBp) ? thresholdBp - 1 : bp;
  return `${Math.trunc(shown / 100)}.${String(shown % 100).padStart(2, '0')}%`;
}

/**
 * Art. 12: is the pass rate below the threshold? Exact integer comparison,
 * passed × 10 000 < threshold × candidates: 8999/10000 is below 90.00 %, 9/10 is not.
 * No candidates → no rate → false (Art. 20 deals with assessments not held).
 */
export function passRateBelow(c: PassCount, thresholdBp: number): boolean {
  assertCounts(c);
  if (c.candidates === 0) return false;
  return c.passed * FULL_WEIGHT_BP < thresholdBp * c.candidates;
}
