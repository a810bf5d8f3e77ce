/**
 * zod → bilingual refusals. Every schema in onex is parsed through {@link parseOrRefuse}
 * (API, CLI, workflow update validators alike), so a bad field is named the same way
 * everywhere, in Chinese first with English beside it. Custom refinements may attach
 * `params: { zh, ruleId, article }` to cite the regulation.
 */
import { z } from 'zod';
import { OnexRefusal, inputError, type ArticleRef, type RuleResult, type Severity } from './errors';

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
  return issues.flatMap((issue): RuleResult[] => {
    const path = issue.path.map(String).join('.');
    const field = [fieldPrefix, path].filter(Boolean).join('.') || '(root)';
    if (issue.code === 'unrecognized_keys')
      return issue.keys.map((k) => unknownFieldResult([fieldPrefix, path, k].filter(Boolean).join('.'), k));
    const params = (issue as { params?: Partial<RefinementParams> }).params;
    if (issue.code === 'custom' && params?.zh) {
      return [
        {
          ruleId: params.ruleId ?? 'input.invalid',
          article: params.article ?? null,
          severity: params.severity ?? 'hard',
          field,
          message: { zh: params.zh, en: issue.message },
        },
      ];
    }
    return [
      {
        ruleId: `input.${issue.code}`,
        article: null,
        severity: 'hard',
        field,
        message: { zh: localised(zhLocale, issue), en: localised(enLocale, issue) },
      },
    ];
  });
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; errors: RuleResult[] };

/**
 * Characters no text field may hold: C0 controls other than tab, line feed and carriage
 * return; DEL and the C1 controls (ESC sequences, bells, NUL); the bidirectional overrides
 * and isolates (an RTL override makes `exe.txt` read as `txt.exe`); line/paragraph separators.
 */
// eslint-disable-next-line no-control-regex
export const CONTROL_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u200E\u200F\u202A-\u202E\u2028\u2029\u2066-\u2069]/;
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS_ALL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u200E\u200F\u202A-\u202E\u2028\u2029\u2066-\u2069]/g;

/** Text with every control character removed: for output to terminals and exports. */
export function stripControlCharacters(s: string): string {
  return s.replace(CONTROL_CHARACTERS_ALL, '');
}

/** How deep any input may nest (objects and arrays); deeper input is refused, never walked. */
export const MAX_INPUT_DEPTH = 32;

/** `a.b`, `a[0]`, and `a[" "]` for a key that is not a plain name (so a field is always visible). */
const join = (path: string, key: string | number) =>
  typeof key === 'number'
    ? `${path}[${key}]`
    : !/^[A-Za-z_$][\w$-]*$/.test(key)
      ? `${path}[${JSON.stringify(stripControlCharacters(key))}]`
      : path
        ? `${path}.${key}`
        : key;

export function unknownFieldResult(field: string, key: string): RuleResult {
  return inputError(
    field,
    `不接受字段“${stripControlCharacters(key).slice(0, 64)}”：请删除该字段或检查拼写`,
    `unknown field “${stripControlCharacters(key).slice(0, 64)}”: remove it or check its spelling`,
    'input.unknownField',
  );
}

export function controlCharacterResult(field: string): RuleResult {
  return inputError(
    field,
    '含有不允许的控制字符（如 NUL、ESC、响铃或文字方向控制符），请删除后重试',
    'contains a control character (NUL, ESC, bell or a text-direction override); remove it and retry',
    'input.controlCharacter',
  );
}

export function tooDeepResult(field: string): RuleResult {
  return inputError(field, `嵌套层级超过 ${MAX_INPUT_DEPTH} 层`, `nested more than ${MAX_INPUT_DEPTH} levels deep`, 'input.tooDeep');
}

/** True when `value` nests objects/arrays deeper than `max`; iterative, so any depth is safe to ask about. */
export function nestedDeeperThan(value: unknown, max = MAX_INPUT_DEPTH): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (d >= max) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v as Record<string, unknown>))
      if (child !== null && typeof child === 'object') stack.push([child, d + 1]);
  }
  return false;
}

type Def = { type: string; [k: string]: unknown };
const defOf = (s: unknown): Def | undefined => (s as { _zod?: { def?: Def } } | undefined)?._zod?.def;

/**
 * Every text in `value` that holds a control character, and every nesting deeper than
 * {@link MAX_INPUT_DEPTH}, whatever the schema: object keys count as text too.
 */
export function textIssues(value: unknown, path = '', depth = 0, out: RuleResult[] = []): RuleResult[] {
  if (out.length >= 20) return out;
  if (typeof value === 'string') {
    if (CONTROL_CHARACTERS.test(value)) out.push(controlCharacterResult(path || '(root)'));
    return out;
  }
  if (value === null || typeof value !== 'object') return out;
  if (depth >= MAX_INPUT_DEPTH) {
    out.push(tooDeepResult(path || '(root)'));
    return out;
  }
  if (Array.isArray(value)) {
    value.forEach((v, i) => textIssues(v, join(path, i), depth + 1, out));
    return out;
  }
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (CONTROL_CHARACTERS.test(k)) out.push(controlCharacterResult(join(path, stripControlCharacters(k))));
    else textIssues(v, join(path, k), depth + 1, out);
  }
  return out;
}

