/**
 * The page's one way to the API: the session's CSRF token on every change, one
 * Idempotency-Key per submit (a retried submit never doubles), structured refusals
 * (RuleResult[], bilingual, with field and article) as {@link ApiError}, a banner when the
 * service cannot reach its workflows (503), and the sign-in page on 401.
 */
import { reactive } from 'vue';
import type { RuleResult } from '../../domain/errors';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly results: RuleResult[],
  ) {
    super(results.map((r) => `${r.message.zh} / ${r.message.en}`).join('\n'));
  }
}

/** What every page shows above its content: the service cannot reach its workflows. */
export const health = reactive({ unreachable: false, lastError: '' });

let csrf = '';
export function setCsrf(token: string | undefined): void {
  csrf = token ?? '';
}

/** Called on a 401 from anything but the session routes (set by the router). */
let onSignedOut: () => void = () => undefined;
export function whenSignedOut(f: () => void): void {
  onSignedOut = f;
}

export interface RequestOptions {
  /** The same key for every retry of one submit. */
  idempotencyKey?: string;
  /** multipart bodies (documents) */
  form?: FormData;
}

function failure(status: number, zh: string, en: string): RuleResult[] {
  return [{ ruleId: 'http', article: null, severity: 'hard', field: '', message: { zh, en } }];
}

export async function api<T>(method: string, path: string, body?: unknown, o: RequestOptions = {}): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: {
        ...(body !== undefined && !o.form ? { 'content-type': 'application/json' } : {}),
        ...(method !== 'GET' && csrf ? { 'x-csrf-token': csrf } : {}),
        ...(o.idempotencyKey ? { 'idempotency-key': o.idempotencyKey } : {}),
        accept: 'application/json',
      },
      ...(o.form ? { body: o.form } : body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  } catch {
    health.unreachable = true;
    throw new ApiError(0, failure(0, '无法连接服务器，请检查网络后重试', 'the server cannot be reached; check the network and try again'));
  }
  const data = (await res.json().catch(() => ({}))) as { error?: { results?: RuleResult[]; message?: string } };
  if (res.status === 503) health.unreachable = true;
  else if (res.ok) health.unreachable = false;
  if (!res.ok) {
    if (res.status === 401 && !path.startsWith('/api/session') && !path.startsWith('/api/links')) onSignedOut();
    throw new ApiError(
      res.status,
      data.error?.results?.length
        ? data.error.results
        : res.status === 503
          ? failure(503, '服务暂时无法访问流程引擎，请稍后再试', 'the service cannot reach its workflows just now; try again shortly')
          : res.status === 403
            ? failure(403, '您没有权限执行此操作', 'you are not allowed to do this')
            : res.status === 404
              ? failure(404, '未找到', 'not found')
              : failure(res.status, `请求失败（${res.status}）`, `request failed (${res.status})`),
    );
  }
  return data as T;
}

/** A fresh key for one submit (kept by the form while it retries). */
export function newIdempotencyKey(): string {
  return crypto.randomUUID();
}
