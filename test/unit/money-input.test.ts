import { describe, expect, it } from 'vitest';
import { parseYuanInput } from '../../domain/money';

describe('amounts as people type them (parseYuanInput)', () => {
  it.each([
    ['100', 10000],
    ['１００', 10000],
    ['1,000.00', 100000],
    ['1，000', 100000],
    ['100.5', 10050],
    ['100元', 10000],
    [' 0.01 ', 1],
    ['１２３．４５', 12345],
  ])('%s → %d fen', (text, fen) => expect(parseYuanInput(text)).toEqual({ fen }));

  it.each([
    ['', '请输入金额'],
    ['-100', '不能为负'],
    ['－100', '不能为负'],
    ['100.123', '两位小数'],
    ['abc', '数字金额'],
    ['1,00', '数字金额'],
    ['1e5', '数字金额'],
    ['99999999999999', '过大'],
  ])('%s is refused with its own message', (text, zh) => {
    const r = parseYuanInput(text);
    expect('error' in r && r.error.zh).toContain(zh);
  });
});
