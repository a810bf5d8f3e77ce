/**
 * Rule definitions: the data every rule of the measures carries (stable id, article,
 * severity, bilingual title, where it is enforced), and the one way to build a
 * {@link RuleResult} from a rule so that a result can never disagree with its definition.
 *
 * Each subject module (application.ts, funds.ts, …) declares its rules with
 * {@link defineRule}; domain/catalogue.ts gathers them into the one rules catalogue.
 *
 * Severity (DOMAIN.md): where the measures say 原则上 ("in principle") a rule is
 * `waivable` — it blocks by default and Academic Affairs may waive it with a written
 * reason (domain/waivers.ts); `advisory` never blocks; everything else is `hard`.
 */
import { z } from 'zod';
import { hasRole, type Actor, type Role } from './actor';
import type { ArticleRef, Bilingual, RuleResult, Severity } from './errors';
import type { RefinementParams } from './validation';

export interface RuleDefinition {
  /** Stable id, e.g. `art8.minExaminees`. Never reuse or rename a published id. */
  readonly id: string;
  readonly article: Readonly<ArticleRef>;
  readonly severity: Severity;
  /** What the rule says, Chinese and English. */
  readonly title: Readonly<Bilingual>;
  /**
   * Where the rule is enforced: `path/file.ts#exportedName` for code that exports the
   * check, or a bare `path/file.ts` for a workflow that applies it.
   */
  readonly enforcedIn: readonly string[];
}

/** Declares a rule; the definition is frozen. */
export function defineRule<const D extends RuleDefinition>(d: D): D {
  return Object.freeze({
    ...d,
    article: Object.freeze({ ...d.article }),
    title: Object.freeze({ ...d.title }),
    enforcedIn: Object.freeze([...d.enforcedIn]),
  }) as D;
}

/** A result of `rule` for `field`, with the rule's id, article and severity. */
export function breach(rule: RuleDefinition, field: string, message: Bilingual): RuleResult {
  return { ruleId: rule.id, article: { ...rule.article }, severity: rule.severity, field, message: { ...message } };
}

/** A refusal of `rule` unless the actor has `role` (e.g. records only Academic Affairs keeps). */
export function requireRole(actor: Pick<Actor, 'role'>, role: Role, rule: RuleDefinition, field: string, message: Bilingual): RuleResult[] {
  return hasRole(actor, role) ? [] : [breach(rule, field, message)];
}

/** `components.0.form` → `['components', 0, 'form']`. */
function fieldPath(field: string): (string | number)[] {
  if (field === '' || field === '(root)') return [];
  return field.split('.').map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

/**
 * Reports rule results as zod issues from inside a `superRefine`, keeping rule id,
 * article and severity (validation.ts turns them back into the same results). Use only
 * for hard rules: a schema cannot be waived.
 */
export function reportResults(ctx: z.RefinementCtx, results: readonly RuleResult[], pathPrefix: (string | number)[] = []): void {
  for (const r of results) {
    const params: RefinementParams = {
      zh: r.message.zh,
      ruleId: r.ruleId,
      severity: r.severity,
      ...(r.article ? { article: r.article } : {}),
    };
    ctx.addIssue({ code: 'custom', path: [...pathPrefix, ...fieldPath(r.field)], message: r.message.en, params });
  }
}

/** The outcome of a domain operation that may be refused. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; errors: RuleResult[] };

export function refused<T>(errors: RuleResult[]): Outcome<T> {
  return { ok: false, errors };
}

export function accepted<T>(value: T): Outcome<T> {
  return { ok: true, value };
}
