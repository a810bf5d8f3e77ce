/**
 * Money: always integer fen (分, 1 CNY = 100 fen), never floating point. Amounts entered
 * by people as yuan strings ("400.01") are converted digit by digit, so 400.01 yuan is
 * exactly 40001 fen and no binary fraction ever decides a fee cap (Art. 17) or a ledger
 * balance (Art. 5(3), 11).
 */
import { z } from 'zod';

/** An amount in fen. Always a safe, non-negative integer where the schemas produce it. */
export type Fen = number;

/** Up to 10^13 fen (100 billion yuan): ample, and far inside Number.MAX_SAFE_INTEGER even when multiplied by 10 000 (basis points). */
export const MAX_FEN = 10_000_000_000_000;

/** Up to 12 integer digits and 2 decimals: at most ~10^14 fen, a safe integer; schemas cap at MAX_FEN. */
const YUAN = /^(0|[1-9]\d{0,11})(?:\.(\d{1,2}))?$/;

/**
 * "400.01" → 40001, "400" → 40000, "0.5" → 50. Returns null for anything else: signs,
 * separators, more than two decimals, exponents, blanks. No float parsing is involved.
 */
export function yuanToFen(yuan: string): Fen | null {
  const m = YUAN.exec(yuan.trim());
  if (!m) return null;
  const cents = (m[2] ?? '').padEnd(2, '0');
  return Number(m[1]) * 100 + Number(cents);
}

/** 40001 → "400.01"; 40000 → "400.00". */
export function fenToYuan(fen: Fen): string {
  if (!Number.isSafeInteger(fen)) throw new RangeError(`fenToYuan: not a whole number of fen: ${fen}`);
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** For messages: `400.01 元` / `CNY 400.01`. */
export function formatFen(fen: Fen): { zh: string; en: string } {
  const y = fenToYuan(fen);
  return { zh: `${y} 元`, en: `CNY ${y}` };
}

/** A non-negative amount in fen. */
export const fenSchema = z.number().int().min(0).max(MAX_FEN);

/** A positive amount in fen (an expense or income entry of zero is meaningless). */
export const positiveFenSchema = z.number().int().min(1).max(MAX_FEN);

/** A yuan amount as people type it ("400.01"), parsed exactly to fen. */
export const yuanStringSchema = z.string().transform((s, ctx) => {
  const fen = yuanToFen(s);
  if (fen === null || fen > MAX_FEN) {
    ctx.addIssue({
      code: 'custom',
      message: 'expected an amount in yuan with at most two decimals, e.g. 400.01',
      params: { zh: '金额应为以元为单位、最多两位小数的数字，例如 400.01' },
    });
    return z.NEVER;
  }
  return fen;
});

/**
 * An amount as a person types it into a form, in yuan: full-width digits and punctuation
 * (１００．５０), thousands separators (1,000.00 / 1，000) and a trailing 元 are accepted; every
 * other mistake gets its own message (empty, negative, more than two decimals, not a number,
 * too large) instead of a type error. Shared by the page's amount fields and anything else
 * that reads typed yuan.
 */
export function parseYuanInput(text: string): { fen: Fen } | { error: { zh: string; en: string } } {
  const s = text
    .replace(/[\uff10-\uff19]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/[．。]/g, '.')
    .replace(/[，]/g, ',')
    .replace(/[－−]/g, '-')
    .replace(/\s+/g, '')
    .replace(/(元|圆|￥|¥|CNY|RMB)/gi, '');
  if (s === '') return { error: { zh: '请输入金额（元）', en: 'enter an amount in yuan' } };
  if (s.startsWith('-')) return { error: { zh: '金额不能为负数', en: 'an amount cannot be negative' } };
  const plain = /^\d{1,3}(,\d{3})+(\.\d*)?$/.test(s) ? s.replace(/,/g, '') : s;
  if (!/^\d+(\.\d+)?$/.test(plain)) return { error: { zh: '请输入数字金额，例如 1234.50', en: 'enter a number, e.g. 1234.50' } };
  if ((plain.split('.')[1] ?? '').length > 2)
    return { error: { zh: '金额最多两位小数（精确到分）', en: 'at most two decimals (to the fen)' } };
  const fen = yuanToFen(plain.replace(/^0+(?=\d)/, ''));
  if (fen === null || fen > MAX_FEN) return { error: { zh: '金额过大', en: 'the amount is too large' } };
  return { fen };
}