/**
 * Every field of `value` that `schema` does not declare, found by walking the schema beside
 * the value (objects, arrays, optional/nullable/default wrappers, pipes, unions, records,
 * tuples, lazy schemas). zod's plain objects strip unknown keys silently; onex refuses them,
 * naming each one, so a misspelt field is never dropped without a word. An object declared
 * with a catch-all (`z.looseObject`, `.catchall()`) accepts any key.
 */
export function unknownFields(schema: unknown, value: unknown, path = '', depth = 0, out: RuleResult[] = []): RuleResult[] {
  const def = defOf(schema);
  if (!def || depth > MAX_INPUT_DEPTH || value === undefined || value === null) return out;
  switch (def.type) {
    case 'object': {
      if (typeof value !== 'object' || Array.isArray(value)) return out;
      const shape = def.shape as Record<string, unknown>;
      const catchall = defOf(def.catchall);
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        if (Object.prototype.hasOwnProperty.call(shape, k)) unknownFields(shape[k], v, join(path, k), depth + 1, out);
        else if (!catchall) out.push(unknownFieldResult(join(path, k), k));
        else if (catchall.type !== 'never') unknownFields(def.catchall, v, join(path, k), depth + 1, out);
        // a `never` catch-all (z.strictObject): zod itself refuses the key
      }
      return out;
    }
    case 'array':
      if (Array.isArray(value)) value.forEach((v, i) => unknownFields(def.element, v, join(path, i), depth + 1, out));
      return out;
    case 'tuple':
      if (Array.isArray(value)) (def.items as unknown[]).forEach((item, i) => unknownFields(item, value[i], join(path, i), depth + 1, out));
      return out;
    case 'record':
      if (typeof value === 'object' && !Array.isArray(value))
        for (const [k, v] of Object.entries(value as Record<string, unknown>))
          unknownFields(def.valueType, v, join(path, k), depth + 1, out);
      return out;
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'nonoptional':
    case 'readonly':
    case 'catch':
      return unknownFields(def.innerType, value, path, depth, out);
    case 'lazy':
      return unknownFields((def.getter as () => unknown)(), value, path, depth, out);
    case 'pipe':
      // A preprocess (transform → schema) is checked against the schema it feeds.
      return unknownFields(defOf(def.in)?.type === 'transform' ? def.out : def.in, value, path, depth, out);
    case 'union': {
      // The option the value is meant for: one that accepts it, else the one with the fewest complaints.
      const options = def.options as z.ZodType[];
      let best: { found: RuleResult[]; fits: boolean } | undefined;
      for (const o of options) {
        const found = unknownFields(o, value, path, depth, []);
        const fits = o.safeParse(value).success;
        if (fits && found.length === 0) return out;
        if (!best || (fits && !best.fits) || (fits === best.fits && found.length < best.found.length)) best = { found, fits };
      }
      out.push(...(best?.found ?? []));
      return out;
    }
    case 'intersection':
      // Known to either side is known: report only keys both sides refuse.
      {
        const left = unknownFields(def.left, value, path, depth, []);
        const right = new Set(unknownFields(def.right, value, path, depth, []).map((r) => r.field));
        out.push(...left.filter((r) => right.has(r.field)));
      }
      return out;
    default:
      return out;
  }
}

export interface ParseOptions {
  /**
   * Refuse fields the schema does not declare and text with control characters (default).
   * `false` only where a workflow re-reads what it already accepted (history replay).
   */
  strict?: boolean;
}

export function safeParseBilingual<S extends z.ZodType>(
  schema: S,
  input: unknown,
  fieldPrefix = '',
  options: ParseOptions = {},
): ParseResult<z.output<S>> {
  if (options.strict !== false) {
    const prefix = (rs: RuleResult[]) =>
      fieldPrefix ? rs.map((r) => ({ ...r, field: r.field === '(root)' ? fieldPrefix : `${fieldPrefix}.${r.field}` })) : rs;
    const text = textIssues(input);
    // Too deep: refuse before zod walks it.
    if (text.some((r) => r.ruleId === 'input.tooDeep')) return { ok: false, errors: prefix(text) };
    const strict = [...unknownFields(schema, input), ...text];
    if (strict.length > 0) {
      const r = schema.safeParse(input, { reportInput: true });
      return { ok: false, errors: [...prefix(strict), ...(r.success ? [] : issuesToResults(r.error.issues, fieldPrefix))] };
    }
  }
  const r = schema.safeParse(input, { reportInput: true });
  return r.success ? { ok: true, value: r.data } : { ok: false, errors: issuesToResults(r.error.issues, fieldPrefix) };
}

/** Parses or throws an {@link OnexRefusal} listing every bad field. */
export function parseOrRefuse<S extends z.ZodType>(schema: S, input: unknown, fieldPrefix = '', options: ParseOptions = {}): z.output<S> {
  const r = safeParseBilingual(schema, input, fieldPrefix, options);
  if (!r.ok) throw new OnexRefusal(r.errors);
  return r.value;
}

/** A string that must match `re`, refused with a bilingual message. */
export function patternString(re: RegExp, zh: string, en: string): z.ZodString {
  return z
    .string()
    .trim()
    .refine((s) => re.test(s), { message: en, params: { zh } }) as unknown as z.ZodString;
}

/** A string that must not be blank after trimming, refused with a bilingual message. */
export function requiredText(max: number, zh: string, en: string) {
  return z
    .string()
    .trim()
    .refine((s) => s.length > 0, { message: en, params: { zh } })
    .pipe(z.string().max(max));
}
