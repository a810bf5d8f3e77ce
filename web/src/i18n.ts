/**
 * The page's words: vue-i18n with zh-CN first and English, built from the bilingual message
 * files in ./i18n/ (one per part of the page, each entry `{ zh, en }` side by side so the two
 * languages cannot drift apart). Names of the domain's codes (stages, roles, approval kinds,
 * e-mail kinds…) come from the one dictionary, domain/names.ts, shared with e-mails and exports.
 *
 * In Chinese mode a person reads Chinese with the English beside it; in English mode, English
 * alone (the 中/EN switch, or `?lang=en`).
 */
import { computed } from 'vue';
import { createI18n } from 'vue-i18n';
import type { Bilingual, RuleResult } from '../../domain/errors';
import { citeArticle } from '../../domain/errors';
import { nameOf, type NameCategory } from '../../domain/names';

type Tree = { [k: string]: Tree | Bilingual };
const isLeaf = (v: Tree | Bilingual): v is Bilingual => typeof (v as Bilingual).zh === 'string' && typeof (v as Bilingual).en === 'string';

const files = import.meta.glob<{ default: Tree }>('./i18n/*.ts', { eager: true });
const source: Tree = {};
for (const f of Object.values(files)) Object.assign(source, f.default);

function pick(tree: Tree, lang: 'zh' | 'en'): Record<string, unknown> {
  return Object.fromEntries(Object.entries(tree).map(([k, v]) => [k, isLeaf(v) ? v[lang] : pick(v, lang)]));
}

export type Lang = 'zh-CN' | 'en';
const initial: Lang =
  new URLSearchParams(location.search).get('lang') === 'en' || localStorage.getItem('onex.lang') === 'en' ? 'en' : 'zh-CN';

type Messages = Record<string, unknown>;
export const i18n = createI18n<[Messages], Lang, false>({
  legacy: false,
  locale: initial,
  fallbackLocale: 'zh-CN',
  messages: { 'zh-CN': pick(source, 'zh'), en: pick(source, 'en') },
  missingWarn: false,
  fallbackWarn: false,
});
document.documentElement.lang = initial;

export const lang = computed<Lang>(() => i18n.global.locale.value as Lang);
export const zhMode = computed(() => lang.value === 'zh-CN');

export function setLang(l: Lang): void {
  i18n.global.locale.value = l;
  localStorage.setItem('onex.lang', l === 'en' ? 'en' : 'zh');
  document.documentElement.lang = l;
}

/** A message by key as a Bilingual pair. */
export function pair(key: string, params: Record<string, unknown> = {}): Bilingual {
  return { zh: i18n.global.t(key, params, { locale: 'zh-CN' }), en: i18n.global.t(key, params, { locale: 'en' }) };
}

/** Plain text for attributes, titles and table headers: `中文 / English`, or English alone. */
export function tb(b: Bilingual | undefined): string {
  if (!b) return '';
  return zhMode.value ? (b.zh === b.en ? b.zh : `${b.zh} / ${b.en}`) : b.en;
}
/** `tb` of a message key. */
export function tk(key: string, params: Record<string, unknown> = {}): string {
  return tb(pair(key, params));
}
/** Only the current language (short labels where both would not fit, e.g. a tab's badge). */
export function t1(b: Bilingual | undefined): string {
  return b ? (zhMode.value ? b.zh : b.en) : '';
}
/** A code's name from the one dictionary (never the code itself). */
export function tn(category: NameCategory, code: string | undefined): string {
  return tb(nameOf(category, code));
}

/** A refusal as a person reads it: the message with its article (第十一条 / Art. 11). */
export function ruleText(r: RuleResult): string {
  const cite = r.article ? citeArticle(r.article) : null;
  return tb({ zh: cite ? `${r.message.zh}（${cite.zh}）` : r.message.zh, en: cite ? `${r.message.en} (${cite.en})` : r.message.en });
}
