/**
 * zod → bilingual refusals. Every schema in onex is parsed through {@link parseOrRefuse}
 * (API, CLI, workflow update validators alike), so a bad field is named the same way
 * everywhere, in Chinese first with English beside it. Custom refinements may attach
 * `params: { zh, ruleId, article }` to cite the regulation.
 */
import { z } from 'zod';
import { OnexRefusal, type ArticleRef, type RuleResult, type Severity } from './errors';

const zhLocale = z.locales.zhCN().localeError;
const enLocale = z.locales.en().localeError;

function localised(map: typeof zhLocale, issue: z.core.$ZodIssue): string {
  const out = map(issue as unknown as Parameters<typeof zhLocale>[0]);
  return typeof out === 'string' ? out : (out?.message ?? issue.message);
}

export interface RefinementParams {
  zh: string;
  ruleId?: string;
  article?: ArticleRef;
  severity?: Severity;
}

/** Params for a `.refine()` / `ctx.addIssue()` that cites an article. */
export function cite(zh: string, ruleId?: string, article?: ArticleRef, severity: Severity = 'hard'): RefinementParams {
  return { zh, ruleId, article, severity };
}

export function issuesToResults(issues: readonly z.core.$ZodIssue[], fieldPrefix = ''): RuleResult[] {
  return issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    const field = [fieldPrefix, path].filter(Boolean).join('.') || '(root)';
    const params = (issue as { params?: Partial<RefinementParams> }).params;
    if (issue.code === 'custom' && params?.zh) {
      return {
        ruleId: params.ruleId ?? 'input.invalid',
        article: params.article ?? null,
        severity: params.severity ?? 'hard',
        field,
        message: { zh: params.zh, en: issue.message },
      };
    }
    return {
      ruleId: `input.${issue.code}`,
      article: null,
      severity: 'hard',
      field,
      message: { zh: localised(zhLocale, issue), en: localised(enLocale, issue) },
    };
  });
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; errors: RuleResult[] };

export function safeParseBilingual<S extends z.ZodType>(schema: S, input: unknown, fieldPrefix = ''): ParseResult<z.output<S>> {
  const r = schema.safeParse(input, { reportInput: true });
  return r.success ? { ok: true, value: r.data } : { ok: false, errors: issuesToResults(r.error.issues, fieldPrefix) };
}

/** Parses or throws an {@link OnexRefusal} listing every bad field. */
export function parseOrRefuse<S extends z.ZodType>(schema: S, input: unknown, fieldPrefix = ''): z.output<S> {
  const r = safeParseBilingual(schema, input, fieldPrefix);
  if (!r.ok) throw new OnexRefusal(r.errors);
  return r.value;
}

/** A string that must match `re`, refused with a bilingual message. */
export function patternString(re: RegExp, zh: string, en: string): z.ZodString {
  return z.string().trim().refine((s) => re.test(s), { message: en, params: { zh } }) as unknown as z.ZodString;
}

/** A string that must not be blank after trimming, refused with a bilingual message. */
export function requiredText(max: number, zh: string, en: string) {
  return z.string().trim().refine((s) => s.length > 0, { message: en, params: { zh } }).pipe(z.string().max(max));
}
