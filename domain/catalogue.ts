/**
 * The rules catalogue: every rule onex enforces, one list, generated into docs/rules.md by
 * `npm run catalogue -- --write`. test/unit/catalogue.test.ts walks it: every rule has an
 * article and Chinese and English text, ids are unique, each `domain/…#name` location
 * exists, and every `…Rules` export of a domain module is listed here.
 */
import { applicationRules } from './application';
import { approvalRules } from './approval';
import { assessmentRules } from './assessment';
import { budgetRules } from './budget';
import { changeRules } from './change';
import { dateRules } from './date-window';
import { citeArticle, type Severity } from './errors';
import { examinerRules } from './examiner';
import { fundRules } from './funds';
import { inspectionRules } from './inspection';
import { roundRules } from './round';
import { defineRule, type RuleDefinition } from './rules';
import { violationRules } from './violation';
import { weeklyRules } from './weekly-rules';

/**
 * Who may waive a 原则上 rule, and how (DOMAIN.md). Art. 4: Academic Affairs is the
 * managing department of the programme; Art. 22: it interprets the measures.
 */
export const waiverRules = {
  grantor: defineRule({
    id: 'waiver.academicAffairsOnly',
    article: { article: 4 },
    severity: 'hard',
    title: { zh: '只有教务部可以豁免“原则上”规则', en: 'only Academic Affairs may waive an "in principle" (原则上) rule' },
    enforcedIn: ['domain/waivers.ts#grantWaiver', 'domain/waivers.ts#evaluateRules'],
  }),
  reason: defineRule({
    id: 'waiver.reasonRequired',
    article: { article: 4 },
    severity: 'hard',
    title: { zh: '豁免须写明理由，并记录豁免人和时间', en: 'a waiver needs a written reason; who granted it and when are recorded' },
    enforcedIn: ['domain/waivers.ts#waiverRequestSchema', 'domain/waivers.ts#grantWaiver'],
  }),
  waivableOnly: defineRule({
    id: 'waiver.waivableOnly',
    article: { article: 22 },
    severity: 'hard',
    title: {
      zh: '只有“原则上”（可豁免）规则可以豁免，硬性规则不能豁免',
      en: 'only waivable (原则上) rules can be waived; hard rules cannot',
    },
    enforcedIn: ['domain/waivers.ts#grantWaiver', 'domain/waivers.ts#evaluateRules'],
  }),
} as const;

/** Every rule group, in the order of the measures. */
export const ruleGroups = {
  weeklyRules,
  examinerRules,
  changeRules,
  applicationRules,
  roundRules,
  fundRules,
  assessmentRules,
  budgetRules,
  inspectionRules,
  approvalRules,
  violationRules,
  waiverRules,
  dateRules,
} as const;

function byArticle(a: RuleDefinition, b: RuleDefinition): number {
  return a.article.article - b.article.article || (a.article.item ?? 0) - (b.article.item ?? 0) || a.id.localeCompare(b.id);
}

export const rulesCatalogue: readonly RuleDefinition[] = Object.freeze(
  Object.values(ruleGroups)
    .flatMap((g) => Object.values(g) as RuleDefinition[])
    .sort(byArticle),
);

export function findRule(id: string): RuleDefinition | undefined {
  return rulesCatalogue.find((r) => r.id === id);
}

export const severityNames: Record<Severity, { zh: string; en: string }> = {
  hard: { zh: '硬性', en: 'hard' },
  waivable: { zh: '原则上（可豁免）', en: 'waivable' },
  advisory: { zh: '倡导', en: 'advisory' },
};

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The catalogue as a Markdown document (docs/rules.md). */
export function catalogueMarkdown(rules: readonly RuleDefinition[] = rulesCatalogue): string {
  const lines = [
    '# 规则目录 / Rules catalogue',
    '',
    'Generated from `domain/catalogue.ts` by `npm run catalogue -- --write`; do not edit by hand.',
    'Source: 《广东生态工程职业学院1+X证书制度试点工作管理办法（试行）》 (`spec/measures.zh.txt`).',
    'Severity: 硬性 hard — always enforced; 原则上 waivable — blocks unless Academic Affairs grants a recorded waiver; 倡导 advisory — never blocks.',
    '',
    `${rules.length} rules.`,
    '',
    '| 条款 Article | 规则 Rule id | 性质 Severity | 内容 | Rule | 执行位置 Enforced in |',
    '|---|---|---|---|---|---|',
  ];
  for (const r of rules) {
    const a = citeArticle(r.article);
    const sev = severityNames[r.severity];
    lines.push(
      `| ${a.zh} ${a.en} | \`${r.id}\` | ${sev.zh} ${sev.en} | ${cell(r.title.zh)} | ${cell(r.title.en)} | ${r.enforcedIn.map((e) => `\`${e}\``).join('<br>')} |`,
    );
  }
  return `${lines.join('\n')}\n`;
}
