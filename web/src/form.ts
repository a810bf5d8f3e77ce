/**
 * One submit of a form: a busy state (the button disabled while the request is in flight, so a
 * second click cannot send it twice), one Idempotency-Key per submit kept across retries of
 * the same body (a network failure or 503 retried never applies twice; a refusal, which
 * changed nothing, gets a fresh key with the corrected body), and refusals placed beside their
 * field (a field's path, e.g. `lines.2.amount`, or its last part) or above the form, and
 * announced to screen readers.
 */
import { reactive, ref } from 'vue';
import type { RuleResult } from '../../domain/errors';
import { ApiError, newIdempotencyKey } from './api';
import { ruleText } from './i18n';

export function useSubmit(fields: readonly string[] = []) {
  const busy = ref(false);
  const errors = reactive<Record<string, string>>({});
  const general = ref<string[]>([]);
  let key: string | undefined;

  const clear = () => {
    for (const k of Object.keys(errors)) delete errors[k];
    general.value = [];
  };

  /** Places refusals: beside the named field when the form has it, else above the form. */
  function show(results: RuleResult[]): void {
    clear();
    for (const r of results) {
      const path = r.field.replace(/^(actor|recordedBy)\..*/, '$1');
      const parts = path.split('.');
      const target = [path, ...parts.map((_, i) => parts.slice(i).join('.'))].find((p) => fields.includes(p));
      const text = ruleText(r);
      if (target) errors[target] = errors[target] ? `${errors[target]}；${text}` : text;
      else general.value.push(text);
    }
  }

  async function run<T>(send: (idempotencyKey: string) => Promise<T>): Promise<T | undefined> {
    if (busy.value) return undefined;
    busy.value = true;
    key ??= newIdempotencyKey();
    clear();
    try {
      const out = await send(key);
      key = undefined;
      return out;
    } catch (err) {
      if (err instanceof ApiError) {
        // A refusal changed nothing: the corrected body is a new request.
        if (err.status >= 400 && err.status < 500) key = undefined;
        show(err.results);
      } else {
        general.value = [String(err)];
      }
      return undefined;
    } finally {
      busy.value = false;
    }
  }

  return { busy, errors, general, run, show, clear };
}
