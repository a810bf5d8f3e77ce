import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fenToYuan, formatFen, yuanStringSchema, yuanToFen } from '../../domain/money';
import { safeParseBilingual } from '../../domain/validation';

describe('yuan ↔ fen, exactly', () => {
  it.each([
    ['400.01', 40_001],
    ['400', 40_000],
    ['400.0', 40_000],
    ['0.5', 50],
    ['0.01', 1],
    ['0', 0],
    [' 12.30 ', 1_230],
    ['0.29', 29],
    ['1.005', null],
    ['-1', null],
    ['1e3', null],
    ['01', null],
    ['1,000', null],
    ['', null],
    ['.5', null],
    ['5.', null],
    ['100000000000', 10_000_000_000_000],
    ['1000000000000', null],
  ] as const)('%j → %j', (yuan, fen) => {
    expect(yuanToFen(yuan)).toBe(fen);
  });
  it('0.29 is 29 fen (0.29 × 100 in floating point is 28.999…)', () => {
    expect(0.29 * 100).not.toBe(29);
    expect(yuanToFen('0.29')).toBe(29);
  });
  it('formats fen', () => {
    expect(fenToYuan(40_001)).toBe('400.01');
    expect(fenToYuan(5)).toBe('0.05');
    expect(fenToYuan(-150)).toBe('-1.50');
    expect(formatFen(70_000)).toEqual({ zh: '700.00 元', en: 'CNY 700.00' });
    expect(() => fenToYuan(1.5)).toThrow(RangeError);
  });
  it('property: fenToYuan and yuanToFen are inverse on whole fen', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000_000_000 }), (fen) => {
        expect(yuanToFen(fenToYuan(fen))).toBe(fen);
      }),
    );
  });
  it('the schema parses to fen and refuses with a bilingual message', () => {
    expect(yuanStringSchema.parse('400.01')).toBe(40_001);
    const r = safeParseBilingual(yuanStringSchema, '400.011', 'publishedFee');
    expect(r.ok ? [] : r.errors).toEqual([
      {
        ruleId: 'input.invalid',
        article: null,
        severity: 'hard',
        field: 'publishedFee',
        message: {
          zh: '金额应为以元为单位、最多两位小数的数字，例如 400.01',
          en: 'expected an amount in yuan with at most two decimals, e.g. 400.01',
        },
      },
    ]);
  });
});
