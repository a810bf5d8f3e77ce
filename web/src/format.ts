/** How the page writes dates and money: Beijing time, 元 with two decimals (amounts are kept in 分). */
import { formatShanghaiMinute, shanghaiDate } from '../../domain/calendar';

export const beijingMinute = (iso?: string | number | null): string => (iso ? formatShanghaiMinute(iso) : '—');
export const beijingDate = (iso?: string | number | null): string => (iso ? formatShanghaiMinute(iso).slice(0, 10) : '—');
export const today = (): string => shanghaiDate(Date.now());

const yuanFormat = new Intl.NumberFormat('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
/** 123456 分 → "¥1,234.56". */
export function yuan(fen: number | undefined | null): string {
  if (fen === undefined || fen === null) return '—';
  return `¥${yuanFormat.format(fen / 100)}`;
}
