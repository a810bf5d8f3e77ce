/** A message whose parameters are themselves bilingual (a step's or kind's name): each language gets its own. */
import type { Bilingual } from '../../../../domain/errors';
import { pair } from '../../i18n';

export function pairWith(key: string, params: Record<string, Bilingual | string | number>): Bilingual {
  const of = (lang: 'zh' | 'en') => Object.fromEntries(Object.entries(params).map(([k, v]) => [k, typeof v === 'object' ? v[lang] : v]));
  return { zh: pair(key, of('zh')).zh, en: pair(key, of('en')).en };
}
