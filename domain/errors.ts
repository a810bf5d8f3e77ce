/**
 * Bilingual, structured rule results and errors. Every refusal a person can see is built
 * from a {@link RuleResult}: a stable rule id, the article of the regulation it comes from
 * (第N条), its severity, the offending field, and the message in Chinese and English.
 * Nothing in onex throws a bare string.
 */

export type Severity = 'hard' | 'waivable' | 'advisory';

/** An article reference such as 第八条（三） → { article: 8, item: 3 }. */
export interface ArticleRef {
  article: number;
  item?: number;
}

export interface Bilingual {
  zh: string;
  en: string;
}

export interface RuleResult {
  /** Stable id, e.g. `art8.minExaminees`. */
  ruleId: string;
  /** null when a refusal comes from input validation that no article governs. */
  article: ArticleRef | null;
  severity: Severity;
  /** Dotted path of the offending field, e.g. `plannedExaminees` or `pilot.lead.email`. */
  field: string;
  message: Bilingual;
}

const zhNumerals = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

/** 8 → 八, 12 → 十二, 20 → 二十, 22 → 二十二. Articles in the measures run 1..22. */
export function chineseNumeral(n: number): string {
  if (!Number.isInteger(n) || n < 0 || n > 99) throw new RangeError(`chineseNumeral: ${n} out of range`);
  if (n < 10) return zhNumerals[n]!;
  const tens = Math.floor(n / 10);
  const ones = n % 10;
  return `${tens === 1 ? '' : zhNumerals[tens]}十${ones === 0 ? '' : zhNumerals[ones]}`;
}

/** `第八条（三）` / `Art. 8(3)`. */
export function citeArticle(ref: ArticleRef): Bilingual {
  const zhItem = ref.item === undefined ? '' : `（${chineseNumeral(ref.item)}）`;
  const enItem = ref.item === undefined ? '' : `(${ref.item})`;
  return { zh: `第${chineseNumeral(ref.article)}条${zhItem}`, en: `Art. ${ref.article}${enItem}` };
}

/** One line a person reads: `第八条（三）：… / Art. 8(3): …`. */
export function formatRuleResult(r: RuleResult): string {
  const cite = r.article ? citeArticle(r.article) : null;
  const zh = cite ? `${cite.zh}：${r.message.zh}` : r.message.zh;
  const en = cite ? `${cite.en}: ${r.message.en}` : r.message.en;
  return `[${r.field}] ${zh} / ${en}`;
}

/** Thrown by validators and the API when an action is refused; carries every reason. */
export class OnexRefusal extends Error {
  readonly results: RuleResult[];
  constructor(results: RuleResult[]) {
    super(results.map(formatRuleResult).join('\n'));
    this.name = 'OnexRefusal';
    this.results = results;
  }
}

/** Shorthand for a validation refusal that no article governs. */
export function inputError(field: string, zh: string, en: string, ruleId = 'input.invalid'): RuleResult {
  return { ruleId, article: null, severity: 'hard', field, message: { zh, en } };
}
