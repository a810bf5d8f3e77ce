/**
 * Waivers of 原则上 ("in principle") rules (DOMAIN.md): the engine blocks by default; an
 * Academic Affairs officer (Art. 4) may grant a waiver for one rule on one subject (an
 * application, a session, …) with a written reason; who granted it and when are recorded
 * in the waiver, which the workflow keeps in its state and history.
 *
 * Waivable rules: Art. 8(2) one pilot per major, Art. 8(3) at least 30 examinees,
 * Art. 12 pass-rate restriction, Art. 17 fee cap. See each rule's module for why.
 */
import { z } from 'zod';
import { actorSchema, isAcademicAffairs, type Actor } from './actor';
import { findRule, waiverRules } from './catalogue';
import { citeArticle, type RuleResult } from './errors';
import { idSchema } from './pilot';
import { accepted, breach, refused, reportResults, requireRole, type Outcome } from './rules';
import { safeParseBilingual } from './validation';

export const waiverRequestSchema = z.object({
  ruleId: z.string().trim().min(1).max(100),
  /** The application, session, … the waiver is for. */
  subjectId: idSchema,
  /** Limit the waiver to one field's result; all of the rule's results on the subject otherwise. */
  field: z.string().trim().min(1).max(200).optional(),
  reason: z
    .string()
    .trim()
    .max(2000)
    .superRefine((s, ctx) => {
      if (s.length === 0)
        reportResults(ctx, [breach(waiverRules.reason, '(root)', { zh: '豁免须写明理由', en: 'a waiver needs a written reason' })]);
    }),
});
export type WaiverRequest = z.input<typeof waiverRequestSchema>;

export const waiverSchema = z.object({
  id: z.string().min(1).max(400),
  ruleId: z.string().min(1).max(100),
  subjectId: idSchema,
  field: z.string().min(1).max(200).optional(),
  reason: z.string().min(1).max(2000),
  grantedBy: actorSchema,
  /** Workflow time of the grant, ISO instant. */
  grantedAt: z.iso.datetime(),
});
export type Waiver = z.output<typeof waiverSchema>;

/** Deterministic id: one waiver per rule, subject and field. */
export function waiverId(w: { subjectId: string; ruleId: string; field?: string | undefined }): string {
  return `waiver:${w.subjectId}:${w.ruleId}${w.field ? `:${w.field}` : ''}`;
}

/**
 * Grants a waiver, or refuses: only Academic Affairs (Art. 4), only a waivable rule in the
 * catalogue, only with a reason. `now` is the caller's (workflow) time.
 */
export function grantWaiver(request: unknown, actor: Actor, now: Date): Outcome<Waiver> {
  const parsed = safeParseBilingual(waiverRequestSchema, request);
  const errors: RuleResult[] = parsed.ok ? [] : parsed.errors;
  errors.push(
    ...requireRole(actor, 'academicAffairs', waiverRules.grantor, 'actor.role', {
      zh: '只有教务部可以批准豁免',
      en: 'only Academic Affairs may grant a waiver',
    }),
  );
  if (parsed.ok) {
    const rule = findRule(parsed.value.ruleId);
    if (!rule) {
      errors.push(
        breach(waiverRules.waivableOnly, 'ruleId', { zh: `没有规则 ${parsed.value.ruleId}`, en: `no rule ${parsed.value.ruleId}` }),
      );
    } else if (rule.severity !== 'waivable') {
      const a = citeArticle(rule.article);
      errors.push(
        breach(waiverRules.waivableOnly, 'ruleId', {
          zh: `${a.zh}规则 ${rule.id} 不是“原则上”规则，不能豁免`,
          en: `${a.en} rule ${rule.id} is not an "in principle" rule and cannot be waived`,
        }),
      );
    }
  }
  if (errors.length > 0 || !parsed.ok) return refused(errors);
  const r = parsed.value;
  return accepted({
    id: waiverId(r),
    ruleId: r.ruleId,
    subjectId: r.subjectId,
    ...(r.field ? { field: r.field } : {}),
    reason: r.reason,
    grantedBy: actor,
    grantedAt: now.toISOString(),
  });
}

export interface WaivedResult {
  result: RuleResult;
  waiver: Waiver;
}

export interface RuleEvaluation {
  /** True when nothing blocks. */
  ok: boolean;
  /** Hard results, and waivable ones without a waiver. */
  blocking: RuleResult[];
  /** Waivable results a waiver covers, each with the waiver that covers it. */
  waived: WaivedResult[];
  /** Advisory results: shown, never blocking. */
  advisories: RuleResult[];
}

function covers(w: Waiver, r: RuleResult, subjectId: string): boolean {
  return (
    w.subjectId === subjectId && w.ruleId === r.ruleId && (w.field === undefined || w.field === r.field) && isAcademicAffairs(w.grantedBy)
  );
}

/**
 * Sorts a subject's rule results into blocking, waived and advisory. A waiver covers only
 * waivable results of its rule on its subject (and field, when it names one), and only
 * when Academic Affairs granted it; a hard result is never waived.
 */
export function evaluateRules(results: readonly RuleResult[], waivers: readonly Waiver[], subjectId: string): RuleEvaluation {
  const out: RuleEvaluation = { ok: true, blocking: [], waived: [], advisories: [] };
  for (const r of results) {
    if (r.severity === 'advisory') {
      out.advisories.push(r);
      continue;
    }
    const waiver = r.severity === 'waivable' ? waivers.find((w) => covers(w, r, subjectId)) : undefined;
    if (waiver) out.waived.push({ result: r, waiver });
    else out.blocking.push(r);
  }
  out.ok = out.blocking.length === 0;
  return out;
}
