import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  assessmentForms,
  assessmentSessionSchema,
  checkAssessmentFees,
  checkComponents,
  feeCapFen,
  formatPassRate,
  passRate,
  passRateBelow,
  totalPassCount,
  type AssessmentComponent,
  type AssessmentForm,
} from '../../domain/assessment';
import { yuanToFen } from '../../domain/money';
import { refusalsOf, shape, table } from './fixtures';

const only = (form: AssessmentForm): AssessmentComponent[] => [{ form, weightBp: 10_000 }];
const mixed6040: AssessmentComponent[] = [
  { form: 'written', weightBp: 6000 },
  { form: 'practicalSpecial', weightBp: 4000 },
];
const fees = (components: AssessmentComponent[], publishedFeeFen: number, studentFeeFen = 0) =>
  checkAssessmentFees({ components, publishedFeeFen, studentFeeFen }, table);

describe('Art. 16–17 fee caps per form', () => {
  const caps: [AssessmentForm, number][] = [
    ['written', 200_00],
    ['computer', 300_00],
    ['practicalGeneral', 500_00],
    ['practicalSpecial', 700_00],
  ];

  it.each(caps)('%s: cap %i fen; at the cap accepted, one fen over refused citing Art. 17', (form, cap) => {
    expect(feeCapFen(only(form), table)).toBe(cap);
    expect(fees(only(form), cap)).toEqual([]);
    const over = fees(only(form), cap + 1);
    expect(shape(over)).toEqual([{ ruleId: 'art17.feeCap', article: { article: 17 }, severity: 'waivable', field: 'publishedFeeFen' }]);
    expect(over[0]!.message.zh).toContain(`${cap / 100}.00 元`);
  });
});

describe('Art. 17 mixed exams: score-weighted cap', () => {
  it('60 % written + 40 % special practical → 400.00 yuan; 400.00 accepted, 400.01 refused', () => {
    expect(feeCapFen(mixed6040, table)).toBe(40_000);
    expect(fees(mixed6040, yuanToFen('400.00')!)).toEqual([]);
    const over = fees(mixed6040, yuanToFen('400.01')!);
    expect(shape(over)).toEqual([{ ruleId: 'art17.feeCap', article: { article: 17 }, severity: 'waivable', field: 'publishedFeeFen' }]);
    expect(over[0]!.message.zh).toBe(
      '考核收费 400.01 元/人次超过成本上限 400.00 元/人次（纸笔考试 60% + 基于特殊要求实训设备和场地的实操考试 40%）',
    );
    expect(over[0]!.message.en).toContain('CNY 400.01 per person-time exceeds the cap of CNY 400.00');
  });

  it('rounds a fractional cap down to the fen, which decides exactly: ⅓ each of 200/300/500 → 333.33', () => {
    const thirds: AssessmentComponent[] = [
      { form: 'written', weightBp: 3333 },
      { form: 'computer', weightBp: 3333 },
      { form: 'practicalGeneral', weightBp: 3334 },
    ];
    // 3333×20000 + 3333×30000 + 3334×50000 = 333 350 000 → 33 335.0 fen
    expect(feeCapFen(thirds, table)).toBe(33_335);
    expect(fees(thirds, 33_335)).toEqual([]);
    expect(fees(thirds, 33_336).map((r) => r.ruleId)).toEqual(['art17.feeCap']);
  });

  it('weights totalling 99 % are refused citing Art. 17, and so is 101 %', () => {
    const w99: AssessmentComponent[] = [
      { form: 'written', weightBp: 5900 },
      { form: 'practicalSpecial', weightBp: 4000 },
    ];
    expect(shape(checkComponents(w99))).toEqual([
      { ruleId: 'art17.weightsTotal', article: { article: 17 }, severity: 'hard', field: 'components' },
    ]);
    expect(checkComponents(w99)[0]!.message).toEqual({
      zh: '各类型考核分值比例合计为 99%，必须恰为 100%',
      en: 'the score weights total 99%; they must total exactly 100%',
    });
    expect(
      checkComponents([
        { form: 'written', weightBp: 6100 },
        { form: 'computer', weightBp: 4000 },
      ])[0]!.message.en,
    ).toContain('101%');
    expect(() => feeCapFen(w99, table)).toThrow(/exactly 100%/);
    expect(fees(w99, 1).map((r) => r.ruleId)).toEqual(['art17.weightsTotal']);
  });

  it('refuses a form listed twice and an empty form list, citing Art. 16', () => {
    expect(
      shape(
        checkComponents([
          { form: 'written', weightBp: 5000 },
          { form: 'written', weightBp: 5000 },
        ]),
      ),
    ).toEqual([{ ruleId: 'art16.assessmentForms', article: { article: 16 }, severity: 'hard', field: 'components.1.form' }]);
    expect(checkComponents([]).map((r) => r.ruleId)).toEqual(['art16.assessmentForms']);
  });

  it('property: a mixed cap always lies between its smallest and largest component caps', () => {
    // n distinct forms; n − 1 distinct cut points in (0, 10 000) split 100 % into n positive weights.
    const mixes = fc.uniqueArray(fc.constantFrom(...assessmentForms), { minLength: 1, maxLength: 4 }).chain((forms) =>
      fc.uniqueArray(fc.integer({ min: 1, max: 9_999 }), { minLength: forms.length - 1, maxLength: forms.length - 1 }).map((cuts) => {
        const bounds = [0, ...cuts.sort((a, b) => a - b), 10_000];
        return forms.map((form, i) => ({ form, weightBp: bounds[i + 1]! - bounds[i]! }));
      }),
    );
    fc.assert(
      fc.property(mixes, (cs) => {
        expect(checkComponents(cs)).toEqual([]);
        const caps = cs.map((c) => table.feeCapsFen[c.form]);
        const cap = feeCapFen(cs, table);
        expect(cap).toBeGreaterThanOrEqual(Math.min(...caps));
        expect(cap).toBeLessThanOrEqual(Math.max(...caps));
        expect(Number.isInteger(cap)).toBe(true);
      }),
    );
  });
});

describe('Art. 12: no fee charged to students', () => {
  it('a student fee of 0.01 yuan is refused citing Art. 12', () => {
    const r = fees(only('written'), 100_00, yuanToFen('0.01')!);
    expect(shape(r)).toEqual([{ ruleId: 'art12.noStudentFee', article: { article: 12 }, severity: 'hard', field: 'studentFeeFen' }]);
    expect(r[0]!.message.zh).toBe('考核费用由学校 100% 支付，不得向学生收取（拟收取 0.01 元/人次）');
  });
  it('a student fee of zero is fine', () => {
    expect(fees(only('written'), 100_00, 0)).toEqual([]);
  });
});

describe('Art. 12 pass rate, exact', () => {
  it('89.99 % is below 90 %; 90.00 % is not', () => {
    expect(passRateBelow({ candidates: 10_000, passed: 8_999 }, table.passRateThresholdBp)).toBe(true);
    expect(passRateBelow({ candidates: 10_000, passed: 9_000 }, table.passRateThresholdBp)).toBe(false);
    expect(formatPassRate({ candidates: 10_000, passed: 8_999 })).toBe('89.99%');
    expect(formatPassRate({ candidates: 10_000, passed: 9_000 })).toBe('90.00%');
  });
  it('rates are shown half-up to two decimals, and a rate below the threshold never reads as reaching it', () => {
    expect(formatPassRate({ candidates: 3, passed: 2 })).toBe('66.67%');
    expect(formatPassRate({ candidates: 8, passed: 1 })).toBe('12.50%');
    expect(formatPassRate({ candidates: 200_000, passed: 1 })).toBe('0.00%');
    expect(formatPassRate({ candidates: 40_000, passed: 1 })).toBe('0.00%'); // 0.0025 % → 0.00
    expect(formatPassRate({ candidates: 20_000, passed: 1 })).toBe('0.01%'); // 0.005 % → half-up
    expect(formatPassRate({ candidates: 20_000, passed: 17_999 })).toBe('90.00%');
    expect(formatPassRate({ candidates: 20_000, passed: 17_999 }, 9000)).toBe('89.99%');
    expect(formatPassRate({ candidates: 7, passed: 7 }, 9000)).toBe('100.00%');
    expect(formatPassRate({ candidates: 0, passed: 0 })).toBe('—');
  });

  it('27/30 is exactly 90 % (not restricted) and 26/29 ≈ 89.66 % is restricted', () => {
    expect(passRateBelow({ candidates: 30, passed: 27 }, 9000)).toBe(false);
    expect(passRateBelow({ candidates: 29, passed: 26 }, 9000)).toBe(true);
    expect(passRate({ candidates: 29, passed: 26 })).toBe(8966);
    expect(formatPassRate({ candidates: 29, passed: 26 })).toBe('89.66%');
  });
  it('property: 9k of 10k is never below, 9k − 1 of 10k always is', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), (k) => {
        expect(passRateBelow({ candidates: 10 * k, passed: 9 * k }, 9000)).toBe(false);
        expect(passRateBelow({ candidates: 10 * k, passed: 9 * k - 1 }, 9000)).toBe(true);
      }),
    );
  });
  it('no candidates → no rate, not below; impossible counts throw', () => {
    expect(passRate({ candidates: 0, passed: 0 })).toBeUndefined();
    expect(passRateBelow({ candidates: 0, passed: 0 }, 9000)).toBe(false);
    expect(() => passRateBelow({ candidates: 5, passed: 6 }, 9000)).toThrow(/art12.passRateInputs/);
  });
  it('sums the sessions of a year', () => {
    expect(
      totalPassCount([
        { candidates: 40, passed: 38 },
        { candidates: 60, passed: 51 },
      ]),
    ).toEqual({ candidates: 100, passed: 89 });
  });
});

describe('assessment session schema', () => {
  const valid = { id: 's1', pilotId: 'p1', date: '2026-06-10', components: mixed6040, publishedFeeFen: 40_000, candidates: 40, passed: 37 };
  it('parses a valid session with studentFeeFen defaulting to 0', () => {
    expect(assessmentSessionSchema.parse(valid).studentFeeFen).toBe(0);
  });
  it('refuses weights of 99 % with the rule id and article', () => {
    const r = refusalsOf(assessmentSessionSchema, {
      ...valid,
      components: [
        { form: 'written', weightBp: 5900 },
        { form: 'practicalSpecial', weightBp: 4000 },
      ],
    });
    expect(shape(r)).toEqual([{ ruleId: 'art17.weightsTotal', article: { article: 17 }, severity: 'hard', field: 'components' }]);
  });
  it('refuses passed > candidates citing Art. 12', () => {
    expect(shape(refusalsOf(assessmentSessionSchema, { ...valid, passed: 41 }))).toEqual([
      { ruleId: 'art12.passRateInputs', article: { article: 12 }, severity: 'hard', field: 'passed' },
    ]);
  });
  it('refuses a fractional fee (money is whole fen)', () => {
    expect(refusalsOf(assessmentSessionSchema, { ...valid, publishedFeeFen: 400.5 }).map((r) => r.field)).toEqual(['publishedFeeFen']);
  });
});
